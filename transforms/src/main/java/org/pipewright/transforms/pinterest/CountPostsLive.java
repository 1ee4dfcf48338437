package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.internal.Buckets;

/**
 * The live aggregate of the streaming pipeline: posts per category per country per event-time
 * window (1 minute by default), from the clean pin and geo streams (tags {@link
 * PinterestQueries#PIN} and {@link PinterestQueries#GEO}).
 *
 * <p>A post's event time is its records' timestamp (the Kafka timestamp the producer stamped; the
 * emulator gives a post's three records the same one). Pins and geo records are joined by {@code
 * ind} as they arrive (state per id bucket, kept for {@link #withRetention}); each post counts once
 * in its window, however often it is re-sent. Each window's distinct ids are then kept per cell
 * (country and category) by a stateful step with its own timers, which writes a row (a "pane")
 * when one is due:
 *
 * <ul>
 *   <li><b>early</b> ({@code EARLY}): {@link #withEarlyFirings} of processing time after a new post
 *       of an open window, if the count changed since the last row;
 *   <li><b>on time</b> ({@code ON_TIME}): when the watermark (newest timestamp minus the source's
 *       max delay) passes the end of the window;
 *   <li><b>late</b> ({@code LATE}): one more row per new late post, up to {@link
 *       #withAllowedLateness} after the end;
 *   <li><b>final</b>: when the allowed lateness is over ({@code final = true}; with no allowed
 *       lateness the on-time row is final); the row never changes after that.
 * </ul>
 *
 * Counts only grow from row to row, so a sink that keeps the larger count is correct whatever
 * order rows arrive in and however often they are replayed. Every row is stamped with its window's
 * last instant. A post later than the allowed lateness is not counted here (the
 * runner drops it and counts it in its {@code StatefulParDoDropped} metric); it is still in the
 * clean tables. Rows: {@link #SCHEMA}. A missing country or category counts as {@code "unknown"}.
 */
public final class CountPostsLive extends PTransform<PCollectionTuple, PCollection<Row>> {
  public static final Schema SCHEMA =
      Schema.builder()
          .addDateTimeField("window_start")
          .addDateTimeField("window_end")
          .addStringField("country")
          .addStringField("category")
          .addInt64Field("posts")
          .addStringField("timing")
          .addBooleanField("final")
          .build();

  public static final String UNKNOWN = "unknown";
  static final Schema PART =
      Schema.builder()
          .addInt64Field("ind")
          .addBooleanField("pin")
          .addNullableField("value", FieldType.STRING)
          .build();
  static final Schema ENTRY =
      Schema.builder()
          .addNullableField("category", FieldType.STRING)
          .addNullableField("country", FieldType.STRING)
          .addBooleanField("hasPin")
          .addBooleanField("hasGeo")
          .addBooleanField("joined")
          .addInt64Field("seen")
          .build();

  private final Duration window;
  private final Duration allowedLateness;
  private final Duration earlyFirings;
  private final Duration retention;
  private final int buckets;

  private CountPostsLive(Duration window, Duration allowedLateness, Duration earlyFirings,
      Duration retention, int buckets) {
    this.window = window;
    this.allowedLateness = allowedLateness;
    this.earlyFirings = earlyFirings;
    this.retention = retention;
    this.buckets = buckets;
  }

  /** 1-minute windows, 5 minutes of allowed lateness, early panes every 10 s. */
  public static CountPostsLive perMinute() {
    return new CountPostsLive(Duration.standardMinutes(1), Duration.standardMinutes(5),
        Duration.standardSeconds(10), null, Buckets.DEFAULT);
  }

  /** Returns a copy that counts per event-time window of this length (one minute by default). */
  public CountPostsLive withWindow(Duration window) {
    checkArgument(window != null && window.getMillis() > 0, "window must be > 0");
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

  /**
   * Returns a copy that still counts posts this late after their window's end (five minutes by
   * default); later ones are dropped by the runner.
   */
  public CountPostsLive withAllowedLateness(Duration allowedLateness) {
    checkArgument(allowedLateness != null && allowedLateness.getMillis() >= 0, "allowedLateness must be >= 0");
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

  /** Early panes this long after the first post of a pane; zero turns them off. */
  public CountPostsLive withEarlyFirings(Duration earlyFirings) {
    checkArgument(earlyFirings != null && earlyFirings.getMillis() >= 0, "earlyFirings must be >= 0");
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

  /**
   * How long (event time) a pin waits for its geo record and the other way round; by default the
   * window size plus the allowed lateness, after which the post could not be counted anyway.
   */
  public CountPostsLive withRetention(Duration retention) {
    checkArgument(retention != null && retention.getMillis() > 0, "retention must be > 0");
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

  /**
   * Returns a copy that spreads the join over {@code buckets} groups of ids and the counts over as
   * many groups of cells (default {@link Buckets#DEFAULT}); more buckets, more parallelism and
   * more timers.
   */
  public CountPostsLive withBuckets(int buckets) {
    checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

  Duration retention() {
    return retention != null ? retention : window.plus(allowedLateness);
  }

  @Override
  public PCollection<Row> expand(PCollectionTuple tables) {
    KvCoder<Integer, Row> partCoder = KvCoder.of(VarIntCoder.of(), RowCoder.of(PART));
    PCollection<KV<Integer, Row>> pins = tables.get(PinterestQueries.PIN)
        .apply("Pin parts", ParDo.of(new PartFn(true, "category", buckets))).setCoder(partCoder);
    PCollection<KV<Integer, Row>> geo = tables.get(PinterestQueries.GEO)
        .apply("Geo parts", ParDo.of(new PartFn(false, "country", buckets))).setCoder(partCoder);

    return PCollectionList.of(pins).and(geo)
        .apply("Gather parts", Flatten.pCollections())
        .apply("Join pin with geo", ParDo.of(new JoinFn(retention(), buckets)))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
        // The windowing strategy only tells the counting step which window a post is in and when
        // the runner may drop its state; the panes are the counting step's own timers.
        .apply("Windows", Window.<KV<Integer, KV<String, Long>>>into(FixedWindows.of(window))
            .triggering(DefaultTrigger.of())
            .withAllowedLateness(allowedLateness)
            .discardingFiredPanes())
        .apply("Count posts", ParDo.of(new CountFn(allowedLateness, earlyFirings)))
        .setRowSchema(SCHEMA);
  }

  static String key(String country, String category) {
    return (country == null ? UNKNOWN : country) + "\u0000" + (category == null ? UNKNOWN : category);
  }

  private static final class PartFn extends DoFn<Row, KV<Integer, Row>> {
    private final boolean pin;
    private final String field;
    private final int buckets;

    PartFn(boolean pin, String field, int buckets) {
      this.pin = pin;
      this.field = field;
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, Row>> out) {
      long ind = row.getInt64("ind");
      out.output(KV.of(Buckets.of(ind, buckets),
          Row.withSchema(PART).attachValues(ind, pin, row.getString(field))));
    }
  }

  /**
   * Keeps each id's half until the other half arrives; emits {@code (country|category, ind)},
   * keyed by a bucket of the cell for the counting step.
   */
  private static final class JoinFn extends DoFn<KV<Integer, Row>, KV<Integer, KV<String, Long>>> {
    private final long retention;
    private final int buckets;
    private final Counter joined = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "live.joined");
    private final Counter expired = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "live.unmatched");

    @StateId("entries")
    private final StateSpec<MapState<Long, Row>> entriesSpec =
        StateSpecs.map(VarLongCoder.of(), RowCoder.of(ENTRY));

    @StateId("purgeAt")
    private final StateSpec<ValueState<Long>> purgeAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("purge")
    private final TimerSpec purgeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    JoinFn(Duration retention, int buckets) {
      this.retention = retention.getMillis();
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> part, @Timestamp Instant timestamp,
        @StateId("entries") MapState<Long, Row> entries, @StateId("purgeAt") ValueState<Long> purgeAt,
        @TimerId("purge") Timer purge, OutputReceiver<KV<Integer, KV<String, Long>>> out) {
      Row p = part.getValue();
      long ind = p.getInt64("ind");
      boolean isPin = p.getBoolean("pin");
      Row e = entries.get(ind).read();
      String category = e == null ? null : e.getString("category");
      String country = e == null ? null : e.getString("country");
      boolean hasPin = e != null && e.getBoolean("hasPin");
      boolean hasGeo = e != null && e.getBoolean("hasGeo");
      boolean done = e != null && e.getBoolean("joined");
      if (isPin) {
        category = p.getString("value");
        hasPin = true;
      } else {
        country = p.getString("value");
        hasGeo = true;
      }
      if (hasPin && hasGeo && !done) {
        done = true;
        joined.inc();
        String cell = key(country, category);
        out.output(KV.of(Buckets.of(cell, buckets), KV.of(cell, ind)));
      }
      long seen = Math.max(timestamp.getMillis(), e == null ? Long.MIN_VALUE : e.getInt64("seen"));
      entries.put(ind, Row.withSchema(ENTRY).attachValues(category, country, hasPin, hasGeo, done, seen));
      // The earliest purge any entry needs: an entry stamped far ahead (a skewed clock) must not hold
      // back the purge of every entry after it.
      long at = Math.min(timestamp.getMillis() + retention, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
      Long pending = purgeAt.read();
      if (pending == null || at < pending) {
        purgeAt.write(at);
        purge.set(new Instant(at));
      }
    }

    @OnTimer("purge")
    public void onPurge(OnTimerContext context, @StateId("entries") MapState<Long, Row> entries,
        @StateId("purgeAt") ValueState<Long> purgeAt, @TimerId("purge") Timer purge) {
      long cutoff = context.timestamp().getMillis() - retention;
      long oldest = Long.MAX_VALUE;
      List<Map.Entry<Long, Row>> all = new ArrayList<>();
      entries.entries().read().forEach(all::add);
      for (Map.Entry<Long, Row> entry : all) {
        long seen = entry.getValue().getInt64("seen");
        if (seen <= cutoff) {
          if (!entry.getValue().getBoolean("joined")) {
            expired.inc();
          }
          entries.remove(entry.getKey());
        } else {
          oldest = Math.min(oldest, seen);
        }
      }
      if (oldest == Long.MAX_VALUE) {
        purgeAt.clear();
      } else {
        long at = Math.min(oldest + retention, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
        at = Math.max(at, context.timestamp().getMillis() + 1);
        purgeAt.write(at);
        purge.set(new Instant(at));
      }
    }
  }

  /**
   * Counts the distinct post ids of each cell (country and category) in one window, and writes a
   * cell's row when one is due. State and timers are per bucket of cells and window: few keys, so
   * few timers, and the Direct runner does not pay a bundle per cell. This replaces a GroupByKey
   * with triggers: on Flink, one watermark step past both the end of a window and its allowed
   * lateness (a catch-up) fires the runner's end-of-window and cleanup timers one at a time, and
   * Beam's trigger machinery then emits a second, empty final pane after it has cleared the window
   * (docs/architecture.md).
   *
   * <p>Every row is stamped with its window's last instant, as a GroupByKey's panes are (a stamp
   * past the window's end would break any GroupByKey downstream), and the pending timers hold the
   * output watermark there until the final rows are out. Only the rows of a window whose first post
   * came after the watermark had passed its end are behind the watermark, like Beam's own late
   * panes; the safe point allows for that by committing a window plus the allowed lateness behind.
   */
  private static final class CountFn extends DoFn<KV<Integer, KV<String, Long>>, Row> {
    // Phases of a window, in state: open, on-time rows written (late phase), final rows written.
    private static final int OPEN = 0;
    private static final int LATE = 1;
    private static final int FINAL = 2;
    private final Duration allowedLateness;
    private final Duration earlyFirings;

    /** Post ids seen in the window (an id belongs to one cell, and so to one bucket). */
    @StateId("ids")
    private final StateSpec<SetState<Long>> idsSpec = StateSpecs.set(VarLongCoder.of());

    /** Distinct posts per cell. */
    @StateId("posts")
    private final StateSpec<MapState<String, Long>> postsSpec = StateSpecs.map(StringUtf8Coder.of(), VarLongCoder.of());

    /** The count last written per cell, so a timer writes only the cells that changed. */
    @StateId("written")
    private final StateSpec<MapState<String, Long>> writtenSpec = StateSpecs.map(StringUtf8Coder.of(), VarLongCoder.of());

    @StateId("phase")
    private final StateSpec<ValueState<Integer>> phaseSpec = StateSpecs.value(VarIntCoder.of());

    @StateId("earlyPending")
    private final StateSpec<ValueState<Boolean>> earlyPendingSpec = StateSpecs.value(BooleanCoder.of());

    @TimerId("onTime")
    private final TimerSpec onTimeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("final")
    private final TimerSpec finalSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("early")
    private final TimerSpec earlySpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    CountFn(Duration allowedLateness, Duration earlyFirings) {
      this.allowedLateness = allowedLateness;
      this.earlyFirings = earlyFirings;
    }

    @ProcessElement
    public void process(@Element KV<Integer, KV<String, Long>> post, BoundedWindow window,
        @StateId("ids") SetState<Long> ids, @StateId("posts") MapState<String, Long> posts,
        @StateId("written") MapState<String, Long> written, @StateId("phase") ValueState<Integer> phase,
        @StateId("earlyPending") ValueState<Boolean> earlyPending, @TimerId("onTime") Timer onTime,
        @TimerId("final") Timer last, @TimerId("early") Timer early, OutputReceiver<Row> out) {
      String cell = post.getValue().getKey();
      Integer now = phase.read();
      // A final window stays final. (The runner drops posts past the allowed lateness before they
      // get here, and counts them in its StatefulParDoDropped metric.)
      if ((now != null && now == FINAL) || !ids.addIfAbsent(post.getValue().getValue()).read()) {
        return;
      }
      Long before = posts.get(cell).read();
      posts.put(cell, before == null ? 1 : before + 1);
      Instant stamp = window.maxTimestamp();
      if (now == null) {
        // The window's first post: all its timers now, so that they fire in timestamp order even
        // when one watermark step passes them all (a catch-up), before the runner's own cleanup.
        phase.write(OPEN);
        onTime.set(stamp);
        if (allowedLateness.getMillis() > 0) {
          last.withOutputTimestamp(stamp).set(stamp.plus(allowedLateness));
        }
      }
      if (now == null || now == OPEN) {
        if (earlyFirings.getMillis() > 0 && !Boolean.TRUE.equals(earlyPending.read())) {
          earlyPending.write(true);
          early.withOutputTimestamp(stamp).offset(earlyFirings).setRelative();
        }
      } else {
        emit(cell, before == null ? 1 : before + 1, window, "LATE", false, written, out);
      }
    }

    // A timer that finds no phase belongs to a window whose state the runner has already cleared:
    // it writes nothing, and leaves no state behind.

    @OnTimer("early")
    public void onEarly(OnTimerContext context, @StateId("posts") MapState<String, Long> posts,
        @StateId("written") MapState<String, Long> written, @StateId("phase") ValueState<Integer> phase,
        @StateId("earlyPending") ValueState<Boolean> earlyPending, OutputReceiver<Row> out) {
      Integer now = phase.read();
      if (now == null) {
        return;
      }
      earlyPending.clear();
      if (now == OPEN) {
        emitAll(context.window(), "EARLY", false, false, posts, written, out);
      }
    }

    @OnTimer("onTime")
    public void onTime(OnTimerContext context, @StateId("posts") MapState<String, Long> posts,
        @StateId("written") MapState<String, Long> written, @StateId("phase") ValueState<Integer> phase,
        OutputReceiver<Row> out) {
      Integer now = phase.read();
      if (now == null || now != OPEN) {
        return;
      }
      boolean isFinal = allowedLateness.getMillis() == 0;
      phase.write(isFinal ? FINAL : LATE);
      // Every cell gets an on-time row, even one whose early row had the same count: it says the
      // window is complete as far as the watermark knows.
      emitAll(context.window(), "ON_TIME", isFinal, true, posts, written, out);
    }

    @OnTimer("final")
    public void onFinal(OnTimerContext context, @StateId("posts") MapState<String, Long> posts,
        @StateId("written") MapState<String, Long> written, @StateId("phase") ValueState<Integer> phase,
        OutputReceiver<Row> out) {
      Integer now = phase.read();
      if (now == null || now == FINAL) {
        return;
      }
      phase.write(FINAL);
      emitAll(context.window(), now == OPEN ? "ON_TIME" : "LATE", true, true, posts, written, out);
    }

    /** One row per cell of the bucket: every cell, or only those whose count changed. */
    private static void emitAll(BoundedWindow window, String timing, boolean isFinal, boolean everyCell,
        MapState<String, Long> posts, MapState<String, Long> written, OutputReceiver<Row> out) {
      List<Map.Entry<String, Long>> cells = new ArrayList<>();
      posts.entries().read().forEach(cells::add);
      for (Map.Entry<String, Long> cell : cells) {
        if (everyCell || !cell.getValue().equals(written.get(cell.getKey()).read())) {
          emit(cell.getKey(), cell.getValue(), window, timing, isFinal, written, out);
        }
      }
    }

    private static void emit(String cell, long count, BoundedWindow window, String timing, boolean isFinal,
        MapState<String, Long> written, OutputReceiver<Row> out) {
      written.put(cell, count);
      IntervalWindow w = (IntervalWindow) window;
      String[] parts = cell.split("\u0000", 2);
      out.outputWithTimestamp(Row.withSchema(SCHEMA)
          .addValues(w.start(), w.end(), parts[0], parts[1], count, timing, isFinal).build(), window.maxTimestamp());
    }
  }
}
