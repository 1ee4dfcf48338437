package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class CountDistinctDaysTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static final Schema SEEN = Schema.builder()
      .addStringField("item_id")
      .addStringField("date")
      .addNullableField("name", FieldType.STRING)
      .build();
  private static final Schema OUT = CountDistinctDays.outputSchema("item_id", "name");

  static Row seen(String id, String date, String name) {
    return Row.withSchema(SEEN).addValues(id, date, name).build();
  }

  private static Row freq(String id, String name, long days, String first, String last) {
    return Row.withSchema(OUT).addValues(id, name, days, first, last).build();
  }

  private static CountDistinctDays.Days fold(List<KV<String, String>> inputs) {
    CountDistinctDays.DaysFn fn = new CountDistinctDays.DaysFn();
    CountDistinctDays.Days acc = fn.createAccumulator();
    for (KV<String, String> kv : inputs) {
      acc = fn.addInput(acc, kv);
    }
    return acc;
  }

  @Test
  public void countsDistinctDaysAndKeepsTheLastDaysName() {
    CountDistinctDays.Days d = fold(List.of(
        KV.of("2017-03-03", "Old name"), KV.of("2017-03-05", "New name"),
        KV.of("2017-03-03", "Old name"), KV.of("2017-03-01", "Oldest name")));
    assertEquals(Set.of("2017-03-01", "2017-03-03", "2017-03-05"), d.days);
    assertEquals("2017-03-01", d.firstDay());
    assertEquals("2017-03-05", d.lastDay);
    assertEquals("New name", d.lastName);
  }

  @Test
  public void twoNamesOnTheLastDayKeepTheSmallestByCodePointInAnyOrder() {
    // U+1F600 sorts after U+FF21 by code point, though before it in UTF-16 units.
    List<KV<String, String>> inputs = new ArrayList<>(List.of(
        KV.of("2017-03-05", "b"), KV.of("2017-03-05", "\uD83D\uDE00"), KV.of("2017-03-05", "\uFF21"),
        KV.of("2017-03-05", null), KV.of("2017-03-04", "a")));
    for (int i = 0; i < inputs.size(); i++) {
      Collections.rotate(inputs, 1);
      assertEquals("b", fold(inputs).lastName);
    }
    assertEquals(null, fold(List.of(KV.of("2017-03-05", null))).lastName);
    assertEquals("x", fold(List.of(KV.of("2017-03-05", null), KV.of("2017-03-05", "x"))).lastName);
  }

  @Test
  public void mergeGivesTheSameAsOneAccumulator() {
    CountDistinctDays.DaysFn fn = new CountDistinctDays.DaysFn();
    CountDistinctDays.Days a = fold(List.of(KV.of("2017-03-01", "A"), KV.of("2017-03-04", "Z")));
    CountDistinctDays.Days b = fold(List.of(KV.of("2017-03-04", "M"), KV.of("2017-03-02", "B")));
    CountDistinctDays.Days merged = fn.mergeAccumulators(List.of(a, fn.createAccumulator(), b));
    assertEquals(new HashSet<>(List.of("2017-03-01", "2017-03-02", "2017-03-04")), merged.days);
    assertEquals("2017-03-04", merged.lastDay);
    assertEquals("M", merged.lastName);
    assertEquals(fold(List.of(KV.of("2017-03-01", "A"), KV.of("2017-03-04", "Z"), KV.of("2017-03-04", "M"),
        KV.of("2017-03-02", "B"))), merged);
  }

  @Test
  public void inAPipeline() {
    PCollection<Row> frequency = pipeline
        .apply(Create.of(
            seen("1", "2017-03-03", "Desk"),
            seen("1", "2017-03-03", "Desk"),
            seen("1", "2017-03-02", "Desk (old)"),
            seen("1", "2017-03-09", "Desk, white"),
            seen("2", "2017-03-05", null),
            seen("3", "2017-03-01", "Lamp")))
        .setRowSchema(SEEN)
        .apply(CountDistinctDays.create());
    PAssert.that(frequency).containsInAnyOrder(
        freq("1", "Desk, white", 3, "2017-03-02", "2017-03-09"),
        freq("2", null, 1, "2017-03-05", "2017-03-05"),
        freq("3", "Lamp", 1, "2017-03-01", "2017-03-01"));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void fieldsAreChecked() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<Row> rows = p.apply(Create.of(seen("1", "2017-03-03", "x"))).setRowSchema(SEEN);
    assertThrows(IllegalArgumentException.class, () -> rows.apply("a", CountDistinctDays.create().withKeyField("id")));
    // The key must not be nullable: a null key cannot be counted.
    assertThrows(IllegalArgumentException.class, () -> rows.apply("b", CountDistinctDays.create().withKeyField("name")
        .withNameField("item_id")));
  }
}
