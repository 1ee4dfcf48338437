package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class KeepFirstTest {
  static final Schema SCHEMA = Schema.builder().addInt64Field("id")
      .addNullableField("source", Schema.FieldType.STRING).addStringField("title").build();

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  static Row row(long id, String source, String title) {
    return Row.withSchema(SCHEMA).addValues(id, source, title).build();
  }

  @Test
  public void sourcesCompareByFileThenLineNumber() {
    assertTrue(KeepFirst.compareSources("m.csv:9", "m.csv:10") < 0);
    assertTrue(KeepFirst.compareSources("m.csv:10", "m.csv:9") > 0);
    assertTrue(KeepFirst.compareSources("a.csv:100", "b.csv:2") < 0);
    assertEquals(0, KeepFirst.compareSources("m.csv:007", "m.csv:7"));
    assertTrue(KeepFirst.compareSources("m.csv:99999999999999999999", "m.csv:100000000000000000000") < 0);
    // A colon inside the path is part of the file; only a numeric suffix is a line.
    assertTrue(KeepFirst.compareSources("s3://b/m.csv:12", "s3://b/m.csv:3") > 0);
    assertTrue(KeepFirst.compareSources("m.csv", "m.csv:1") < 0);
    assertTrue(KeepFirst.compareSources("m.csv:x", "m.csv:1") > 0);
    assertTrue(KeepFirst.compareSources("m.csv:1", null) < 0);
    assertTrue(KeepFirst.compareSources(null, "m.csv:1") > 0);
    assertEquals(0, KeepFirst.compareSources(null, null));
  }

  @Test
  public void theFirstRowInSourceOrderWinsPerKey() {
    PCollection<Row> first = pipeline
        .apply(Create.of(
            row(1, "m.csv:10", "ten"),
            row(1, "m.csv:9", "nine"),
            row(1, "m.csv:100", "hundred"),
            row(1, null, "none"),
            row(2, "n.csv:2", "n2"),
            row(2, "m.csv:20", "m20"),
            // Same key and source: the choice must not depend on arrival order.
            row(3, "m.csv:5", "b"),
            row(3, "m.csv:5", "a"),
            row(4, null, "only"))
            .withRowSchema(SCHEMA))
        .apply(KeepFirst.perKey("id").inSourceOrder("source"));
    PAssert.that(first).containsInAnyOrder(
        row(1, "m.csv:9", "nine"), row(2, "m.csv:20", "m20"), row(3, "m.csv:5", "a"), row(4, null, "only"));
    pipeline.run();
  }

  @Test
  public void unknownFieldsAreRefusedWhenTheGraphIsBuilt() {
    PCollection<Row> rows = pipeline.apply(Create.empty(SCHEMA));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(KeepFirst.perKey("nope").inSourceOrder("source")));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(KeepFirst.perKey("id").inSourceOrder("id")));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(KeepFirst.perKey("id")));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}
