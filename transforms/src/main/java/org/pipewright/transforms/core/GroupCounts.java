package org.pipewright.transforms.core;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.internal.Checks;

/**
 * Counts rows per group, where each input row is the group key ({@code country, category}, ...).
 * Meant for {@code Combine.globally} when the number of groups is small (thousands), which is
 * true of every analytics dimension here: one compact map per worker, merged once, and none of the
 * per-key overhead of a keyed shuffle.
 */
public final class GroupCounts extends Combine.CombineFn<Row, Map<Row, Long>, Map<Row, Long>> {
  private static final long serialVersionUID = 1L;
  private final Schema keySchema;

  private GroupCounts(Schema keySchema) {
    this.keySchema = keySchema;
  }

  public static GroupCounts of(Schema keySchema) {
    return new GroupCounts(Checks.checkNotNull(keySchema, "keySchema"));
  }

  @Override
  public Map<Row, Long> createAccumulator() {
    return new HashMap<>();
  }

  @Override
  public Map<Row, Long> addInput(Map<Row, Long> counts, Row key) {
    counts.merge(key, 1L, Long::sum);
    return counts;
  }

  @Override
  public Map<Row, Long> mergeAccumulators(Iterable<Map<Row, Long>> accs) {
    Map<Row, Long> merged = new HashMap<>();
    for (Map<Row, Long> acc : accs) {
      acc.forEach((k, v) -> merged.merge(k, v, Long::sum));
    }
    return merged;
  }

  @Override
  public Map<Row, Long> extractOutput(Map<Row, Long> counts) {
    return counts;
  }

  @Override
  public Coder<Map<Row, Long>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return MapCoder.of(RowCoder.of(keySchema), VarLongCoder.of());
  }

  @Override
  public Coder<Map<Row, Long>> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
    return getAccumulatorCoder(registry, inputCoder);
  }
}
