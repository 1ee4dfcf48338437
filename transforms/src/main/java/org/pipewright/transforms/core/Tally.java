package org.pipewright.transforms.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.internal.Checks;

/**
 * Counts the elements of several collections at once, as data: one {@code name -> count} map
 * holding every collection of the input tuple by its tag's id (0 for an empty one).
 *
 * <p>Unlike Beam metrics, the counts are part of the pipeline's output, so they exist on runners
 * that report no metrics while running (Flink's {@code run()} returns only when the job ends), and a
 * bundle that a runner retries is counted once. Each collection is counted where it is produced,
 * one number per bundle, so the only shuffle is of those few numbers.
 *
 * <pre>{@code
 * PCollection<Map<String, Long>> counts = PCollectionTuple
 *     .of(new TupleTag<Row>("pin.read"), rawPins)
 *     .and(new TupleTag<Row>("pin.clean"), cleanPins)
 *     .apply(Tally.of());                                          // batch: one map
 *     // .apply(Tally.of().runningEvery(Duration.standardSeconds(10)))  // streaming: totals so far
 * }</pre>
 *
 * <p>{@link #of()} emits one map when its input ends (bounded input). {@link #runningEvery}
 * emits the totals so far at most once per period while elements arrive (nothing while idle), for
 * unbounded input; the maps then grow and the latest is the most complete.
 */
public final class Tally extends PTransform<PCollectionTuple, PCollection<Map<String, Long>>> {
  private static final long serialVersionUID = 1L;
  private final @Nullable Duration period;

  private Tally(@Nullable Duration period) {
    this.period = period;
  }

  /** One map of counts, when the (bounded) input ends. */
  public static Tally of() {
    return new Tally(null);
  }

  /** The totals so far, at most once per {@code period} (> 0) while elements arrive. */
  public Tally runningEvery(Duration period) {
    Checks.checkArgument(period != null && period.getMillis() > 0, "period must be > 0, got %s", period);
    return new Tally(period);
  }

  @Override
  public PCollection<Map<String, Long>> expand(PCollectionTuple input) {
    List<String> names = new ArrayList<>();
    PCollectionList<Map<String, Long>> partial = PCollectionList.empty(input.getPipeline());
    Coder<Map<String, Long>> coder = MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    for (Map.Entry<TupleTag<?>, PCollection<?>> each : input.getAll().entrySet()) {
      String name = each.getKey().getId();
      names.add(name);
      partial = partial.and(countBundles(each.getValue(), name).setCoder(coder));
    }
    PCollection<Map<String, Long>> all = partial.apply("Gather", Flatten.pCollections());
    Sum sum = new Sum(names);
    if (period == null) {
      return all
          .apply("Global window", Window.<Map<String, Long>>into(new GlobalWindows()))
          .apply("Sum", Combine.globally(sum))
          .setCoder(coder);
    }
    return all
        .apply("Every " + period.getStandardSeconds() + " s", Window.<Map<String, Long>>into(new GlobalWindows())
            .triggering(Repeatedly.forever(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(period)))
            .withAllowedLateness(Duration.ZERO)
            .accumulatingFiredPanes())
        .apply("Sum", Combine.globally(sum).withoutDefaults())
        .setCoder(coder);
  }

  private static <T> PCollection<Map<String, Long>> countBundles(PCollection<T> input, String name) {
    return input.apply("Count " + name, ParDo.of(new CountBundle<T>(name)));
  }

  /** One {@code name -> count} per bundle that saw elements, in the global window. */
  private static final class CountBundle<T> extends DoFn<T, Map<String, Long>> {
    private static final long serialVersionUID = 1L;
    private final String name;
    private transient long count;
    private transient @Nullable Instant earliest;

    CountBundle(String name) {
      this.name = name;
    }

    @StartBundle
    public void startBundle() {
      count = 0;
      earliest = null;
    }

    @ProcessElement
    public void process(@Timestamp Instant timestamp) {
      count++;
      if (earliest == null || timestamp.isBefore(earliest)) {
        earliest = timestamp;
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      if (count > 0) {
        Map<String, Long> one = new HashMap<>(2);
        one.put(name, count);
        // The bundle's earliest timestamp is never behind the watermark, so the count is not late.
        context.output(one, earliest, GlobalWindow.INSTANCE);
      }
    }
  }

  /** Sums the per-bundle counts; every name is in the result, 0 when nothing was counted. */
  static final class Sum extends Combine.CombineFn<Map<String, Long>, Map<String, Long>, Map<String, Long>> {
    private static final long serialVersionUID = 1L;
    private final List<String> names;

    Sum(List<String> names) {
      this.names = new ArrayList<>(names);
    }

    @Override
    public Map<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Long> addInput(Map<String, Long> sums, Map<String, Long> counts) {
      counts.forEach((name, count) -> sums.merge(name, count, Long::sum));
      return sums;
    }

    @Override
    public Map<String, Long> mergeAccumulators(Iterable<Map<String, Long>> accumulators) {
      Map<String, Long> merged = new HashMap<>();
      for (Map<String, Long> sums : accumulators) {
        addInput(merged, sums);
      }
      return merged;
    }

    @Override
    public Map<String, Long> extractOutput(Map<String, Long> sums) {
      Map<String, Long> all = new TreeMap<>();
      for (String name : names) {
        all.put(name, sums.getOrDefault(name, 0L));
      }
      return all;
    }

    @Override
    public Coder<Map<String, Long>> getAccumulatorCoder(CoderRegistry registry, Coder<Map<String, Long>> input) {
      return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }
  }
}
