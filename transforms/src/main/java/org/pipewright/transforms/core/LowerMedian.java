package org.pipewright.transforms.core;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The exact lower median of whole numbers: the element at 1-based position {@code ceil(n/2)} of the
 * sorted non-null values, which is what Spark's {@code percentile_approx(x, 0.5)} returns on small
 * inputs. Null inputs are ignored; no values give null.
 *
 * <p>The accumulator is a value histogram, so it stays small when values repeat (follower counts
 * do: {@code 9k}, {@code 99k}, ...) and merges cheaply across workers.
 */
public final class LowerMedian extends Combine.CombineFn<Long, Map<Long, Long>, Long> {
  private static final long serialVersionUID = 1L;

  public static LowerMedian of() {
    return new LowerMedian();
  }

  @Override
  public Map<Long, Long> createAccumulator() {
    return new TreeMap<>();
  }

  @Override
  public Map<Long, Long> addInput(Map<Long, Long> histogram, @Nullable Long value) {
    if (value != null) {
      histogram.merge(value, 1L, Long::sum);
    }
    return histogram;
  }

  @Override
  public Map<Long, Long> mergeAccumulators(Iterable<Map<Long, Long>> histograms) {
    Map<Long, Long> merged = new TreeMap<>();
    for (Map<Long, Long> histogram : histograms) {
      histogram.forEach((value, count) -> merged.merge(value, count, Long::sum));
    }
    return merged;
  }

  @Override
  public @Nullable Long extractOutput(Map<Long, Long> histogram) {
    long n = 0;
    for (long count : histogram.values()) {
      n += count;
    }
    if (n == 0) {
      return null;
    }
    long position = (n + 1) / 2;
    long seen = 0;
    for (Map.Entry<Long, Long> entry : new TreeMap<>(histogram).entrySet()) {
      seen += entry.getValue();
      if (seen >= position) {
        return entry.getKey();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  @Override
  public Coder<Map<Long, Long>> getAccumulatorCoder(CoderRegistry registry, Coder<Long> inputCoder) {
    return MapCoder.of(VarLongCoder.of(), VarLongCoder.of());
  }
}
