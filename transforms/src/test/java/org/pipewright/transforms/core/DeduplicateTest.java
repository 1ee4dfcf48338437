package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.pipewright.transforms.pinterest.PinterestSchemas;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

public class DeduplicateTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema GEO = PinterestSchemas.GEO;

  private static final Instant T1 = new Instant(1_598_586_767_000L);
  private static final Instant T2 = new Instant(1_598_586_768_000L);

  private static Row geo(long ind, String country, List<Double> coordinates, Instant timestamp) {
    return Row.withSchema(GEO).addValues(ind, country, coordinates, timestamp).build();
  }

  private static final Row A1 = geo(1, "Albania", Arrays.asList(-89.9787, -173.293), T1);
  private static final Row A1_OTHER_TIME = geo(1, "Albania", Arrays.asList(-89.9787, -173.293), T2);
  private static final Row A1_OTHER_COUNTRY = geo(1, "Algeria", Arrays.asList(-89.9787, -173.293), T1);
  private static final Row B2 = geo(2, "Chile", Arrays.asList(10.0, 20.0), T1);
  private static final Row C3_NULLS = geo(3, null, null, null);
  private static final Row D4 = geo(4, "Peru", Arrays.asList(1.0, 2.0), T2);

  private static final List<Row> INPUT =
      Arrays.asList(
          A1,
          B2,
          A1_OTHER_TIME,
          geo(1, "Albania", Arrays.asList(-89.9787, -173.293), T1), // exact copy of A1
          C3_NULLS,
          A1_OTHER_COUNTRY,
          geo(2, "Chile", Arrays.asList(10.0, 20.0), T1), // copy of B2
          geo(3, null, null, null), // copy of C3_NULLS
          geo(2, "Chile", Arrays.asList(10.0, 20.0), T1), // second copy of B2
          D4);

  private PCollection<Row> input() {
    return pipeline.apply("Input", Create.of(INPUT).withRowSchema(GEO));
  }

  @Test
  public void removesExactCopiesWithDefaultBuckets() {
    PCollection<Row> out = input().apply(Deduplicate.rows());
    PAssert.that(out).containsInAnyOrder(A1, A1_OTHER_TIME, A1_OTHER_COUNTRY, B2, C3_NULLS, D4);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void removesExactCopiesWithOneBucket() {
    PCollection<Row> out = input().apply(Deduplicate.rows().withBuckets(1));
    PAssert.that(out).containsInAnyOrder(A1, A1_OTHER_TIME, A1_OTHER_COUNTRY, B2, C3_NULLS, D4);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void keepsSchema() {
    PCollection<Row> out = input().apply(Deduplicate.rows().withBuckets(3));
    org.junit.Assert.assertEquals(GEO, out.getSchema());
    PAssert.that(out).containsInAnyOrder(A1, A1_OTHER_TIME, A1_OTHER_COUNTRY, B2, C3_NULLS, D4);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void otherKeyField() {
    // Bucketing by country instead of ind (null country included) finds the same copies.
    PCollection<Row> out = input().apply(Deduplicate.rows().withKeyField("country").withBuckets(2));
    PAssert.that(out).containsInAnyOrder(A1, A1_OTHER_TIME, A1_OTHER_COUNTRY, B2, C3_NULLS, D4);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void emptyInput() {
    PCollection<Row> out =
        pipeline
            .apply(Create.empty(RowCoder.of(GEO)))
            .setRowSchema(GEO)
            .apply(Deduplicate.rows());
    PAssert.that(out).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> Deduplicate.rows().withBuckets(0));
    assertThrows(IllegalArgumentException.class, () -> Deduplicate.rows().withKeyField(""));
    assertThrows(IllegalArgumentException.class, () -> Deduplicate.rows().withKeyField(null));
  }

  @Test
  public void rejectsUnknownKeyField() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> rows = p.apply(Create.of(INPUT).withRowSchema(GEO));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> rows.apply(Deduplicate.rows().withKeyField("index")));
    assertThat(e.getMessage(), containsString("'index'"));
  }
}
