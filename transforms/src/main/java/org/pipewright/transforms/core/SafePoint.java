package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how far a streaming pipeline has durably got, so that a restart continues from there.
 *
 * <p>The sinks' outputs are empty, but their watermark passes a time {@code T} only after every
 * element stamped before {@code T} has been written and committed. This transform waits on all of
 * them at once (a looping event-time timer on their flattened outputs) and, every {@link
 * #withInterval}, hands the newest such {@code T} to a {@link Store}: the Kafka store commits the
 * consumer group's offsets for it, the JDBC store keeps it in a table. Progress is therefore
 * committed only after the data is written, on every runner, whatever the sinks' batching. The
 * source records themselves are a third input, only to learn the current event time.
 *
 * <pre>{@code
 * PCollectionList.of(pinsWritten).and(geoWritten)
 *     .apply("Safe point", SafePoint.of(rawRecords, store).withInterval(Duration.standardSeconds(10)));
 * }</pre>
 */
public final class SafePoint extends PTransform<PCollectionList<Void>, PDone> {
  private static final Logger LOG = LoggerFactory.getLogger(SafePoint.class);

  /**
   * Where a safe time is kept. Called from one worker at a time, every interval; a store may keep
   * its connection open between saves (opening one per save costs the server a session each
   * interval, also when the job is idle) and release it in {@link #close}.
   */
  public interface Store extends Serializable, AutoCloseable {
    /** Every record stamped before {@code safeTime} has been written by every sink. */
    void save(Instant safeTime) throws Exception;

    /** Releases what the saves keep open; called when the worker stops. Saving again reopens it. */
    @Override
    default void close() throws Exception {}

    /** Saves to both, this one first. */
    default Store and(Store other) {
      return new Both(this, checkNotNull(other, "other"));
    }
  }

  private static final class Both implements Store {
    private static final long serialVersionUID = 1L;
    private final Store first;
    private final Store second;

    Both(Store first, Store second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void save(Instant safeTime) throws Exception {
      first.save(safeTime);
      second.save(safeTime);
    }

    @Override
    public void close() throws Exception {
      try {
        first.close();
      } finally {
        second.close();
      }
    }
  }

  private final PCollection<Row> clock;
  private final Store store;
  private final Duration interval;

  private SafePoint(PCollection<Row> clock, Store store, Duration interval) {
    this.clock = clock;
    this.store = store;
    this.interval = interval;
  }

  /** {@code clock} is any collection whose timestamps follow the source (the raw records). */
  public static SafePoint of(PCollection<Row> clock, Store store) {
    return new SafePoint(checkNotNull(clock, "clock"), checkNotNull(store, "store"),
        Duration.standardSeconds(10));
  }

  /**
   * Returns a copy that records its progress at most once per {@code interval} (ten seconds by
   * default).
   */
  public SafePoint withInterval(Duration interval) {
    checkArgument(interval != null && interval.getMillis() > 0, "interval must be > 0");
    return new SafePoint(clock, store, interval);
  }

  @Override
  public PDone expand(PCollectionList<Void> written) {
    KvCoder<Integer, Long> coder = KvCoder.of(VarIntCoder.of(), VarLongCoder.of());
    List<PCollection<KV<Integer, Long>>> inputs = new ArrayList<>();
    inputs.add(global(clock.apply("Event time", ParDo.of(new FirstInBundleFn())).setCoder(coder), "clock"));
    // Arms the timer even when no record ever comes (a restart with nothing new to read).
    long now = System.currentTimeMillis();
    inputs.add(written.getPipeline().apply("Start", Create.timestamped(
        TimestampedValue.of(KV.of(0, now), new Instant(now)))).setCoder(coder));
    for (int i = 0; i < written.size(); i++) {
      inputs.add(global(written.get(i).apply("Signal " + i, ParDo.of(new NothingFn())).setCoder(coder),
          "sink " + i));
    }
    PCollectionList.of(inputs)
        .apply("Gather", Flatten.pCollections())
        .apply("Save safe time", ParDo.of(new SaveFn(store, interval)));
    return PDone.in(written.getPipeline());
  }

  /** The sinks' results may be windowed and triggered; Flatten needs one windowing strategy. */
  private static PCollection<KV<Integer, Long>> global(PCollection<KV<Integer, Long>> input, String name) {
    return input.apply("Global " + name, Window.<KV<Integer, Long>>into(new GlobalWindows())
        .triggering(DefaultTrigger.of()).withAllowedLateness(Duration.ZERO).discardingFiredPanes());
  }

  /** One element per bundle: enough to learn the event time without a shuffle per record. */
  private static final class FirstInBundleFn extends DoFn<Row, KV<Integer, Long>> {
    private transient boolean seen;

    @StartBundle
    public void start() {
      seen = false;
    }

    @ProcessElement
    public void process(@Timestamp Instant timestamp, OutputReceiver<KV<Integer, Long>> out) {
      if (!seen) {
        seen = true;
        out.output(KV.of(0, timestamp.getMillis()));
      }
    }
  }

  private static final class NothingFn extends DoFn<Void, KV<Integer, Long>> {
    @ProcessElement
    public void process() {}
  }

  private static final class SaveFn extends DoFn<KV<Integer, Long>, Void> {
    private final Store store;
    private final long interval;

    @StateId("newest")
    private final StateSpec<ValueState<Long>> newestSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("armed")
    private final StateSpec<ValueState<Long>> armedSpec = StateSpecs.value(VarLongCoder.of());

    @StateId("saved")
    private final StateSpec<ValueState<Long>> savedSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("save")
    private final TimerSpec saveSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    SaveFn(Store store, Duration interval) {
      this.store = store;
      this.interval = interval.getMillis();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Long> seen,
        @StateId("newest") ValueState<Long> newest, @StateId("armed") ValueState<Long> armed,
        @StateId("saved") ValueState<Long> saved, @TimerId("save") Timer save) {
      Long previous = newest.read();
      if (previous == null || seen.getValue() > previous) {
        newest.write(seen.getValue());
      }
      // The earliest time worth saving: older records (a backlog) pull the timer earlier.
      long at = align(seen.getValue()) + interval;
      Long current = armed.read();
      Long last = saved.read();
      if ((current == null || at < current) && (last == null || at > last)) {
        armed.write(at);
        save.set(new Instant(at));
      }
    }

    @Teardown
    public void teardown() {
      try {
        store.close();
      } catch (Exception e) {
        LOG.warn("could not close the safe point's store: {}", e.toString());
      }
    }

    @OnTimer("save")
    public void onSave(OnTimerContext context, @StateId("newest") ValueState<Long> newest,
        @StateId("armed") ValueState<Long> armed, @StateId("saved") ValueState<Long> saved,
        @TimerId("save") Timer save) {
      Instant safe = context.timestamp();
      Long last = saved.read();
      if (last == null || safe.getMillis() > last) {
        try {
          store.save(safe);
          saved.write(safe.getMillis());
        } catch (Exception e) {
          // Not fatal: the previous safe point stays valid; a restart replays a little more.
          LOG.warn("could not save safe point {}: {}", safe, e.toString());
        }
      }
      Long seen = newest.read();
      // When catching up on old data the watermark runs ahead of the interval: jump with it.
      long next = Math.max(safe.getMillis() + interval, seen == null ? 0 : align(seen));
      if (next < BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis() - interval) {
        armed.write(next);
        save.set(new Instant(next));
      } else {
        armed.clear();
      }
    }

    private long align(long millis) {
      return millis - Math.floorMod(millis, interval);
    }
  }
}
