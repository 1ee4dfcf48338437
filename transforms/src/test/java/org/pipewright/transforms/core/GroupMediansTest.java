package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class GroupMediansTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema KEY = Schema.builder().addNullableField("g", FieldType.STRING).build();

  private static Row key(String g) {
    return Row.withSchema(KEY).addValue(g).build();
  }

  /** A histogram of the given values (value to number of occurrences). */
  private static Map<Long, Long> histogram(long... values) {
    Map<Long, Long> h = new HashMap<>();
    for (long v : values) {
      h.merge(v, 1L, Long::sum);
    }
    return h;
  }

  @Test
  public void oneValue() {
    assertEquals(Long.valueOf(5), GroupMedians.lowerMedian(histogram(5)));
  }

  @Test
  public void twoValuesGiveTheLowerOne() {
    // position ceil(2/2) = 1
    assertEquals(Long.valueOf(1), GroupMedians.lowerMedian(histogram(9, 1)));
  }

  @Test
  public void threeValuesGiveTheMiddleOne() {
    // position ceil(3/2) = 2
    assertEquals(Long.valueOf(2), GroupMedians.lowerMedian(histogram(3, 1, 2)));
  }

  @Test
  public void fourValuesGiveTheSecond() {
    // position ceil(4/2) = 2
    assertEquals(Long.valueOf(20), GroupMedians.lowerMedian(histogram(40, 10, 30, 20)));
  }

  @Test
  public void repeatedValuesCountEachOccurrence() {
    // sorted: 1, 7, 7, 7 -> position 2 is 7
    assertEquals(Long.valueOf(7), GroupMedians.lowerMedian(histogram(7, 1, 7, 7)));
    // sorted: 1, 1, 1, 7 -> position 2 is 1
    assertEquals(Long.valueOf(1), GroupMedians.lowerMedian(histogram(1, 7, 1, 1)));
    // sorted: 0, 0, 9000000, 9000000, 9000000 -> position 3
    assertEquals(
        Long.valueOf(9_000_000), GroupMedians.lowerMedian(histogram(9_000_000, 0, 9_000_000, 0, 9_000_000)));
  }

  @Test
  public void emptyIsNull() {
    assertNull(GroupMedians.lowerMedian(Map.of()));
  }

  private static final List<KV<Row, Long>> INPUT =
      Arrays.asList(
          KV.of(key("a"), 5L),
          KV.of(key("a"), null),
          KV.of(key("a"), 1L),
          KV.of(key("b"), null),
          KV.of(key("c"), 40L),
          KV.of(key("c"), 10L),
          KV.of(key("a"), null),
          KV.of(key("c"), 30L),
          KV.of(key(null), 3L),
          KV.of(key("c"), 20L));

  private static Map<Row, Long> expected() {
    Map<Row, Long> expected = new HashMap<>();
    expected.put(key("a"), 1L); // non-null values 1, 5
    expected.put(key("b"), null); // nulls only
    expected.put(key("c"), 20L); // 10, 20, 30, 40
    expected.put(key(null), 3L);
    return expected;
  }

  @Test
  public void combineIgnoresNullsPerGroup() {
    GroupMedians fn = GroupMedians.of(KEY);
    Map<Row, Map<Long, Long>> acc = fn.createAccumulator();
    for (KV<Row, Long> kv : INPUT) {
      acc = fn.addInput(acc, kv);
    }
    assertEquals(expected(), fn.extractOutput(acc));
  }

  @Test
  public void combineMergesHistograms() {
    GroupMedians fn = GroupMedians.of(KEY);
    Map<Row, Map<Long, Long>> a = fn.createAccumulator();
    Map<Row, Map<Long, Long>> b = fn.createAccumulator();
    for (int i = 0; i < INPUT.size(); i++) {
      fn.addInput(i % 2 == 0 ? a : b, INPUT.get(i));
    }
    assertEquals(expected(), fn.extractOutput(fn.mergeAccumulators(Arrays.asList(a, b))));
  }

  @Test
  public void combinesGloballyInPipeline() {
    PCollection<Map<Row, Long>> medians =
        pipeline
            .apply(
                Create.of(INPUT)
                    .withCoder(KvCoder.of(RowCoder.of(KEY), NullableCoder.of(VarLongCoder.of()))))
            .apply(Combine.globally(GroupMedians.of(KEY)));
    PAssert.thatSingleton(medians).isEqualTo(expected());
    pipeline.run().waitUntilFinish();
  }
}
