package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class GroupCountsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema KEY =
      Schema.builder()
          .addNullableField("country", FieldType.STRING)
          .addNullableField("category", FieldType.STRING)
          .build();

  private static Row key(String country, String category) {
    return Row.withSchema(KEY).addValues(country, category).build();
  }

  private static final List<Row> INPUT =
      Arrays.asList(
          key("France", "art"),
          key("France", "travel"),
          key("France", "art"),
          key("Chile", "art"),
          key(null, "art"),
          key("France", null),
          key(null, "art"),
          key("France", "art"));

  private static Map<Row, Long> expected() {
    Map<Row, Long> expected = new HashMap<>();
    expected.put(key("France", "art"), 3L);
    expected.put(key("France", "travel"), 1L);
    expected.put(key("Chile", "art"), 1L);
    expected.put(key(null, "art"), 2L);
    expected.put(key("France", null), 1L);
    return expected;
  }

  @Test
  public void countsPerKey() {
    GroupCounts fn = GroupCounts.of(KEY);
    Map<Row, Long> acc = fn.createAccumulator();
    for (Row row : INPUT) {
      acc = fn.addInput(acc, row);
    }
    assertEquals(expected(), fn.extractOutput(acc));
  }

  @Test
  public void mergesAccumulators() {
    GroupCounts fn = GroupCounts.of(KEY);
    Map<Row, Long> a = fn.createAccumulator();
    Map<Row, Long> b = fn.createAccumulator();
    Map<Row, Long> c = fn.createAccumulator();
    for (int i = 0; i < INPUT.size(); i++) {
      Map<Row, Long> target = i < 3 ? a : b;
      fn.addInput(target, INPUT.get(i));
    }
    assertEquals(expected(), fn.extractOutput(fn.mergeAccumulators(Arrays.asList(a, b, c))));
  }

  @Test
  public void emptyIsEmpty() {
    GroupCounts fn = GroupCounts.of(KEY);
    assertEquals(Map.of(), fn.extractOutput(fn.createAccumulator()));
  }

  @Test
  public void accumulatorCoderRoundTrips() throws Exception {
    GroupCounts fn = GroupCounts.of(KEY);
    Coder<Map<Row, Long>> coder =
        fn.getAccumulatorCoder(CoderRegistry.createDefault(), RowCoder.of(KEY));
    CoderProperties.coderDecodeEncodeEqual(coder, expected());
  }

  @Test
  public void combinesGloballyInPipeline() {
    PCollection<Map<Row, Long>> counts =
        pipeline
            .apply(Create.of(INPUT).withRowSchema(KEY))
            .apply(Combine.globally(GroupCounts.of(KEY)));
    PAssert.thatSingleton(counts).isEqualTo(expected());
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void rejectsNullSchema() {
    assertThrows(IllegalArgumentException.class, () -> GroupCounts.of(null));
  }
}
