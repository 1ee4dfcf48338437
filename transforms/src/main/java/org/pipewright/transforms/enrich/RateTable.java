package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchange rates by day: for each source currency and date, the quotes {@code currency -> rate}
 * (how many units of that currency one unit of the source buys). A plain, immutable value that
 * {@link ConvertCurrency} reads as a side input; it is small (one entry per day), so one table
 * per worker is the cheap way to join every record with its day's rates.
 *
 * <p>Rows of {@link #SCHEMA} make a table ({@link #of}); where two rows give the same source and
 * date (a day fetched twice), the one with the later {@code timestamp} wins (no timestamp counts
 * as the earliest) and an exact tie goes to the row whose quotes sort first as text, so the table
 * does not depend on the order the rows arrived in.
 *
 * <p>Two ways to make the side input:
 *
 * <pre>{@code
 * // batch: all rates rows of the run, combined into one table
 * PCollectionView<RateTable> rates = rateRows.apply("Rate table", RateTable.fromRows());
 *
 * // streaming: reloaded every 10 minutes (a slowly updating side input, one table per 10-minute window)
 * PCollectionView<RateTable> rates = pipeline.apply("Rate table",
 *     RateTable.refreshing(Duration.standardMinutes(10), now -> RateTable.of(readLandedRates())));
 *
 * items.apply("Convert", ConvertCurrency.using(rates));
 * }</pre>
 */
public final class RateTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One day's rates: the day, the source currency, the API's timestamp (epoch seconds) and the quotes. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("date")
          .addStringField("source")
          .addNullableField("timestamp", FieldType.INT64)
          .addMapField("quotes", FieldType.STRING, FieldType.DECIMAL)
          .build();

  private static final RateTable EMPTY = new RateTable(Collections.emptyMap());

  /** Source currency -> day (epoch day) -> that day's rates. */
  private final Map<String, TreeMap<Long, Day>> bySource;

  private RateTable(Map<String, TreeMap<Long, Day>> bySource) {
    this.bySource = bySource;
  }

  /** A table without rates: every lookup misses. */
  public static RateTable empty() {
    return EMPTY;
  }

  /** One row of {@link #SCHEMA}; {@code quotes} are keyed by the target currency ({@code EUR}). */
  public static Row row(String date, String source, @Nullable Long timestamp, Map<String, BigDecimal> quotes) {
    return Row.withSchema(SCHEMA).addValues(date, source, timestamp, quotes).build();
  }

  /**
   * The table of {@code rows} (of {@link #SCHEMA}). Rows are expected to be clean (an ISO {@code
   * yyyy-MM-dd} date, no null quote): a row that is not is a bug in the step that made it, so it
   * is refused with an {@link IllegalArgumentException} rather than silently skipped.
   */
  public static RateTable of(Iterable<Row> rows) {
    Map<String, Row> best = new HashMap<>();
    for (Row row : rows) {
      best.merge(key(row), row, RateTable::preferred);
    }
    return fromChosen(best.values());
  }

  private static RateTable fromChosen(Iterable<Row> chosen) {
    Map<String, TreeMap<Long, Day>> bySource = new HashMap<>();
    for (Row row : chosen) {
      String date = row.getString("date");
      long epochDay;
      try {
        epochDay = epochDay(date);
      } catch (BadValueException e) {
        throw new IllegalArgumentException("rates row with a bad date: " + row, e);
      }
      Map<String, BigDecimal> quotes = row.getMap("quotes");
      checkArgument(quotes != null && !quotes.containsKey(null) && !quotes.containsValue(null),
          "rates row with a null quote: %s", row);
      bySource.computeIfAbsent(row.getString("source"), s -> new TreeMap<>())
          .put(epochDay, new Day(date, row.getInt64("timestamp"), new HashMap<>(quotes)));
    }
    return bySource.isEmpty() ? EMPTY : new RateTable(bySource);
  }

  private static String key(Row row) {
    return row.getString("source") + "/" + row.getString("date");
  }

  /** Of two rows for one source and date, the one the table keeps (see the class comment). */
  private static Row preferred(Row a, Row b) {
    Long ta = a.getInt64("timestamp");
    Long tb = b.getInt64("timestamp");
    if (!Objects.equals(ta, tb)) {
      if (ta == null || tb == null) {
        return ta == null ? b : a;
      }
      return ta > tb ? a : b;
    }
    return sortedQuotes(a).compareTo(sortedQuotes(b)) <= 0 ? a : b;
  }

  private static String sortedQuotes(Row row) {
    Map<String, BigDecimal> quotes = row.getMap("quotes");
    return quotes == null ? "" : new TreeMap<>(quotes).toString();
  }

  /**
   * The days since the epoch of an ISO {@code yyyy-MM-dd} date (exactly that shape, no white
   * space); a {@link BadValueException} ({@code bad_date: ...}) for anything else, including
   * impossible days such as {@code 2017-02-30}.
   */
  public static long epochDay(String date) {
    // LocalDate.parse alone would also take "+12345-01-01"; the fixed shape keeps one text per day.
    if (date.length() != 10 || date.charAt(4) != '-' || date.charAt(7) != '-') {
      throw new BadValueException("bad_date: '" + date + "' is not a yyyy-MM-dd date");
    }
    try {
      return LocalDate.parse(date).toEpochDay();
    } catch (DateTimeException e) {
      throw new BadValueException("bad_date: '" + date + "' is not a yyyy-MM-dd date");
    }
  }

  /**
   * The rates to use for {@code date}: that day's when the table has them, else the latest earlier
   * day at most {@code maxAgeDays} before it; never a later day. Null when there is none.
   *
   * @throws BadValueException {@code bad_date: ...} when {@code date} is not a {@code yyyy-MM-dd} date
   */
  public @Nullable Day find(String source, String date, int maxAgeDays) {
    long day = epochDay(date);
    TreeMap<Long, Day> days = bySource.get(source);
    if (days == null) {
      return null;
    }
    Map.Entry<Long, Day> floor = days.floorEntry(day);
    return floor == null || day - floor.getKey() > maxAgeDays ? null : floor.getValue();
  }

  /** The table's days of {@code source}, oldest first. */
  public List<String> dates(String source) {
    List<String> dates = new ArrayList<>();
    TreeMap<Long, Day> days = bySource.get(source);
    if (days != null) {
      days.values().forEach(d -> dates.add(d.date()));
    }
    return dates;
  }

  /** The table as rows of {@link #SCHEMA}, by source and date. */
  public List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    new TreeMap<>(bySource).forEach((source, days) -> days.values().forEach(
        d -> rows.add(row(d.date(), source, d.timestamp(), d.quotes()))));
    return rows;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof RateTable && ((RateTable) other).bySource.equals(bySource);
  }

  @Override
  public int hashCode() {
    return bySource.hashCode();
  }

  @Override
  public String toString() {
    return "RateTable" + rows();
  }

  /** One day's rates of one source currency. */
  public static final class Day implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String date;
    private final @Nullable Long timestamp;
    private final Map<String, BigDecimal> quotes;

    Day(String date, @Nullable Long timestamp, Map<String, BigDecimal> quotes) {
      this.date = date;
      this.timestamp = timestamp;
      this.quotes = quotes;
    }

    /** The day, {@code yyyy-MM-dd}. */
    public String date() {
      return date;
    }

    public @Nullable Long timestamp() {
      return timestamp;
    }

    /** The rate to {@code currency}, or null when the day has none. */
    public @Nullable BigDecimal rate(String currency) {
      return quotes.get(currency);
    }

    Map<String, BigDecimal> quotes() {
      return Collections.unmodifiableMap(quotes);
    }

    @Override
    public boolean equals(@Nullable Object other) {
      if (!(other instanceof Day)) {
        return false;
      }
      Day d = (Day) other;
      return d.date.equals(date) && Objects.equals(d.timestamp, timestamp) && d.quotes.equals(quotes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(date, timestamp, quotes);
    }
  }

  // ---- coder ------------------------------------------------------------------------------

  /** The coder of tables: their rows, with {@link RowCoder}. */
  public static Coder<RateTable> coder() {
    return TableCoder.INSTANCE;
  }

  private static final class TableCoder extends CustomCoder<RateTable> {
    private static final long serialVersionUID = 1L;
    static final TableCoder INSTANCE = new TableCoder();
    private static final Coder<List<Row>> ROWS = ListCoder.of(RowCoder.of(SCHEMA));

    @Override
    public void encode(RateTable table, OutputStream out) throws IOException {
      ROWS.encode(table.rows(), out);
    }

    @Override
    public RateTable decode(InputStream in) throws IOException {
      // The rows were chosen once already: one per source and date.
      return fromChosen(ROWS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  // ---- side inputs ------------------------------------------------------------------------

  /**
   * Batch: combines all rows of {@link #SCHEMA} into one table and views it as a singleton (an
   * empty input gives an empty table). The rows are gathered by a combiner, one partial map per
   * worker, never by a group of the whole input under one key.
   */
  public static PTransform<PCollection<Row>, PCollectionView<RateTable>> fromRows() {
    return new FromRows();
  }

  private static final class FromRows extends PTransform<PCollection<Row>, PCollectionView<RateTable>> {
    @Override
    public PCollectionView<RateTable> expand(PCollection<Row> rows) {
      checkArgument(rows.getSchema().equals(SCHEMA),
          "RateTable.fromRows expects rows of RateTable.SCHEMA, got %s", rows.getSchema());
      return rows
          .apply("Combine into a table", Combine.globally(new CollectFn()))
          .setCoder(coder())
          .apply("View as singleton", View.asSingleton());
    }
  }

  /** Keeps the preferred row per source and date. */
  private static final class CollectFn extends Combine.CombineFn<Row, Map<String, Row>, RateTable> {
    private static final long serialVersionUID = 1L;

    @Override
    public Map<String, Row> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, Row> addInput(Map<String, Row> acc, Row row) {
      acc.merge(key(row), row, RateTable::preferred);
      return acc;
    }

    @Override
    public Map<String, Row> mergeAccumulators(Iterable<Map<String, Row>> accs) {
      Map<String, Row> merged = createAccumulator();
      for (Map<String, Row> acc : accs) {
        acc.values().forEach(row -> addInput(merged, row));
      }
      return merged;
    }

    @Override
    public RateTable extractOutput(Map<String, Row> acc) {
      return fromChosen(acc.values());
    }

    @Override
    public Coder<Map<String, Row>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return MapCoder.of(StringUtf8Coder.of(), RowCoder.of(SCHEMA));
    }

    @Override
    public Coder<RateTable> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return coder();
    }
  }

  /**
   * Streaming: a table reloaded every {@code interval} by {@code loader}, as a slowly updating side
   * input in the windowed form Beam documents for it: time is cut into fixed windows
   * of {@code interval}, and each window gets exactly one table, so {@link View#asSingleton} never
   * sees two (a refresh in the global window with a repeated trigger can put two loads in one pane
   * on the Direct and Flink runners, which then fail with "PCollection with more than one element
   * accessed as a singleton view").
   *
   * <p>The table of a window is loaded once the window has ended (the loader is called with its
   * end), so a record whose timestamp is in a window is converted with everything the loader could
   * see when that record arrived: rates landed before a record are used for it. The price is
   * latency: a record waits for the end of its window, at most {@code interval}, plus the time the
   * job took to start (the loads are paced from the start, one per interval, never ahead of time). {@link
   * ConvertCurrency} puts records in the global window into the table's windows and back by itself.
   * Windows are aligned to multiples of {@code interval} since the epoch, from the one that holds
   * the time the pipeline is built (or {@link Refreshing#withStart}); a record of an earlier window
   * finds an empty table (a {@code missing_rates} dead letter, not a stuck pipeline).
   *
   * <p>A load that throws (the rates store briefly unreachable) gives the window the previous table
   * this worker loaded (an empty one if none) and counts {@code rates.refreshFailed}; only the
   * exception's class is logged, because loader messages may carry URLs with keys. A loader should
   * log its own failures, masked.
   */
  public static Refreshing refreshing(Duration interval, SerializableFunction<Instant, RateTable> loader) {
    checkArgument(interval != null && interval.getMillis() > 0, "interval must be > 0, got %s", interval);
    checkNotNull(loader, "loader");
    return new Refreshing(interval, loader, null, null);
  }

  /** See {@link #refreshing}; start and stop are for bounded runs (tests, back-fills). */
  public static final class Refreshing extends PTransform<PBegin, PCollectionView<RateTable>> {
    private final Duration interval;
    private final SerializableFunction<Instant, RateTable> loader;
    private final @Nullable Instant start;
    private final @Nullable Instant stop;

    private Refreshing(Duration interval, SerializableFunction<Instant, RateTable> loader,
        @Nullable Instant start, @Nullable Instant stop) {
      this.interval = interval;
      this.loader = loader;
      this.start = start;
      this.stop = stop;
    }

    /** Returns a copy whose first window is the one holding {@code start} (default: now). */
    public Refreshing withStart(Instant start) {
      checkNotNull(start, "start");
      return new Refreshing(interval, loader, start, stop);
    }

    /** Returns a copy that loads for the last time for the window holding {@code stop} (default: never stops). */
    public Refreshing withStop(Instant stop) {
      checkNotNull(stop, "stop");
      return new Refreshing(interval, loader, start, stop);
    }

    @Override
    public PCollectionView<RateTable> expand(PBegin begin) {
      checkArgument(start == null || stop == null || !stop.isBefore(start),
          "stop %s is before start %s", stop, start);
      long period = interval.getMillis();
      long from = (start == null ? Instant.now() : start).getMillis();
      long first = from - Math.floorMod(from, period);
      // One tick per window, stamped with the window's start whenever it is emitted, so no window
      // goes without a table. GenerateSequence rather than PeriodicImpulse: on the Flink runner
      // PeriodicImpulse's watermark does not advance, so its windows would never end.
      GenerateSequence ticks = GenerateSequence.from(0).withTimestampFn(i -> new Instant(first + i * period));
      if (stop != null) {
        ticks = ticks.to((stop.getMillis() - first) / period + 1);
      }
      if (stop == null || stop.isAfterNow()) {
        // Tick i is emitted no earlier than its stamp: a window ends only once it is over.
        ticks = ticks.withRate(1, interval);
      }
      return begin
          .apply("Tick", ticks)
          .apply("Tick times", MapElements.into(TypeDescriptor.of(Instant.class))
              .via(i -> new Instant(first + i * period)))
          .setCoder(InstantCoder.of())
          .apply("Load", loadPerWindow(interval, loader))
          // A record of a window no load covers (before the start) gets no rates, not a crash.
          .apply("View as singleton", View.<RateTable>asSingleton().withDefaultValue(empty()));
    }
  }

  /**
   * The loading half of {@link #refreshing}, for any stream of ticks: the ticks are cut into fixed
   * windows of {@code interval}; when a window with ticks has ended (the watermark passed it), the
   * loader is called once, with the window's end, and its table is output in that window.
   */
  public static PTransform<PCollection<Instant>, PCollection<RateTable>> loadPerWindow(
      Duration interval, SerializableFunction<Instant, RateTable> loader) {
    checkArgument(interval != null && interval.getMillis() > 0, "interval must be > 0, got %s", interval);
    checkNotNull(loader, "loader");
    return new LoadPerWindow(interval, loader);
  }

  private static final class LoadPerWindow extends PTransform<PCollection<Instant>, PCollection<RateTable>> {
    private final Duration interval;
    private final SerializableFunction<Instant, RateTable> loader;

    LoadPerWindow(Duration interval, SerializableFunction<Instant, RateTable> loader) {
      this.interval = interval;
      this.loader = loader;
    }

    @Override
    public PCollection<RateTable> expand(PCollection<Instant> ticks) {
      return ticks
          .apply("Window of each interval", Window.into(FixedWindows.of(interval)))
          // Fires once per window, when it has ended: so the load sees all that landed in it.
          .apply("Wait for the window's end", Combine.globally(Max.<Instant>naturalOrder()).withoutDefaults())
          .setCoder(InstantCoder.of())
          .apply("Call loader", ParDo.of(new LoadFn(loader)))
          .setCoder(coder());
    }
  }

  private static final class LoadFn extends DoFn<Instant, RateTable> {
    private static final Logger LOG = LoggerFactory.getLogger(RateTable.class);
    private final SerializableFunction<Instant, RateTable> loader;
    private final Counter failed = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "rates.refreshFailed");
    private transient @Nullable RateTable previous;

    LoadFn(SerializableFunction<Instant, RateTable> loader) {
      this.loader = loader;
    }

    @ProcessElement
    public void process(BoundedWindow window, OutputReceiver<RateTable> out) {
      Instant end = window.maxTimestamp().plus(Duration.millis(1));
      RateTable table;
      try {
        table = loader.apply(end);
      } catch (RuntimeException e) {
        failed.inc();
        LOG.warn("Rates load for the window ending {} failed ({}); using the previous table", end,
            e.getClass().getName());
        table = null;
      }
      if (table == null) {
        table = previous == null ? empty() : previous;
      }
      previous = table;
      // Exactly one table per window, even when the load failed: a window without one would be empty.
      out.output(table);
    }
  }
}
