package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;
import org.pipewright.transforms.pinterest.PinterestSchemas;

public class RowJsonTest {
  /** 2020-08-28T03:52:47Z. */
  private static final Instant AUG_28 = new Instant(1_598_586_767_000L);

  private static final Schema GEO = PinterestSchemas.GEO;

  private static final Schema MIXED =
      Schema.builder()
          .addInt64Field("id")
          .addNullableField("age", FieldType.INT32)
          .addNullableField("score", FieldType.DOUBLE)
          .addNullableField("flag", FieldType.BOOLEAN)
          .addNullableField("name", FieldType.STRING)
          .build();

  private static Row geo(long ind, String country, List<Double> coordinates, Instant timestamp) {
    return Row.withSchema(GEO).addValues(ind, country, coordinates, timestamp).build();
  }

  private static Row read(String json, Schema schema) {
    return RowJson.toRow(RawJson.parseObject(json), schema);
  }

  @Test
  public void formatsFieldsInSchemaOrder() {
    Row row = geo(7528, "Albania", Arrays.asList(-89.9787, -173.293), AUG_28);
    assertEquals(
        "{\"ind\":7528,\"country\":\"Albania\",\"coordinates\":[-89.9787,-173.293],"
            + "\"timestamp\":\"2020-08-28T03:52:47Z\"}",
        RowJson.format(row));
  }

  @Test
  public void formatsNullsAsJsonNull() {
    assertEquals(
        "{\"ind\":1,\"country\":null,\"coordinates\":null,\"timestamp\":null}",
        RowJson.format(geo(1, null, null, null)));
  }

  @Test
  public void formatsOtherTypesAndEscapesStrings() {
    Row row = Row.withSchema(MIXED).addValues(5L, 30, 1.5, true, "say \"hi\" – Привет 😀").build();
    assertEquals(
        "{\"id\":5,\"age\":30,\"score\":1.5,\"flag\":true,\"name\":\"say \\\"hi\\\" – Привет 😀\"}",
        RowJson.format(row));
  }

  @Test
  public void roundTripsGeoRow() {
    Row row = geo(7528, "Côte d'Ivoire", Arrays.asList(-89.9787, -173.293), AUG_28);
    assertEquals(row, read(RowJson.format(row), GEO));
  }

  @Test
  public void roundTripsNullsAndMilliseconds() {
    Row withNulls = geo(1, null, null, null);
    assertEquals(withNulls, read(RowJson.format(withNulls), GEO));
    Row withMillis = geo(2, "X", Arrays.asList(0.0, 0.0), new Instant(1_598_586_767_123L));
    assertEquals(withMillis, read(RowJson.format(withMillis), GEO));
  }

  @Test
  public void roundTripsMixedTypes() {
    Row row = Row.withSchema(MIXED).addValues(5L, -30, -0.25, false, "x").build();
    assertEquals(row, read(RowJson.format(row), MIXED));
    Row nulls = Row.withSchema(MIXED).addValues(6L, null, null, null, null).build();
    assertEquals(nulls, read(RowJson.format(nulls), MIXED));
  }

  @Test
  public void nullElementInArrayOfNonNullableIsBadValue() {
    // A row holding it could not be encoded: it must be a dead letter, not a pipeline failure.
    BadValueException e =
        assertThrows(
            BadValueException.class, () -> read("{\"ind\": 3, \"coordinates\": [1.5, null]}", GEO));
    assertThat(e.getMessage(), containsString("'coordinates'"));
  }

  @Test
  public void nullElementInArrayOfNullableIsKept() {
    Schema schema =
        Schema.builder()
            .addNullableField("values", FieldType.array(FieldType.DOUBLE.withNullable(true)))
            .build();
    assertEquals(
        Row.withSchema(schema).addValue(Arrays.asList(1.5, null)).build(),
        read("{\"values\": [1.5, null]}", schema));
  }

  @Test
  public void missingNullableFieldsAreNull() {
    assertEquals(geo(9, null, null, null), read("{\"ind\": 9}", GEO));
  }

  @Test
  public void readsLenientScalarShapes() {
    // Whole numbers and doubles given as text, integers where doubles are expected, and the
    // space-separated timestamp form.
    Row row =
        read(
            "{\"ind\": \"12\", \"country\": 42, \"coordinates\": [1, \"2.5\"],"
                + " \"timestamp\": \"2020-08-28 03:52:47\"}",
            GEO);
    assertEquals(geo(12, "42", Arrays.asList(1.0, 2.5), AUG_28), row);
    assertEquals(
        Row.withSchema(MIXED).addValues(5L, 30, 2.0, null, null).build(),
        read("{\"id\": 5, \"age\": \"30\", \"score\": 2}", MIXED));
  }

  @Test
  public void missingRequiredFieldIsBadValue() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> read("{\"country\": \"X\"}", GEO));
    assertEquals("missing required field 'ind'", e.getMessage());
    assertThrows(BadValueException.class, () -> read("{\"ind\": null}", GEO));
  }

  @Test
  public void wrongTypesAreBadValues() {
    assertWrongType("{\"ind\": \"abc\"}", GEO, "ind");
    assertWrongType("{\"ind\": 1.5}", GEO, "ind");
    assertWrongType("{\"ind\": true}", GEO, "ind");
    assertWrongType("{\"ind\": [1]}", GEO, "ind");
    assertWrongType("{\"ind\": \"1-2\"}", GEO, "ind");
    assertWrongType("{\"ind\": \"-\"}", GEO, "ind");
    assertWrongType("{\"ind\": 1, \"country\": {\"name\": \"X\"}}", GEO, "country");
    assertWrongType("{\"ind\": 1, \"coordinates\": \"1.0,2.0\"}", GEO, "coordinates");
    assertWrongType("{\"ind\": 1, \"coordinates\": [\"north\", 2.0]}", GEO, "coordinates");
    assertWrongType("{\"id\": 1, \"age\": \"abc\"}", MIXED, "age");
    assertWrongType("{\"id\": 1, \"age\": 3000000000}", MIXED, "age");
    assertWrongType("{\"id\": 1, \"score\": \"high\"}", MIXED, "score");
    assertWrongType("{\"id\": 1, \"flag\": \"yes\"}", MIXED, "flag");
    assertWrongType("{\"id\": 1, \"flag\": 1}", MIXED, "flag");
  }

  @Test
  public void impossibleTimestampIsBadValue() {
    BadValueException e =
        assertThrows(
            BadValueException.class,
            () -> read("{\"ind\": 1, \"timestamp\": \"2020-13-01T00:00:00\"}", GEO));
    assertThat(e.getMessage(), containsString("2020-13-01T00:00:00"));
    assertThrows(
        BadValueException.class, () -> read("{\"ind\": 1, \"timestamp\": [2020]}", GEO));
  }

  private static void assertWrongType(String json, Schema schema, String field) {
    BadValueException e = assertThrows(json, BadValueException.class, () -> read(json, schema));
    assertThat(json, e.getMessage(), containsString("'" + field + "'"));
  }

  private static final Schema DATED = Schema.builder()
      .addField("month", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("released", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("value", FieldType.DECIMAL)
      .build();

  @Test
  public void datesAreIsoCalendarDatesAndDecimalsExactNumbersBothWays() {
    Row row = Row.withSchema(DATED)
        .addValues(LocalDate.of(2017, 1, 1), LocalDate.of(995, 12, 31), new BigDecimal("0.10000000000000000001"))
        .build();
    String json = "{\"month\":\"2017-01-01\",\"released\":\"0995-12-31\",\"value\":0.10000000000000000001}";
    assertEquals(json, RowJson.format(row));
    assertEquals(row, read(json, DATED));
    assertEquals(Row.withSchema(DATED).addValues(LocalDate.of(2024, 2, 29), null, new BigDecimal("12.50")).build(),
        read("{\"month\":\"2024-02-29\",\"value\":\" 12.50 \"}", DATED));
    assertEquals("\"2017-01-01\"", RowJson.formatValue(DATED.getField(0).getType(), LocalDate.of(2017, 1, 1)));
  }

  @Test
  public void aDateThatIsNotACalendarDateIsABadValue() {
    for (String bad : List.of("\"2023-02-29\"", "\"2017-01-01T00:00:00Z\"", "\"1/1/2017\"", "20170101", "[]")) {
      BadValueException e = assertThrows(BadValueException.class,
          () -> read("{\"month\":" + bad + "}", DATED));
      assertThat(bad, e.getMessage(), containsString("'month'"));
    }
    assertThrows(BadValueException.class, () -> read("{\"month\":\"2017-01-01\",\"value\":\"ten\"}", DATED));
    for (String huge : List.of("1e-999999999", "\"1E+999999999\"", "1" + "0".repeat(100) + ".5")) {
      BadValueException e = assertThrows(huge, BadValueException.class,
          () -> read("{\"month\":\"2017-01-01\",\"value\":" + huge + "}", DATED));
      assertEquals("'value' has more than 100 digits or decimals", e.getMessage());
    }
  }
}
