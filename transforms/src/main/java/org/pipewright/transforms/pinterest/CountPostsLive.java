package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.core.Checks.checkArgument;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.Buckets;
import org.pipewright.transforms.core.CleanRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live aggregate of the streaming pipeline: posts per category per country per event-time
 * window (1 minute by default), from the clean pin and geo streams (tags {@link
 * PinterestQueries#PIN} and {@link PinterestQueries#GEO}).
 *
 * <p>A post's event time is its records' timestamp (the Kafka timestamp the producer stamped; the
 * emulator gives a post's three records the same one). Pins and geo records are joined by {@code
 * ind} as they arrive (state per id bucket, kept for {@link #withRetention}); each post counts once
 * in its window, however often it is re-sent. Panes:
 *
 * <ul>
 *   <li><b>early</b>: every {@link #withEarlyFirings} of processing time while the window is open;
 *   <li><b>on time</b>: when the watermark (newest timestamp minus the source's max delay) passes
 *       the end of the window;
 *   <li><b>late</b>: one more pane per late post, up to {@link #withAllowedLateness} after the end;
 *   <li><b>final</b>: when the allowed lateness is over ({@code final = true}); the row never
 *       changes after that.
 * </ul>
 *
 * Counts accumulate across panes, so a sink that keeps the larger count is correct whatever order
 * panes arrive in and however often they are replayed. A post later than the allowed lateness is
 * not counted here (Beam's {@code droppedDueToLateness} counter shows it); it is still in the clean
 * tables. Rows: {@link #SCHEMA}. A missing country or category counts as {@code "unknown"}.
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

  public CountPostsLive withWindow(Duration window) {
    checkArgument(window != null && window.getMillis() > 0, "window must be > 0");
    return new CountPostsLive(window, allowedLateness, earlyFirings, retention, buckets);
  }

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

    AfterWatermark.AfterWatermarkEarlyAndLate trigger = AfterWatermark.pastEndOfWindow()
        .withLateFirings(AfterPane.elementCountAtLeast(1));
    if (earlyFirings.getMillis() > 0) {
      trigger = trigger.withEarlyFirings(AfterProcessingTime.pastFirstElementInPane().plusDelayOf(earlyFirings));
    }
    return PCollectionList.of(pins).and(geo)
        .apply("Gather parts", Flatten.pCollections())
        .apply("Join pin with geo", ParDo.of(new JoinFn(retention())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("Windows", Window.<KV<String, Long>>into(FixedWindows.of(window))
            .triggering(trigger)
            .withAllowedLateness(allowedLateness, Window.ClosingBehavior.FIRE_ALWAYS)
            .accumulatingFiredPanes())
        // A GroupByKey, not Combine.perKey: on the Flink runner (1.19, Beam 2.70) a combined
        // accumulating pane sometimes came out empty (count 0) after a catch-up from a backlog,
        // found by StreamingPortabilityIT. The ids of one window and key are few; counting them
        // at each pane costs nothing.
        .apply("Group posts", GroupByKey.create())
        .apply("To rows", ParDo.of(new ToRowFn()))
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
          Row.withSchema(PART).addValues(ind, pin, row.getString(field)).build()));
    }
  }

  /** Keeps each id's half until the other half arrives; emits {@code (country|category, ind)}. */
  private static final class JoinFn extends DoFn<KV<Integer, Row>, KV<String, Long>> {
    private final long retention;
    private final Counter joined = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "live.joined");
    private final Counter expired = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "live.unmatched");

    @StateId("entries")
    private final StateSpec<MapState<Long, Row>> entriesSpec =
        StateSpecs.map(VarLongCoder.of(), RowCoder.of(ENTRY));

    @StateId("purgeAt")
    private final StateSpec<ValueState<Long>> purgeAtSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId("purge")
    private final TimerSpec purgeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    JoinFn(Duration retention) {
      this.retention = retention.getMillis();
    }

    @ProcessElement
    public void process(@Element KV<Integer, Row> part, @Timestamp Instant timestamp,
        @StateId("entries") MapState<Long, Row> entries, @StateId("purgeAt") ValueState<Long> purgeAt,
        @TimerId("purge") Timer purge, OutputReceiver<KV<String, Long>> out) {
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
        out.output(KV.of(key(country, category), ind));
      }
      long seen = Math.max(timestamp.getMillis(), e == null ? Long.MIN_VALUE : e.getInt64("seen"));
      entries.put(ind, Row.withSchema(ENTRY).addValues(category, country, hasPin, hasGeo, done, seen).build());
      if (purgeAt.read() == null) {
        long at = Math.min(timestamp.getMillis() + retention, BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis());
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

  /** One row per pane: the number of distinct post ids, so a re-sent post counts once. */
  private static final class ToRowFn extends DoFn<KV<String, Iterable<Long>>, Row> {
    private static final Logger LOG = LoggerFactory.getLogger(CountPostsLive.class);
    private final Counter emptyPanes = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "live.emptyPanes");

    @ProcessElement
    public void process(@Element KV<String, Iterable<Long>> posts, BoundedWindow window, PaneInfo pane,
        OutputReceiver<Row> out) {
      IntervalWindow w = (IntervalWindow) window;
      String[] parts = posts.getKey().split("\u0000", 2);
      Set<Long> ids = new HashSet<>();
      posts.getValue().forEach(ids::add);
      if (ids.isEmpty()) {
        // Accumulating panes are never empty; a runner that emits one has lost the window's posts
        // (seen on Flink, docs/architecture.md). A count of 0 would be wrong, so say so instead.
        emptyPanes.inc();
        LOG.warn("the runner emitted an empty {} pane for {} {} in {}: its posts were lost, the live count"
            + " is not written", pane.getTiming(), parts[0], parts[1], w);
        return;
      }
      out.output(Row.withSchema(SCHEMA)
          .addValues(w.start(), w.end(), parts[0], parts[1], (long) ids.size(),
              pane.getTiming().name(), pane.isLast())
          .build());
    }
  }
}
