package org.pipewright.transforms.internal;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Keys;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.WindowingStrategy;

/**
 * A per-key combine ({@code Combine.perKey(fn)}) that does not crawl on Beam's Direct runner.
 *
 * <p>On every runner but the Direct runner this is exactly {@code Combine.perKey(fn)} (so Flink
 * and Spark keep their combiner lifting); {@link #distinct()} is exactly {@code Distinct.create()}.
 * On the Direct runner, for a bounded input in the global window, keys are spread over a bounded
 * number of {@link Buckets} (by a hash of the key's encoding, the same in every JVM), grouped by
 * bucket, and combined in a hash map per bucket with the same {@code CombineFn}
 * ({@code createAccumulator}, {@code addInput}, {@code extractOutput}). Either way the output is
 * one {@code KV<key, output>} per distinct key (keys compared by their encoding, as a GroupByKey
 * does, so a null key is a key like any other when the key coder can encode it).
 *
 * <p>Why: the Direct runner emits one bundle per key from a GroupByKey, and each bundle costs
 * about a millisecond (the transform is translated to a proto again, a step result is built, the
 * watermarks are updated), so a combine over a table with one key per record (a rating per user
 * and movie) did not finish 100k records in ten minutes, where embedded Flink takes under one. A
 * few dozen buckets pay that cost a few dozen times. The detour is for that one runner only: a
 * workaround for one runner must not tax the runners people deploy.
 *
 * <pre>{@code
 * PCollection<KV<String, Row>> latest = keyed.apply("Latest", PerKey.combine(new Latest()));
 * PCollection<Row> keys = rows.apply("Distinct", PerKey.distinct());
 * }</pre>
 */
public final class PerKey<K, InputT, OutputT>
    extends PTransform<PCollection<KV<K, InputT>>, PCollection<KV<K, OutputT>>> {

  /** How a {@link PerKey} expands; {@link #AUTO} decides by the pipeline's runner. */
  enum Expansion {
    AUTO,
    COMBINE,
    BUCKETS
  }

  private final Combine.CombineFn<InputT, ?, OutputT> fn;
  private final int buckets;
  private final Expansion expansion;

  private PerKey(Combine.CombineFn<InputT, ?, OutputT> fn, int buckets, Expansion expansion) {
    this.fn = fn;
    this.buckets = buckets;
    this.expansion = expansion;
  }

  /** {@code Combine.perKey(fn)}, bucketed on the Direct runner. */
  public static <K, InputT, OutputT> PerKey<K, InputT, OutputT> combine(
      Combine.CombineFn<InputT, ?, OutputT> fn) {
    return new PerKey<>(checkNotNull(fn, "fn"), Buckets.DEFAULT, Expansion.AUTO);
  }

  /** {@code Count.perKey()}: the number of values per key, bucketed on the Direct runner. */
  public static <K, V> PerKey<K, V, Long> count() {
    return combine(Count.combineFn());
  }

  /**
   * {@code Distinct.create()}: each distinct element (by its encoding) once, bucketed on the Direct
   * runner. The element coder must be deterministic, as for {@code Distinct}.
   */
  public static <T> DistinctElements<T> distinct() {
    return new DistinctElements<>(Buckets.DEFAULT, Expansion.AUTO);
  }

  /** Returns a copy that uses {@code buckets} groups on the Direct runner. */
  public PerKey<K, InputT, OutputT> withBuckets(int buckets) {
    checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
    return new PerKey<>(fn, buckets, expansion);
  }

  /** Forces one expansion whatever the runner, so tests can run both on the Direct runner. */
  PerKey<K, InputT, OutputT> withExpansion(Expansion expansion) {
    return new PerKey<>(fn, buckets, checkNotNull(expansion, "expansion"));
  }

  @Override
  public PCollection<KV<K, OutputT>> expand(PCollection<KV<K, InputT>> input) {
    if (!bucketed(input, expansion)) {
      return input.apply(Combine.perKey(fn));
    }
    checkArgument(input.getCoder() instanceof KvCoder, "a per-key combine needs a KvCoder input, got %s",
        input.getCoder());
    KvCoder<K, InputT> inputCoder = (KvCoder<K, InputT>) input.getCoder();
    Coder<K> keyCoder = inputCoder.getKeyCoder();
    // Combine.perKey's GroupByKey refuses such keys; refuse them here too, so both expansions agree.
    try {
      keyCoder.verifyDeterministic();
    } catch (Coder.NonDeterministicException e) {
      throw new IllegalStateException("the key coder of a per-key combine must be deterministic", e);
    }
    Coder<OutputT> outputCoder;
    try {
      outputCoder = fn.getDefaultOutputCoder(input.getPipeline().getCoderRegistry(), inputCoder.getValueCoder());
    } catch (CannotProvideCoderException e) {
      throw new IllegalStateException("no coder for the output of " + fn.getClass().getSimpleName(), e);
    }
    return input
        .apply("Bucket keys", ParDo.of(new BucketFn<>(keyCoder, buckets)))
        .setCoder(KvCoder.of(VarIntCoder.of(), inputCoder))
        .apply("Group buckets", GroupByKey.create())
        .apply("Combine per key", ParDo.of(new CombineBucketFn<>(fn, keyCoder)))
        .setCoder(KvCoder.of(keyCoder, outputCoder));
  }

  /**
   * True for the bucketed expansion: on the Direct runner, for a bounded input in the global window
   * with the default trigger (a per-bucket map cannot honour other windows' or triggers' panes).
   */
  static boolean bucketed(PCollection<?> input, Expansion expansion) {
    if (expansion != Expansion.AUTO) {
      return expansion == Expansion.BUCKETS;
    }
    WindowingStrategy<?, ?> windowing = input.getWindowingStrategy();
    return "DirectRunner".equals(input.getPipeline().getOptions().getRunner().getSimpleName())
        && input.isBounded() == PCollection.IsBounded.BOUNDED
        && windowing.getWindowFn() instanceof GlobalWindows
        && windowing.getTrigger() instanceof DefaultTrigger;
  }

  private static final class BucketFn<K, V> extends DoFn<KV<K, V>, KV<Integer, KV<K, V>>> {
    private final Coder<K> keyCoder;
    private final int buckets;

    BucketFn(Coder<K> keyCoder, int buckets) {
      this.keyCoder = keyCoder;
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element KV<K, V> kv, OutputReceiver<KV<Integer, KV<K, V>>> out)
        throws CoderException {
      // The key's encoding, not its hashCode: equal keys must meet in one bucket in any JVM.
      int hash = Arrays.hashCode(CoderUtils.encodeToByteArray(keyCoder, kv.getKey()));
      out.output(KV.of(Buckets.of(hash, buckets), kv));
    }
  }

  private static final class CombineBucketFn<K, InputT, AccumT, OutputT>
      extends DoFn<KV<Integer, Iterable<KV<K, InputT>>>, KV<K, OutputT>> {
    private final Combine.CombineFn<InputT, AccumT, OutputT> fn;
    private final Coder<K> keyCoder;

    CombineBucketFn(Combine.CombineFn<InputT, AccumT, OutputT> fn, Coder<K> keyCoder) {
      this.fn = fn;
      this.keyCoder = keyCoder;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<K, InputT>>> bucket, OutputReceiver<KV<K, OutputT>> out) {
      // Keyed by the coder's structural value: keys equal in encoding are one key, as in a GroupByKey.
      Map<Object, KV<K, AccumT>> accumulators = new HashMap<>();
      for (KV<K, InputT> kv : bucket.getValue()) {
        Object structural = keyCoder.structuralValue(kv.getKey());
        KV<K, AccumT> current = accumulators.get(structural);
        AccumT accumulator = current == null ? fn.createAccumulator() : current.getValue();
        AccumT added = fn.addInput(accumulator, kv.getValue());
        if (current == null || added != accumulator) {
          accumulators.put(structural, KV.of(current == null ? kv.getKey() : current.getKey(), added));
        }
      }
      for (KV<K, AccumT> entry : accumulators.values()) {
        out.output(KV.of(entry.getKey(), fn.extractOutput(entry.getValue())));
      }
    }
  }

  /** See {@link PerKey#distinct()}. */
  public static final class DistinctElements<T> extends PTransform<PCollection<T>, PCollection<T>> {
    private final int buckets;
    private final Expansion expansion;

    private DistinctElements(int buckets, Expansion expansion) {
      this.buckets = buckets;
      this.expansion = expansion;
    }

    /** Returns a copy that uses {@code buckets} groups on the Direct runner. */
    public DistinctElements<T> withBuckets(int buckets) {
      checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
      return new DistinctElements<>(buckets, expansion);
    }

    DistinctElements<T> withExpansion(Expansion expansion) {
      return new DistinctElements<>(buckets, checkNotNull(expansion, "expansion"));
    }

    @Override
    public PCollection<T> expand(PCollection<T> input) {
      if (!bucketed(input, expansion)) {
        return input.apply(Distinct.create());
      }
      return input
          .apply("Key by element", MapElements.via(new KeyFn<T>()))
          .setCoder(KvCoder.of(input.getCoder(), VoidCoder.of()))
          .apply("Once per element", new PerKey<>(new NothingFn(), buckets, Expansion.BUCKETS))
          .apply("Elements", Keys.create());
    }
  }

  private static final class KeyFn<T> extends SimpleFunction<T, KV<T, Void>> {
    @Override
    public KV<T, Void> apply(T element) {
      return KV.of(element, null);
    }
  }

  /** Keeps nothing but the key's presence. */
  private static final class NothingFn extends Combine.CombineFn<Void, Boolean, Void> {
    @Override
    public Boolean createAccumulator() {
      return Boolean.TRUE;
    }

    @Override
    public Boolean addInput(Boolean accumulator, Void input) {
      return accumulator;
    }

    @Override
    public Boolean mergeAccumulators(Iterable<Boolean> accumulators) {
      return Boolean.TRUE;
    }

    @Override
    public Void extractOutput(Boolean accumulator) {
      return null;
    }

    @Override
    public Coder<Void> getDefaultOutputCoder(CoderRegistry registry, Coder<Void> inputCoder) {
      return VoidCoder.of();
    }
  }
}
