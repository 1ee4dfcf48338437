package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

public class TallyTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void eachCollectionIsCountedByItsTagAndAnEmptyOneIsZero() {
    List<Integer> many = IntStream.range(0, 10_000).boxed().collect(Collectors.toList());
    PCollection<Map<String, Long>> counts = PCollectionTuple
        .of(new TupleTag<Integer>("many"), pipeline.apply("Many", Create.of(many)))
        .and(new TupleTag<String>("few"), pipeline.apply("Few", Create.of("a", "b", "a")))
        .and(new TupleTag<String>("none"), pipeline.apply("None", Create.empty(StringUtf8Coder.of())))
        .apply(Tally.of());
    PAssert.thatSingleton(counts).isEqualTo(Map.of("many", 10_000L, "few", 3L, "none", 0L));
    pipeline.run();
  }

  @Test
  public void runningTotalsGrowWhileElementsArriveAndCountWindowedInputOnce() {
    Instant start = new Instant(0);
    TestStream<Integer> stream = TestStream.create(VarIntCoder.of())
        .advanceWatermarkTo(start)
        .addElements(1, 2, 3)
        .advanceProcessingTime(Duration.standardSeconds(11))
        .addElements(4, 5)
        .advanceWatermarkTo(start.plus(Duration.standardMinutes(5)))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkToInfinity();
    // Windowed input, as a streaming job's collections often are: the counts ignore the windows.
    PCollection<Integer> numbers = pipeline.apply(stream)
        .apply(Window.into(FixedWindows.of(Duration.standardSeconds(1))));
    PCollection<Map<String, Long>> counts = PCollectionTuple
        .of(new TupleTag<Integer>("odd"), numbers.apply("Odd", Filter.by((Integer n) -> n % 2 == 1)))
        .and(new TupleTag<Integer>("even"), numbers.apply("Even", Filter.by((Integer n) -> n % 2 == 0)))
        .apply(Tally.of().runningEvery(Duration.standardSeconds(10)));
    PAssert.that(counts).satisfies(panes -> {
      Set<Map<String, Long>> distinct = new HashSet<>();
      panes.forEach(distinct::add);
      assertEquals(Set.of(Map.of("odd", 2L, "even", 1L), Map.of("odd", 3L, "even", 2L)), distinct);
      return null;
    });
    pipeline.run();
  }

  @Test
  public void aPeriodMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> Tally.of().runningEvery(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Tally.of().runningEvery(null));
  }
}
