package org.pipewright.transforms.core;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.internal.Checks;

/**
 * The exact lower median of whole numbers per group: the element at 1-based position {@code
 * ceil(n/2)} of the group's sorted non-null values, which is what Spark's {@code
 * percentile_approx(x, 0.5)} returns on small inputs. A group with only nulls has a null median.
 *
 * <p>Each group keeps a value histogram, so the accumulator stays small when values repeat (follower
 * counts do: {@code 9k}, {@code 99k}, ...) and merges cheaply. For {@code Combine.globally} over a
 * small number of groups, like {@link GroupCounts}.
 */
public final class GroupMedians
    extends Combine.CombineFn<KV<Row, Long>, Map<Row, Map<Long, Long>>, Map<Row, Long>> {
  private static final long serialVersionUID = 1L;
  private final Schema keySchema;

  private GroupMedians(Schema keySchema) {
    this.keySchema = keySchema;
  }

  public static GroupMedians of(Schema keySchema) {
    return new GroupMedians(Checks.checkNotNull(keySchema, "keySchema"));
  }

  /** The lower median of a value histogram (value to count), or null when it is empty. */
  public static @Nullable Long lowerMedian(Map<Long, Long> histogram) {
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
  public Map<Row, Map<Long, Long>> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<Row, Map<Long, Long>> addInput(Map<Row, Map<Long, Long>> acc, KV<Row, Long> input) {
    Map<Long, Long> histogram = acc.computeIfAbsent(input.getKey(), k -> new HashMap<>());
    if (input.getValue() != null) {
      histogram.merge(input.getValue(), 1L, Long::sum);
    }
    return acc;
  }

  @Override
  public Map<Row, Map<Long, Long>> mergeAccumulators(Iterable<Map<Row, Map<Long, Long>>> accs) {
    Map<Row, Map<Long, Long>> merged = new HashMap<>();
    for (Map<Row, Map<Long, Long>> acc : accs) {
      acc.forEach((key, histogram) -> {
        Map<Long, Long> target = merged.computeIfAbsent(key, k -> new HashMap<>());
        histogram.forEach((value, count) -> target.merge(value, count, Long::sum));
      });
    }
    return merged;
  }

  @Override
  public Map<Row, Long> extractOutput(Map<Row, Map<Long, Long>> acc) {
    Map<Row, Long> medians = new HashMap<>();
    acc.forEach((key, histogram) -> medians.put(key, lowerMedian(histogram)));
    return medians;
  }

  @Override
  public Coder<Map<Row, Map<Long, Long>>> getAccumulatorCoder(
      CoderRegistry registry, Coder<KV<Row, Long>> inputCoder) {
    return MapCoder.of(RowCoder.of(keySchema), MapCoder.of(VarLongCoder.of(), VarLongCoder.of()));
  }

  @Override
  public Coder<Map<Row, Long>> getDefaultOutputCoder(
      CoderRegistry registry, Coder<KV<Row, Long>> inputCoder) {
    return MapCoder.of(RowCoder.of(keySchema), NullableCoder.of(VarLongCoder.of()));
  }
}
