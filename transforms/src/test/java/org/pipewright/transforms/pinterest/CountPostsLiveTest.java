package org.pipewright.transforms.pinterest;

import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * Event-time behaviour of the live aggregate, driven by TestStream: on-time, late, final and
 * early rows, re-sends counted once, unmatched halves not counted, posts past the allowed
 * lateness left out, rows stamped so that none is late downstream.
 */
public class CountPostsLiveTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** One test event: a pin (category) or a geo record (country) of post {@code ind}. */
  private static final Schema EVENT =
      Schema.builder().addInt64Field("ind").addBooleanField("pin").addStringField("value").build();

  private static final Instant T0 = new Instant(0);
  private static final IntervalWindow W1 = new IntervalWindow(T0, Duration.standardMinutes(1));
  private static final IntervalWindow W2 = new IntervalWindow(W1.end(), Duration.standardMinutes(1));

  private static TimestampedValue<Row> pin(long ind, String category, int second) {
    return TimestampedValue.of(Row.withSchema(EVENT).addValues(ind, true, category).build(),
        T0.plus(Duration.standardSeconds(second)));
  }

  private static TimestampedValue<Row> geo(long ind, String country, int second) {
    return TimestampedValue.of(Row.withSchema(EVENT).addValues(ind, false, country).build(),
        T0.plus(Duration.standardSeconds(second)));
  }

  private static Row row(IntervalWindow w, String country, String category, long posts, String timing,
      boolean last) {
    return Row.withSchema(CountPostsLive.SCHEMA)
        .addValues(w.start(), w.end(), country, category, posts, timing, last).build();
  }

  private PCollection<Row> run(TestStream<Row> events, CountPostsLive transform) {
    PCollection<Row> all = pipeline.apply(events);
    PCollection<Row> pins = all.apply("Pins", ParDo.of(new ToClean(true))).setRowSchema(PinterestSchemas.PIN);
    PCollection<Row> geo = all.apply("Geo", ParDo.of(new ToClean(false))).setRowSchema(PinterestSchemas.GEO);
    return PCollectionTuple.of(PinterestQueries.PIN, pins).and(PinterestQueries.GEO, geo).apply(transform);
  }

  private static final class ToClean extends DoFn<Row, Row> {
    private final boolean pins;
    private final boolean keepValue;

    ToClean(boolean pins) {
      this(pins, true);
    }

    /** {@code keepValue = false} leaves the category or country out (null). */
    ToClean(boolean pins, boolean keepValue) {
      this.pins = pins;
      this.keepValue = keepValue;
    }

    @ProcessElement
    public void process(@Element Row e, OutputReceiver<Row> out) {
      if (e.getBoolean("pin") != pins) {
        return;
      }
      long ind = e.getInt64("ind");
      String value = keepValue ? e.getString("value") : null;
      out.output(pins
          ? Row.withSchema(PinterestSchemas.PIN).addValues(ind, null, null, null, null, null, null, null, null,
              null, value).build()
          : Row.withSchema(PinterestSchemas.GEO).addValues(ind, value, null, null).build());
    }
  }

  @Test
  public void onTimeLateAndFinalPanesCountEachPostOnce() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 10), geo(1, "Peru", 10), pin(2, "art", 12), geo(2, "Peru", 12))
        // A re-send of post 1, and a pin whose geo record never comes.
        .addElements(pin(1, "art", 10), geo(1, "Peru", 10), pin(3, "art", 20))
        .addElements(pin(4, "travel", 70), geo(4, "Chile", 70))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
        // Late for the first window, but within the allowed lateness.
        .addElements(geo(5, "Peru", 30), pin(5, "art", 30))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(200)))
        // Past the allowed lateness of both windows: not counted.
        .addElements(pin(6, "art", 40), geo(6, "Peru", 40))
        .advanceWatermarkToInfinity();

    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.standardMinutes(1)).withEarlyFirings(Duration.ZERO));

    PAssert.that(counts).inWindow(W1).containsInAnyOrder(
        row(W1, "Peru", "art", 2, "ON_TIME", false),
        row(W1, "Peru", "art", 3, "LATE", false),
        row(W1, "Peru", "art", 3, "LATE", true));
    PAssert.that(counts).inWindow(W2).containsInAnyOrder(
        row(W2, "Chile", "travel", 1, "ON_TIME", false),
        row(W2, "Chile", "travel", 1, "LATE", true));
    pipeline.run();
  }

  @Test
  public void earlyPanesShowAnOpenWindowAndCountsOnlyGrow() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .addElements(pin(2, "art", 6), geo(2, "Peru", 6))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkToInfinity();

    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.standardSeconds(10)));

    PAssert.that(counts).inWindow(W1).containsInAnyOrder(
        row(W1, "Peru", "art", 1, "EARLY", false),
        row(W1, "Peru", "art", 2, "EARLY", false),
        row(W1, "Peru", "art", 2, "ON_TIME", true));
    pipeline.run();
  }

  /** Cells share a bucket's timers; each writes a row only when its own count changed. */
  @Test
  public void anEarlyRowIsWrittenOnlyForTheCellsThatChanged() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5), pin(2, "travel", 6), geo(2, "Chile", 6))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .addElements(pin(3, "art", 7), geo(3, "Peru", 7))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute().withBuckets(1)
        .withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.standardSeconds(10)));
    PAssert.that(counts).containsInAnyOrder(
        row(W1, "Peru", "art", 1, "EARLY", false),
        row(W1, "Chile", "travel", 1, "EARLY", false),
        row(W1, "Peru", "art", 2, "EARLY", false),
        row(W1, "Peru", "art", 2, "ON_TIME", true),
        row(W1, "Chile", "travel", 1, "ON_TIME", true));
    pipeline.run();
  }

  @Test
  public void aMissingCountryOrCategoryCountsAsUnknown() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5))
        .addElements(TimestampedValue.of(Row.withSchema(EVENT).addValues(1L, false, "Peru").build(), T0.plus(5000)))
        .advanceWatermarkToInfinity();
    PCollection<Row> all = pipeline.apply(events);
    PCollection<Row> pins = all.apply("Pins", ParDo.of(new ToClean(true, false))).setRowSchema(PinterestSchemas.PIN);
    PCollection<Row> geo = all.apply("Geo", ParDo.of(new ToClean(false))).setRowSchema(PinterestSchemas.GEO);
    PCollection<Row> counts = PCollectionTuple.of(PinterestQueries.PIN, pins).and(PinterestQueries.GEO, geo)
        .apply(CountPostsLive.perMinute().withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.ZERO));
    PAssert.that(counts).containsInAnyOrder(row(W1, "Peru", CountPostsLive.UNKNOWN, 1, "ON_TIME", true));
    pipeline.run();
  }
  @Test
  public void aWindowWhoseFirstPostIsLateGetsAnOnTimeAndAFinalRow() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 70), geo(1, "Peru", 70))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
        .addElements(pin(2, "travel", 30), geo(2, "Chile", 30))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.standardMinutes(1)).withEarlyFirings(Duration.ZERO));
    PAssert.that(counts).inWindow(W1).containsInAnyOrder(
        row(W1, "Chile", "travel", 1, "ON_TIME", false),
        row(W1, "Chile", "travel", 1, "LATE", true));
    PAssert.that(counts).inWindow(W2).containsInAnyOrder(
        row(W2, "Peru", "art", 1, "ON_TIME", false),
        row(W2, "Peru", "art", 1, "LATE", true));
    pipeline.run();
  }

  @Test
  public void anEarlyTimerWithNothingNewWritesNoRow() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5))
        .advanceProcessingTime(Duration.standardSeconds(11))
        // A re-send arrives: no new post, so no early row, and no timer either.
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.standardSeconds(10)));
    PAssert.that(counts).inWindow(W1).containsInAnyOrder(
        row(W1, "Peru", "art", 1, "EARLY", false),
        row(W1, "Peru", "art", 1, "ON_TIME", true));
    pipeline.run();
  }

  /**
   * Rows are stamped with their window's last instant, as GroupByKey panes are: a stamp past the
   * window's end would make any GroupByKey downstream (PAssert's own, here) refuse the row.
   */
  @Test
  public void everyRowIsStampedWithItsWindowsLastInstant() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 70), geo(1, "Peru", 70))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
        .addElements(pin(2, "art", 6), geo(2, "Peru", 6))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.standardMinutes(1)).withEarlyFirings(Duration.standardSeconds(10)));
    PCollection<String> stamps = counts.apply("Stamps", ParDo.of(new StampFn()));
    long w1 = W1.maxTimestamp().getMillis();
    long w2 = W2.maxTimestamp().getMillis();
    PAssert.that(stamps).containsInAnyOrder("EARLY 1 at " + w2, "ON_TIME 1 at " + w2, "LATE 1 at " + w2,
        "ON_TIME 1 at " + w1, "LATE 1 at " + w1);
    pipeline.run();
  }

  @Test
  public void withNoAllowedLatenessTheOnTimeRowIsFinalAndALatePostIsLeftOut() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
        .addElements(pin(2, "art", 6), geo(2, "Peru", 6))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.ZERO));
    PAssert.that(counts).containsInAnyOrder(row(W1, "Peru", "art", 1, "ON_TIME", true));
    pipeline.run();
  }

  @Test
  public void anEarlyTimerThatFiresAfterTheOnTimeRowWritesNothing() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(1, "art", 5), geo(1, "Peru", 5))
        .advanceWatermarkTo(T0.plus(Duration.standardSeconds(65)))
        .advanceProcessingTime(Duration.standardSeconds(11))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute()
        .withAllowedLateness(Duration.standardMinutes(1)).withEarlyFirings(Duration.standardSeconds(10)));
    PAssert.that(counts).containsInAnyOrder(
        row(W1, "Peru", "art", 1, "ON_TIME", false),
        row(W1, "Peru", "art", 1, "LATE", true));
    pipeline.run();
  }

  /**
   * A part stamped far ahead (a producer's skewed clock) must not keep the parts after it: pin 1 is
   * forgotten once its retention has passed, so a geo record arriving much later does not join it.
   */
  @Test
  public void aPartStampedFarAheadDoesNotHoldBackThePurgeOfTheOthers() {
    TestStream<Row> events = TestStream.create(RowCoder.of(EVENT))
        .addElements(pin(100, "art", 86_400), pin(1, "art", 5))
        .advanceWatermarkTo(T0.plus(Duration.standardMinutes(10)))
        .addElements(geo(1, "Peru", 660))
        .advanceWatermarkToInfinity();
    PCollection<Row> counts = run(events, CountPostsLive.perMinute().withBuckets(1)
        .withAllowedLateness(Duration.ZERO).withEarlyFirings(Duration.ZERO).withRetention(Duration.standardMinutes(2)));
    PAssert.that(counts).empty();
    pipeline.run();
  }

  private static final class StampFn extends DoFn<Row, String> {
    @ProcessElement
    public void process(@Element Row r, @Timestamp Instant ts, OutputReceiver<String> out) {
      out.output(r.getString("timing") + " " + r.getInt64("posts") + " at " + ts.getMillis());
    }
  }
}
