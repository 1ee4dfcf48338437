package org.pipewright.io.mongodb;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.joda.time.Instant;
import org.junit.Test;

/** Rows to documents without a server: the _id, every type, and the names that are refused. */
public class RowDocumentsTest {
  private static final Schema INNER = Schema.builder().addStringField("ü").addNullableField("n", FieldType.INT32).build();
  private static final Schema ALL = Schema.builder()
      .addInt64Field("item_id")
      .addStringField("date")
      .addNullableField("price", FieldType.DECIMAL)
      .addNullableField("at", FieldType.DATETIME)
      .addNullableField("ratio", FieldType.DOUBLE)
      .addNullableField("f", FieldType.FLOAT)
      .addNullableField("small", FieldType.INT16)
      .addNullableField("b", FieldType.BYTE)
      .addNullableField("ok", FieldType.BOOLEAN)
      .addNullableField("tags", FieldType.array(FieldType.STRING.withNullable(true)))
      .addNullableField("inner", FieldType.row(INNER))
      .addNullableField("attrs", FieldType.map(FieldType.STRING, FieldType.INT64))
      .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("Prix ✨", FieldType.STRING)
      .build();

  private static Row full() {
    Map<String, Long> attrs = new LinkedHashMap<>();
    attrs.put("size", 3L);
    attrs.put("größe", 4L);
    return Row.withSchema(ALL).addValues(42L, "2024-01-02", new BigDecimal("19.990000"),
        Instant.parse("2024-01-02T03:04:05.678Z"), 0.25, 0.1f, (short) 7, (byte) -1, true,
        Arrays.asList("a", null), Row.withSchema(INNER).addValues("x", null).build(), attrs,
        LocalDate.of(2024, 1, 2), "neuf").build();
  }

  @Test
  public void everyTypeBecomesItsBsonCounterpartUnderItsOwnName() {
    Document document = RowDocuments.toDocument(full(), List.of("item_id", "date"));
    Document expected = new Document("_id", new Document("item_id", 42L).append("date", "2024-01-02"))
        .append("item_id", 42L)
        .append("date", "2024-01-02")
        .append("price", new Decimal128(new BigDecimal("19.990000")))
        .append("at", new Date(Instant.parse("2024-01-02T03:04:05.678Z").getMillis()))
        .append("ratio", 0.25)
        .append("f", 0.1)
        .append("small", 7)
        .append("b", -1)
        .append("ok", true)
        .append("tags", Arrays.asList("a", null))
        .append("inner", new Document("ü", "x").append("n", null))
        .append("attrs", new Document("size", 3L).append("größe", 4L))
        .append("day", "2024-01-02")
        .append("Prix ✨", "neuf");
    assertEquals(expected, document);
    // Order matters to MongoDB for sub-documents (an _id is compared field by field, in order)
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(document.keySet()));
    assertEquals(List.of("item_id", "date"), List.copyOf(((Document) document.get("_id")).keySet()));
  }

  @Test
  public void oneKeyIsTheIdItselfAndNullsStayNull() {
    Row row = Row.withSchema(ALL).addValues(7L, "d", null, null, null, null, null, null, null, null, null,
        null, null, null).build();
    Document document = RowDocuments.toDocument(row, List.of("item_id"));
    assertEquals(7L, document.get("_id"));
    assertNull(document.get("price"));
    assertEquals(ALL.getFieldCount() + 1, document.size());
  }

  @Test
  public void anIdFieldIsTheIdWhenItIsTheOnlyKey() {
    Schema schema = Schema.builder().addStringField("_id").addInt32Field("n").build();
    RowDocuments.checkSchema(schema, List.of("_id"));
    assertEquals(new Document("_id", "k").append("n", 1),
        RowDocuments.toDocument(Row.withSchema(schema).addValues("k", 1).build(), List.of("_id")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowDocuments.checkSchema(schema, List.of("n")));
    assertEquals("the rows have a field '_id' but the keys are [n]: the document id is built from the keys; "
        + "rename the field or make it the only key", e.getMessage());
  }

  @Test
  public void rowsThatCannotBeDocumentsSayWhy() {
    Schema schema = Schema.builder().addNullableField("k", FieldType.STRING).addNullableField("d", FieldType.DECIMAL)
        .addNullableField("m", FieldType.map(FieldType.STRING, FieldType.STRING)).build();
    assertEquals("key field 'k' is null: a document needs its whole key",
        assertThrows(IllegalArgumentException.class, () -> RowDocuments.toDocument(
            Row.withSchema(schema).addValues(null, null, null).build(), List.of("k"))).getMessage());
    assertEquals("decimal 'd' = 1234567890123456789012345678901234.5 does not fit MongoDB's Decimal128 "
        + "(34 digits) without rounding",
        assertThrows(IllegalArgumentException.class, () -> RowDocuments.toDocument(Row.withSchema(schema)
            .addValues("k", new BigDecimal("1234567890123456789012345678901234.5"), null).build(), List.of("k")))
            .getMessage());
    assertEquals("map 'm' has a key 'a.b' that contains '.', which a MongoDB update reads as a path into a "
        + "sub-document (it would be stored nested, not under its name)",
        assertThrows(IllegalArgumentException.class, () -> RowDocuments.toDocument(Row.withSchema(schema)
            .addValues("k", null, Map.of("a.b", "x")).build(), List.of("k"))).getMessage());
  }

  @Test
  public void namesMongoDbWouldChangeAreRefusedWithTheFieldNamed() {
    assertEquals("field 'a.b' contains '.', which a MongoDB update reads as a path into a sub-document (it "
        + "would be stored nested, not under its name); rename it (e.g. with Beam's RenameFields) before "
        + "writing to MongoDB", refusal(Schema.builder().addInt32Field("k").addStringField("a.b").build()));
    assertEquals("field '$price' starts with '$', which MongoDB reads as an operator; rename it (e.g. with "
        + "Beam's RenameFields) before writing to MongoDB",
        refusal(Schema.builder().addInt32Field("k").addStringField("$price").build()));
    Schema nested = Schema.builder().addInt32Field("v.1").build();
    assertEquals("field 'inner.v.1' contains '.', which a MongoDB update reads as a path into a sub-document "
        + "(it would be stored nested, not under its name); rename it (e.g. with Beam's RenameFields) before "
        + "writing to MongoDB",
        refusal(Schema.builder().addInt32Field("k").addRowField("inner", nested).build()));
    assertEquals("field 'm' is a map with INT32 keys: only string keys can be document field names",
        refusal(Schema.builder().addInt32Field("k").addMapField("m", FieldType.INT32, FieldType.STRING).build()));
    assertEquals("key 'tags' is of type ARRAY: an _id is built from scalar fields only",
        assertThrows(IllegalArgumentException.class, () -> RowDocuments.checkSchema(
            Schema.builder().addArrayField("tags", FieldType.STRING).build(), List.of("tags"))).getMessage());
    assertEquals("key 'x' is not a field of [k]", assertThrows(IllegalArgumentException.class,
        () -> RowDocuments.checkSchema(Schema.builder().addInt32Field("k").build(), List.of("x"))).getMessage());
    // Non-ASCII, spaces and punctuation other than '.' and a leading '$' are kept
    RowDocuments.checkSchema(Schema.builder().addInt32Field("k").addStringField("Prix ✨ (€)").addStringField("a$b")
        .build(), List.of("k"));
  }

  private static String refusal(Schema schema) {
    return assertThrows(IllegalArgumentException.class, () -> RowDocuments.checkSchema(schema, List.of("k")))
        .getMessage();
  }
}
