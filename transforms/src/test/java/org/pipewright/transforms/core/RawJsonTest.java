package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class RawJsonTest {
  private static final Schema RAW =
      Schema.builder()
          .addNullableField("a", Schema.FieldType.STRING)
          .addNullableField("b", Schema.FieldType.STRING)
          .addNullableField("c", Schema.FieldType.STRING)
          .addNullableField("d", Schema.FieldType.STRING)
          .addNullableField("e", Schema.FieldType.STRING)
          .addNullableField("f", Schema.FieldType.STRING)
          .build();

  private static Row raw(Object... values) {
    return Row.withSchema(RAW).addValues(values).build();
  }

  @Test
  public void parsesOneObject() {
    JsonNode node = RawJson.parseObject("{\"ind\": 1, \"name\": \"x\"}");
    assertTrue(node.isObject());
    assertEquals(1, node.get("ind").intValue());
    assertEquals("x", node.get("name").textValue());
  }

  @Test
  public void unparseableJsonIsBadValue() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"ind\": 1,"));
    assertThat(e.getMessage(), startsWith("unparseable JSON: "));
    e = assertThrows(BadValueException.class, () -> RawJson.parseObject("not json"));
    assertThat(e.getMessage(), startsWith("unparseable JSON: "));
  }

  @Test
  public void arrayIsBadValue() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> RawJson.parseObject("[{\"ind\": 1}]"));
    assertEquals("expected a JSON object, got ARRAY", e.getMessage());
  }

  @Test
  public void scalarsAndEmptyInputAreBadValues() {
    assertEquals(
        "expected a JSON object, got NUMBER",
        assertThrows(BadValueException.class, () -> RawJson.parseObject("42")).getMessage());
    assertEquals(
        "expected a JSON object, got NULL",
        assertThrows(BadValueException.class, () -> RawJson.parseObject("null")).getMessage());
    assertThrows(BadValueException.class, () -> RawJson.parseObject(""));
    assertThrows(BadValueException.class, () -> RawJson.parseObject("   "));
  }

  @Test
  public void trailingTokensAreBadValue() {
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\":1} {\"a\":2}"));
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\":1} x"));
  }

  @Test
  public void scalarsBecomeText() {
    JsonNode node =
        RawJson.parseObject(
            "{\"a\": 43, \"b\": \"43k\", \"c\": true, \"d\": null, \"e\": 1.5, \"f\": \" x \"}");
    assertEquals(raw("43", "43k", "true", null, "1.5", " x "), RawJson.toRow(node, RAW, Map.of()));
  }

  @Test
  public void missingFieldsAreNullAndUnknownFieldsIgnored() {
    JsonNode node =
        RawJson.parseObject("{\"a\": \"1\", \"other\": {\"nested\": [1, 2]}, \"more\": [3]}");
    assertEquals(raw("1", null, null, null, null, null), RawJson.toRow(node, RAW, Map.of()));
  }

  @Test
  public void objectWhereScalarExpectedIsBadValue() {
    JsonNode node = RawJson.parseObject("{\"a\": \"1\", \"b\": {\"x\": 1}}");
    BadValueException e =
        assertThrows(BadValueException.class, () -> RawJson.toRow(node, RAW, Map.of()));
    assertThat(e.getMessage(), containsString("'b'"));
    assertThat(e.getMessage(), containsString("OBJECT"));
  }

  @Test
  public void arrayWhereScalarExpectedIsBadValue() {
    JsonNode node = RawJson.parseObject("{\"c\": [1, 2]}");
    BadValueException e =
        assertThrows(BadValueException.class, () -> RawJson.toRow(node, RAW, Map.of()));
    assertThat(e.getMessage(), containsString("'c'"));
    assertThat(e.getMessage(), containsString("ARRAY"));
  }

  @Test
  public void aliasFillsMissingField() {
    JsonNode node = RawJson.parseObject("{\"img_src\": \"https://i.pinimg.com/x.jpg\", \"ind\": 7}");
    Row row = RawJson.toRow(node, RAW, Map.of("img_src", "b", "ind", "a"));
    assertEquals(raw("7", "https://i.pinimg.com/x.jpg", null, null, null, null), row);
  }

  @Test
  public void canonicalNameWinsOverAlias() {
    JsonNode node = RawJson.parseObject("{\"b\": \"canonical\", \"img_src\": \"alias\"}");
    Row row = RawJson.toRow(node, RAW, Map.of("img_src", "b"));
    assertEquals("canonical", row.getString("b"));
  }

  @Test
  public void nullCanonicalFallsBackToAlias() {
    JsonNode node = RawJson.parseObject("{\"b\": null, \"img_src\": \"alias\"}");
    Row row = RawJson.toRow(node, RAW, Map.of("img_src", "b"));
    assertEquals("alias", row.getString("b"));
  }

  @Test
  public void aliasWithContainerIsBadValue() {
    JsonNode node = RawJson.parseObject("{\"img_src\": [\"x\"]}");
    BadValueException e =
        assertThrows(BadValueException.class, () -> RawJson.toRow(node, RAW, Map.of("img_src", "b")));
    assertThat(e.getMessage(), containsString("'img_src'"));
  }

  @Test
  public void duplicateKeysAreRefused() {
    BadValueException e = assertThrows(BadValueException.class,
        () -> RawJson.parseObject("{\"a\": 1, \"b\": 2, \"a\": 3}"));
    assertEquals("unparseable JSON: Duplicate field 'a'", e.getMessage());
    // Nested objects are checked too: the record would otherwise depend on which value won.
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": {\"x\": 1, \"x\": 1}}"));
  }

  @Test
  public void tenThousandDeepNestingIsRefusedWithoutStackOverflow() {
    String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    BadValueException e = assertThrows(BadValueException.class, () -> RawJson.parseObject(deep));
    assertThat(e.getMessage(), startsWith("JSON exceeds a safety limit: Depth (1001) exceeds the maximum allowed nesting depth (1000)"));
    String deepObjects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    assertThrows(BadValueException.class, () -> RawJson.parseObject(deepObjects));
    // Within the limit it parses.
    assertTrue(RawJson.parseObject("{\"a\":" + "[".repeat(998) + "]".repeat(998) + "}").isObject());
  }

  @Test
  public void numbersBeyondLongAndDoubleKeepTheirText() {
    JsonNode node = RawJson.parseObject(
        "{\"a\": 123456789012345678901234567890, \"b\": 1e999, \"c\": -2.50, \"d\": 1E-400}");
    // Jackson reads a float beyond double's range as Infinity, whatever the number feature; the
    // cleaners refuse that text, so the record is a dead letter either way (see NumbersTest).
    assertEquals(raw("123456789012345678901234567890", "Infinity", "-2.50", "1E-400", null, null),
        RawJson.toRow(node, RAW, Map.of()));
  }

  @Test
  public void absurdNumbersAreBadValues() {
    assertEquals("Infinity", RawJson.parseObject("{\"a\": 1e99999999999}").get("a").asText());
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": " + "9".repeat(2000) + "}"));
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": NaN}"));
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": 0x10}"));
  }

  @Test
  public void controlCharactersAndNulInStringsAreBadValues() {
    BadValueException e = assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": \"x\u0000y\"}"));
    assertThat(e.getMessage(), startsWith("unparseable JSON: Illegal unquoted character"));
    assertThrows(BadValueException.class, () -> RawJson.parseObject("{\"a\": 1}\u0000"));
    // An escaped NUL is valid JSON and kept as data.
    assertEquals("x\u0000y", RawJson.parseObject("{\"a\": \"x\\u0000y\"}").get("a").asText());
  }
}
