package org.pipewright.transforms.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.CrashingRunner;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Mean;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.internal.PerKey.Expansion;

public class PerKeyTest {
  private static final KvCoder<String, Integer> NULLABLE_KEYS =
      KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), VarIntCoder.of());

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private PCollection<KV<String, Integer>> input() {
    return pipeline.apply(Create.of(List.<KV<String, Integer>>of(
            KV.of("a", 1), KV.of("a", 2), KV.of("b", 5), KV.of(null, 3), KV.of(null, 4), KV.of("", 7), KV.of("a", 6)))
        .withCoder(NULLABLE_KEYS));
  }

  @Test
  public void bothExpansionsCombineWithANonTrivialAccumulator() {
    PCollection<KV<String, Integer>> input = input();
    for (Expansion expansion : List.of(Expansion.COMBINE, Expansion.BUCKETS)) {
      // Mean's accumulator is a (count, sum) pair; a null key and the empty string stay two keys.
      PCollection<KV<String, Double>> means = input.apply("Mean " + expansion,
          PerKey.<String, Integer, Double>combine(Mean.of()).withExpansion(expansion));
      PAssert.that("means " + expansion, means).containsInAnyOrder(
          KV.of("a", 3.0), KV.of("b", 5.0), KV.of(null, 3.5), KV.of("", 7.0));
      PCollection<KV<String, Long>> counts =
          input.apply("Count " + expansion, PerKey.<String, Integer>count().withExpansion(expansion));
      PAssert.that("counts " + expansion, counts).containsInAnyOrder(
          KV.of("a", 3L), KV.of("b", 1L), KV.of(null, 2L), KV.of("", 1L));
      PCollection<KV<String, Integer>> mins = input.apply("Min " + expansion,
          PerKey.<String, Integer, Integer>combine(Min.naturalOrder()).withExpansion(expansion));
      PAssert.that("mins " + expansion, mins).containsInAnyOrder(
          KV.of("a", 1), KV.of("b", 5), KV.of(null, 3), KV.of("", 7));
    }
    pipeline.run();
  }

  @Test
  public void manyKeysOverFewBucketsEachComeOutOnce() {
    List<KV<Long, Long>> values = new ArrayList<>();
    List<KV<Long, Long>> expected = new ArrayList<>();
    for (long key = 0; key < 1000; key++) {
      values.add(KV.of(key, 1L));
      values.add(KV.of(key, key));
      expected.add(KV.of(key, 2L));
    }
    PCollection<KV<Long, Long>> input =
        pipeline.apply(Create.of(values).withCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of())));
    for (Expansion expansion : List.of(Expansion.COMBINE, Expansion.BUCKETS)) {
      PAssert.that(expansion.toString(), input.apply("Count " + expansion,
              PerKey.<Long, Long>count().withBuckets(7).withExpansion(expansion)))
          .containsInAnyOrder(expected);
    }
    pipeline.run();
  }

  @Test
  public void distinctKeepsEachElementOnceInBothExpansions() {
    PCollection<Long> input = pipeline.apply(Create.of(3L, 1L, 3L, 2L, 1L, 3L, 0L).withCoder(VarLongCoder.of()));
    for (Expansion expansion : List.of(Expansion.COMBINE, Expansion.BUCKETS)) {
      PAssert.that(expansion.toString(),
              input.apply("Distinct " + expansion, PerKey.<Long>distinct().withBuckets(2).withExpansion(expansion)))
          .containsInAnyOrder(0L, 1L, 2L, 3L);
    }
    pipeline.run();
  }

  @Test
  public void emptyInputGivesNoKeysInBothExpansions() {
    PCollection<KV<String, Integer>> input = pipeline.apply(Create.empty(NULLABLE_KEYS));
    for (Expansion expansion : List.of(Expansion.COMBINE, Expansion.BUCKETS)) {
      PAssert.that(expansion.toString(),
          input.apply("Count " + expansion, PerKey.<String, Integer>count().withExpansion(expansion))).empty();
    }
    pipeline.run();
  }

  @Test
  public void theDirectRunnerGetsBucketsOnlyForBatchInTheGlobalWindow() {
    PCollection<KV<String, Integer>> global = input();
    assertTrue(PerKey.bucketed(global, Expansion.AUTO));
    PCollection<KV<String, Integer>> windowed =
        global.apply(Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    assertFalse(PerKey.bucketed(windowed, Expansion.AUTO));
    assertTrue(PerKey.bucketed(windowed, Expansion.BUCKETS));
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void otherRunnersGetThePlainCombine() {
    Pipeline other = Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=" + CrashingRunner.class.getName()).create());
    PCollection<KV<String, Integer>> input = other.apply(Create.of(KV.of("a", 1)).withCoder(NULLABLE_KEYS));
    assertFalse(PerKey.bucketed(input, Expansion.AUTO));
    assertTrue(PerKey.bucketed(input, Expansion.BUCKETS));
  }

  @Test
  public void keysWithoutADeterministicEncodingAreRefusedByBothExpansions() {
    PCollection<KV<Double, Integer>> input =
        pipeline.apply(Create.of(KV.of(1.5, 1)).withCoder(KvCoder.of(DoubleCoder.of(), VarIntCoder.of())));
    for (Expansion expansion : List.of(Expansion.COMBINE, Expansion.BUCKETS)) {
      assertThrows(expansion.toString(), IllegalStateException.class, () -> input.apply("Count " + expansion,
          PerKey.<Double, Integer>count().withExpansion(expansion)));
    }
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void bucketsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> PerKey.count().withBuckets(0));
    assertThrows(IllegalArgumentException.class, () -> PerKey.distinct().withBuckets(-1));
  }
}
