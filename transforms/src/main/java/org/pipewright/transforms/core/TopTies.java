package org.pipewright.transforms.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;

/**
 * Keeps every {@code (label, count)} pair whose count equals the maximum: a "rank 1, ties kept"
 * that needs no sort of the whole group. Null counts never win.
 */
public final class TopTies
    extends Combine.CombineFn<KV<String, Long>, List<KV<String, Long>>, List<KV<String, Long>>> {
  private static final long serialVersionUID = 1L;

  public static TopTies of() {
    return new TopTies();
  }

  @Override
  public List<KV<String, Long>> createAccumulator() {
    return new ArrayList<>(1);
  }

  @Override
  public List<KV<String, Long>> addInput(List<KV<String, Long>> top, KV<String, Long> candidate) {
    Long count = candidate.getValue();
    if (count == null) {
      return top;
    }
    if (!top.isEmpty()) {
      long best = top.get(0).getValue();
      if (count < best) {
        return top;
      }
      if (count > best) {
        top.clear();
      }
    }
    top.add(candidate);
    return top;
  }

  @Override
  public List<KV<String, Long>> mergeAccumulators(Iterable<List<KV<String, Long>>> accs) {
    List<KV<String, Long>> merged = createAccumulator();
    for (List<KV<String, Long>> acc : accs) {
      for (KV<String, Long> kv : acc) {
        addInput(merged, kv);
      }
    }
    return merged;
  }

  @Override
  public List<KV<String, Long>> extractOutput(List<KV<String, Long>> top) {
    return top;
  }

  @Override
  public Coder<List<KV<String, Long>>> getAccumulatorCoder(
      CoderRegistry registry, Coder<KV<String, Long>> inputCoder) {
    return ListCoder.of(
        KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), NullableCoder.of(VarLongCoder.of())));
  }

  @Override
  public Coder<List<KV<String, Long>>> getDefaultOutputCoder(
      CoderRegistry registry, Coder<KV<String, Long>> inputCoder) {
    return getAccumulatorCoder(registry, inputCoder);
  }
}
