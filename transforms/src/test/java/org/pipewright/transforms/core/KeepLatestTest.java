package org.pipewright.transforms.core;

import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class KeepLatestTest {
  static final Schema SCHEMA = Schema.builder().addStringField("id").addStringField("date")
      .addNullableField("source", Schema.FieldType.STRING).addInt32Field("price").build();

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static Row row(String id, String date, String source, int price) {
    return Row.withSchema(SCHEMA).addValues(id, date, source, price).build();
  }

  @Test
  public void theRowWithTheGreatestOrderValueWinsPerKey() {
    PCollection<Row> latest = pipeline
        .apply(Create.of(
            row("1", "2017-03-03", "dt=2017-03-03/0800.json", 10),
            row("1", "2017-03-03", "dt=2017-03-03/2000.json", 12),
            row("1", "2017-03-03", "dt=2017-03-03/1200.json", 11),
            row("1", "2017-03-04", null, 13),
            row("1", "2017-03-04", "dt=2017-03-04/0800.json", 14),
            // Same key and order value: the choice must not depend on arrival order.
            row("2", "2017-03-03", "x", 5),
            row("2", "2017-03-03", "x", 7),
            // Key parts must not run together: ("2", "2017-03-03") is not ("22017-03-0", "3").
            row("12", "017-03-03", "x", 1))
            .withRowSchema(SCHEMA))
        .apply(KeepLatest.perKey("id", "date").orderedBy("source"));
    PAssert.that(latest).containsInAnyOrder(
        row("1", "2017-03-03", "dt=2017-03-03/2000.json", 12),
        row("1", "2017-03-04", "dt=2017-03-04/0800.json", 14),
        row("2", "2017-03-03", "x", 7),
        row("12", "017-03-03", "x", 1));
    pipeline.run();
  }

  @Test
  public void unknownFieldsAreRefusedWhenTheGraphIsBuilt() {
    PCollection<Row> rows = pipeline.apply(Create.empty(SCHEMA));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(KeepLatest.perKey("nope").orderedBy("source")));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(KeepLatest.perKey("id")));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}
