package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;

public class TopTiesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static List<KV<String, Long>> top(List<KV<String, Long>> inputs) {
    TopTies fn = TopTies.of();
    List<KV<String, Long>> acc = fn.createAccumulator();
    for (KV<String, Long> kv : inputs) {
      acc = fn.addInput(acc, kv);
    }
    return fn.extractOutput(acc);
  }

  @Test
  public void keepsEveryTieForFirst() {
    assertThat(
        top(
            Arrays.asList(
                KV.of("a", 3L), KV.of("b", 5L), KV.of("c", 5L), KV.of("d", 4L), KV.of("e", 1L))),
        containsInAnyOrder(KV.of("b", 5L), KV.of("c", 5L)));
  }

  @Test
  public void laterLargerValueReplacesEarlierTies() {
    assertThat(
        top(Arrays.asList(KV.of("a", 2L), KV.of("b", 2L), KV.of("c", 9L))),
        containsInAnyOrder(KV.of("c", 9L)));
  }

  @Test
  public void nullsNeverWin() {
    assertThat(
        top(Arrays.asList(KV.of("a", null), KV.of("b", 0L), KV.of("c", null))),
        containsInAnyOrder(KV.of("b", 0L)));
    assertThat(top(Arrays.asList(KV.of("a", null), KV.of("b", null))), empty());
  }

  @Test
  public void nullLabelsCanWin() {
    assertThat(
        top(Arrays.asList(KV.of(null, 7L), KV.of("x", 7L), KV.of("y", 6L))),
        containsInAnyOrder(KV.of(null, 7L), KV.of("x", 7L)));
  }

  @Test
  public void emptyIsEmpty() {
    assertThat(top(Arrays.asList()), empty());
  }

  @Test
  public void mergeKeepsTiesAcrossAccumulators() {
    TopTies fn = TopTies.of();
    List<KV<String, Long>> a = fn.addInput(fn.createAccumulator(), KV.of("a", 2L));
    List<KV<String, Long>> b = fn.addInput(fn.createAccumulator(), KV.of("b", 7L));
    List<KV<String, Long>> c = fn.addInput(fn.createAccumulator(), KV.of("c", 7L));
    List<KV<String, Long>> d = fn.addInput(fn.createAccumulator(), KV.of("d", null));
    assertThat(
        fn.extractOutput(fn.mergeAccumulators(Arrays.asList(a, b, fn.createAccumulator(), c, d))),
        containsInAnyOrder(KV.of("b", 7L), KV.of("c", 7L)));
  }

  @Test
  public void combinesGloballyInPipeline() {
    PCollection<List<KV<String, Long>>> top =
        pipeline
            .apply(
                Create.<KV<String, Long>>of(
                        KV.of("art", 4L),
                        KV.of("travel", 9L),
                        KV.of("quotes", (Long) null),
                        KV.of("diy-and-crafts", 9L),
                        KV.of("beauty", 8L))
                    .withCoder(
                        KvCoder.of(
                            NullableCoder.of(StringUtf8Coder.of()),
                            NullableCoder.of(VarLongCoder.of()))))
            .apply(Combine.globally(TopTies.of()));
    PAssert.thatSingleton(top)
        .satisfies(
            list -> {
              assertThat(list, containsInAnyOrder(KV.of("travel", 9L), KV.of("diy-and-crafts", 9L)));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }
}
