package org.pipewright.pipelines;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.PeriodicImpulse;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.Watch;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.ReadJsonDocuments;
import org.pipewright.io.files.WriteDocuments;
import org.pipewright.io.http.ApiErrorCheck;
import org.pipewright.io.http.ApiKey;
import org.pipewright.io.http.ApiRequest;
import org.pipewright.io.http.ApiResponse;
import org.pipewright.io.http.CallJsonApi;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.mongodb.MongoConnection;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.enrich.ConvertCurrency;
import org.pipewright.transforms.enrich.Discount;
import org.pipewright.transforms.enrich.RateTable;
import org.pipewright.transforms.retail.ParseRetailAnswers;
import org.pipewright.transforms.retail.RetailAnswers;

/**
 * The streaming retail job: polls the two APIs every {@code --pollSeconds}, lands every answer in
 * the landing archive ({@code <input>/<kind>/dt=<day>/<HHmmssSSS>.json}, the layout {@link
 * RetailDaily} reads), and values, discounts and upserts what lands, continuously, with the same
 * transforms as {@link RetailDaily}: {@code <prefix>valuation} and {@code <prefix>discount} by
 * {@code (item_id, date)}, dead letters by source; with {@code --mongoUri} also one document per
 * item and day in the collections of the same names, as RetailDaily writes them plus {@code source}.
 *
 * <p>The archive is the source of truth. The poller only lands answers; a second half watches the
 * archive's recent {@code dt=} folders ({@code --sinceDays} back and today) and processes each new
 * file once. Of two answers for one item and day the one whose file name sorts last wins, as in
 * {@link RetailDaily}: the tables keep each row's {@code source} (the answer file) and the upsert
 * never lets an older source overwrite a newer one (in MongoDB, {@link
 * org.pipewright.io.mongodb.MongoUpsert#withVersionField} on {@code source}). So a restart, which
 * re-reads the watched days, changes nothing, and a job killed with SIGKILL loses nothing: an
 * answer is either landed (and read again after the restart) or was never fetched.
 *
 * <p>Each poll asks for the rates first and for the items once its rates answer is landed (or
 * failed). The valuation reads the landed rates as a slowly updating side input ({@link
 * RateTable#refreshing}), loaded at the end of every {@code --rateRefreshSeconds} window for the
 * items read in that window: so an item is valued with its own day's rates whenever that day's
 * rates call succeeded, whichever file the archive watch read first, with the rules and dead
 * letters of {@link ConvertCurrency} (an earlier day within {@code --maxRateAgeDays}, else {@code
 * missing_rates}); an item waits for the end of its {@code --rateRefreshSeconds} window (and,
 * after a slow start, for as long as the start took). Failed calls are
 * dead letters too, their source the masked URL and the poll time. Trending frequency and the top
 * list are batch tables: RetailDaily computes them.
 *
 * <pre>
 * PIPEWRIGHT_PRODUCTS_API_KEY=... PIPEWRIGHT_FX_API_KEY=... PIPEWRIGHT_JDBC_PASSWORD=... \
 *   java -cp pipewright-pipelines-bundled.jar org.pipewright.pipelines.RetailStreaming \
 *   --input=landing --productsUrl=http://127.0.0.1:8090 --fxUrl=http://127.0.0.1:8090 \
 *   --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/postgres --jdbcUser=postgres --createTables
 * </pre>
 */
public final class RetailStreaming {
  static final String TRENDS = RetailDaily.TRENDS;
  static final String VOD = RetailDaily.VOD;
  static final String RATES = RetailDaily.RATES;
  static final List<String> KINDS = RetailDaily.KINDS;
  /** The column that orders two versions of a row: the answer file, whose name sorts by poll time. */
  static final String SOURCE = "source";
  /** A column's new value: the incoming one unless the stored row comes from a later answer (code-point order, as KeepLatest). */
  static final String NEWER_SOURCE_WINS = "CASE WHEN {old:source} IS NULL OR {new:source} COLLATE \"C\" >= "
      + "{old:source} COLLATE \"C\" THEN {new} ELSE {old} END";
  private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("HHmmssSSS").withZone(ZoneOffset.UTC);

  private RetailStreaming() {}

  public static void main(String[] args) {
    Cli.main(args, RetailStreaming::run);
  }

  public static void run(String[] args) throws Exception {
    RetailStreamingOptions options = Cli.parse(args, RetailStreamingOptions.class);
    options.setStreaming(true);
    RetailTables.validate(options);
    if (options.getRunner().getSimpleName().startsWith("Spark")) {
      // Never tried on Spark: the archive watch and the pollers are unbounded splittable DoFns
      // (Watch, PeriodicImpulse), which Beam's Spark runner is not known to run in streaming mode.
      throw new UsageException("RetailStreaming runs on --runner=FlinkRunner or DirectRunner; on Spark, land the"
          + " answers with RetailDaily --fetch and process each day with RetailDaily");
    }
    List<String> currencies = RetailDaily.currencies(options.getCurrencies());
    if (options.getPollSeconds() <= 0 || options.getRateRefreshSeconds() <= 0 || options.getSinceDays() < 0
        || options.getMaxRateAgeDays() < 0) {
      throw new UsageException("--pollSeconds and --rateRefreshSeconds must be > 0; --sinceDays and --maxRateAgeDays >= 0");
    }
    if (Dialect.parse(options.getJdbcDialect()) != Dialect.POSTGRES) {
      throw new UsageException("RetailStreaming writes PostgreSQL only (--jdbcDialect=postgres)");
    }
    ApiKey productsKey = null;
    ApiKey fxKey = null;
    if (!options.getWatchOnly()) {
      if (options.getProductsUrl() == null || options.getFxUrl() == null) {
        throw new UsageException("RetailStreaming polls the APIs: give --productsUrl and --fxUrl (or --watchOnly)");
      }
      RetailLanding.checkCalls(options);
      productsKey = RetailLanding.key(options.getProductsApiKeyFile(), RetailApiOptions.PRODUCTS_KEY_ENV, "apiKey");
      fxKey = RetailLanding.key(options.getFxApiKeyFile(), RetailApiOptions.FX_KEY_ENV, "access_key");
    }
    RetailTables tables = RetailTables.of(options);
    tables.check();
    MongoConnection mongo = RetailTables.mongo(options);
    if (mongo != null) {
      RetailTables.checkMongo(mongo);
    }
    if (!options.getCreateTables()) {
      checkSourceColumns(tables);
    }
    Pipeline pipeline = Pipeline.create(options);
    RunLog log = RunLog.start(tables.warehouse(), options.getCreateTables(), RetailDaily.QUALITY_NAME,
        RetailStreaming.class, options, true);
    try {
      // The graph names the tables' columns, which creating them needs.
      build(pipeline, options, currencies, tables, mongo, productsKey, fxKey, LocalDate.now(ZoneOffset.UTC), log);
      if (options.getCreateTables()) {
        tables.create();
        addSourceColumns(tables);
      }
    } catch (RuntimeException e) {
      log.finish(RunLog.FAILED, null, null);
      throw e;
    }
    System.out.println("watching " + options.getInput() + " from dt=" + LocalDate.now(ZoneOffset.UTC)
        .minusDays(options.getSinceDays()) + (options.getWatchOnly() ? "" : "; polling every " + options.getPollSeconds() + " s"));
    Runs.run(pipeline, options.getProgressSeconds(), KINDS, log);
    log.finish(RunLog.SUCCEEDED, null, null);
  }

  /**
   * Adds the job to {@code pipeline} without touching any service. {@code today}: the first day
   * the archive watch starts from, {@code --sinceDays} before it. Keys are null with {@code --watchOnly};
   * {@code mongo} is null without {@code --mongoUri}.
   */
  static void build(Pipeline pipeline, RetailStreamingOptions options, List<String> currencies, RetailTables tables,
      MongoConnection mongo, ApiKey productsKey, ApiKey fxKey, LocalDate today, RunLog log) {
    Duration poll = Duration.standardSeconds(options.getPollSeconds());
    List<PCollection<Row>> deadLetters = new ArrayList<>();
    if (!options.getWatchOnly()) {
      deadLetters.add(poll(pipeline, options, poll, productsKey, fxKey));
    }

    // One watch per day folder, for a little more than the days it can still get answers in.
    Instant firstDay = new Instant(today.minusDays(options.getSinceDays() + options.getMaxRateAgeDays())
        .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
    PCollection<String> days = pipeline
        .apply("Day ticks", PeriodicImpulse.create().startAt(firstDay).withInterval(Duration.standardDays(1)))
        .apply("Days", MapElements.into(TypeDescriptors.strings())
            .via((Instant day) -> day.toDateTime(org.joda.time.DateTimeZone.UTC).toLocalDate().toString()));
    String earliest = today.minusDays(options.getSinceDays()).toString();
    Duration watchFor = Duration.standardDays(options.getSinceDays() + options.getMaxRateAgeDays() + 2L);

    CleanResult trends = watch(days, options, TRENDS, earliest, poll, watchFor);
    CleanResult vod = watch(days, options, VOD, earliest, poll, watchFor);
    // The rates reach further back: the first watched days may be valued with earlier rates.
    CleanResult rates = watch(days, options, RATES, null, poll, watchFor);
    // read = clean + deadLetter for the parsed answers (ParseRetailAnswers), so read is not counted apart.
    PCollectionTuple counted = PCollectionTuple.empty(pipeline);
    Map<String, CleanResult> parsed = Map.of(TRENDS, trends, VOD, vod, RATES, rates);
    for (String kind : KINDS) {
      counted = counted.and(new TupleTag<Row>(kind + "." + Summary.CLEAN), parsed.get(kind).output())
          .and(new TupleTag<Row>(kind + "." + Summary.DEAD_LETTER), parsed.get(kind).deadLetters());
    }
    log.recordWhileRunning(counted, KINDS, RunLog.seconds(options.getProgressSeconds()));

    CleanResult discounted = trends.output().apply("Discount", Discount.create().withKind(TRENDS));
    PCollection<Row> discount = discounted.output().apply("Discount columns", Select.fieldNames(
        "date", "item_id", "name", "msrp", "sale_price", "discount", "customer_rating", SOURCE));

    CleanResult valued = valueWithLandedRates(pipeline, vod.output(), options, currencies);
    List<String> valuationFields = new ArrayList<>(List.of("date", "item_id", "name", "sale_price",
        ConvertCurrency.RATE_DATE_FIELD));
    currencies.forEach(c -> valuationFields.add(ConvertCurrency.VALUE_PREFIX + c));
    valuationFields.add(SOURCE);
    PCollection<Row> valuation = valued.output()
        .apply("Valuation columns", Select.fieldNames(valuationFields.toArray(new String[0])));

    deadLetters.addAll(List.of(trends.deadLetters(), discounted.deadLetters(), vod.deadLetters(),
        valued.deadLetters(), rates.deadLetters()));
    deadLetters.add(valuation.apply("Upsert valuation", newestWins(tables.upsert(RetailTables.VALUATION,
        valuation.getSchema()), valuation.getSchema()).withDeadLetters()).deadLetters());
    deadLetters.add(discount.apply("Upsert discount", newestWins(tables.upsert(RetailTables.DISCOUNT,
        discount.getSchema()), discount.getSchema()).withDeadLetters()).deadLetters());
    if (mongo != null) {
      // The same newest-answer-wins rule as the tables: a document keeps the later source.
      deadLetters.add(valuation.apply("Mongo valuation",
          RetailTables.mongoUpsert(mongo, options, RetailTables.VALUATION).withVersionField(SOURCE)));
      deadLetters.add(discount.apply("Mongo discount",
          RetailTables.mongoUpsert(mongo, options, RetailTables.DISCOUNT).withVersionField(SOURCE)));
    }
    WarehouseTables.withSourceKey(PCollectionList.of(deadLetters).apply("All dead letters", Flatten.pCollections()))
        .apply("Upsert dead letters", tables.deadLetters());
  }

  /**
   * ConvertCurrency with the rates landed in the archive as a slowly updating side input ({@link
   * RateTable#refreshing}): loaded at the end of every {@code --rateRefreshSeconds} window, and used
   * for the items the archive watch read in that window. The poller lands a poll's rates before it
   * asks for its items, so an item is valued with its own day's rates whenever that day's rates call
   * succeeded, whichever file the watch read first.
   */
  private static CleanResult valueWithLandedRates(Pipeline pipeline, PCollection<Row> items,
      RetailStreamingOptions options, List<String> currencies) {
    PCollectionView<RateTable> rates = pipeline.apply("Landed rates", RateTable.refreshing(
        Duration.standardSeconds(options.getRateRefreshSeconds()),
        new LandedRates(options.getInput(), options.getSinceDays() + options.getMaxRateAgeDays())));
    return items.apply("Value in currencies", ConvertCurrency.using(rates).withCurrencies(currencies)
        .withMaxRateAgeDays(options.getMaxRateAgeDays()).withKind(VOD));
  }

  /** Every non-key column merged so that the row of the later answer file stays. */
  static JdbcUpsert newestWins(JdbcUpsert upsert, Schema schema) {
    for (String column : schema.getFieldNames()) {
      if (!column.equals("item_id") && !column.equals("date")) {
        upsert = upsert.withMerge(column, NEWER_SOURCE_WINS);
      }
    }
    return upsert;
  }

  /**
   * The poller: a tick every {@code poll}, one call per kind, each answer landed as {@code
   * <kind>/dt=<day>/<HHmmssSSS>.json} (the tick's UTC day and time). Returns the failed calls as dead
   * letters, their source the masked URL and the poll time (so each failure is one row).
   */
  private static PCollection<Row> poll(Pipeline pipeline, RetailStreamingOptions options, Duration poll,
      ApiKey productsKey, ApiKey fxKey) {
    PCollection<Instant> ticks = pipeline.apply("Poll ticks", PeriodicImpulse.create().withInterval(poll));
    List<PCollection<Row>> failed = new ArrayList<>();
    CleanResult rates = ticks.apply("Requests rates", MapElements.into(TypeDescriptor.of(Row.class))
            .via((Instant tick) -> ApiRequest.of(file(RATES, tick), path(RATES, tick))))
        .setRowSchema(ApiRequest.SCHEMA)
        .apply("Call rates", call(options, RATES, fxKey));
    failed.add(rates.deadLetters());
    PCollection<String> ratesLanded = land(rates, "rates", options);
    // The items of a poll are asked for once its rates are landed (or failed), so whoever reads an
    // item from the archive finds its poll's rates there too. Elements keep their tick's timestamp.
    PCollection<Instant> ratesDone = PCollectionList.of(ratesLanded.apply("Poll of landed rates", ParDo.of(new TickFn<>())))
        .and(rates.deadLetters().apply("Poll of failed rates", ParDo.of(new TickFn<>())))
        .apply("Rates done", Flatten.pCollections());
    for (String kind : List.of(TRENDS, VOD)) {
      CleanResult result = ratesDone
          .apply("Requests " + kind, MapElements.into(TypeDescriptor.of(Row.class))
              .via((Instant tick) -> ApiRequest.of(file(kind, tick), path(kind, tick))))
          .setRowSchema(ApiRequest.SCHEMA)
          .apply("Call " + kind, call(options, kind, productsKey));
      failed.add(result.deadLetters());
      land(result, kind, options);
    }
    for (int i = 0; i < failed.size(); i++) {
      failed.set(i, failed.get(i).apply("Poll time of failed calls " + i, ParDo.of(new WithPollTimeFn()))
          .setRowSchema(DeadLetter.SCHEMA));
    }
    return PCollectionList.of(failed).apply("Failed calls", Flatten.pCollections());
  }

  /**
   * Loads the rates answers landed in the archive for the tick's day (UTC), the day after it and
   * {@code days} days before, every answer of a day, as RetailDaily would read them; an answer that
   * does not parse is left out here (the archive watch makes it a dead letter).
   */
  static final class LandedRates implements SerializableFunction<Instant, RateTable> {
    private final String root;
    private final int days;

    LandedRates(String root, int days) {
      this.root = root;
      this.days = days;
    }

    @Override
    public RateTable apply(Instant tick) {
      LocalDate today = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(tick.getMillis()), ZoneOffset.UTC);
      List<Row> rows = new ArrayList<>();
      for (int back = -1; back <= days; back++) {
        String day = today.minusDays(back).toString();
        try {
          MatchResult match = FileSystems.match(OutputDirs.join(root, RATES, "dt=" + day, "*.json"),
              EmptyMatchTreatment.ALLOW);
          for (MatchResult.Metadata file : match.metadata()) {
            try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
              // Read as the watch's parsing reads it (strict UTF-8, exact decimals, no duplicate keys):
              // an answer it refuses must not value items here.
              String text = StandardCharsets.UTF_8.newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(in.readAllBytes())).toString();
              rows.add(RetailAnswers.rates(day, RawJson.parseObject(text.startsWith("\uFEFF") ? text.substring(1) : text)));
            } catch (IOException | RuntimeException e) {
              // not JSON or not rates: a dead letter of the watch, not a rate
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list the rates of " + day, e);
        }
      }
      return RateTable.of(rows);
    }
  }

  private static CallJsonApi call(RetailStreamingOptions options, String kind, ApiKey key) {
    boolean fx = kind.equals(RATES);
    CallJsonApi call = CallJsonApi.at(fx ? options.getFxUrl() : options.getProductsUrl())
        .withApiName(fx ? "fx" : "products")
        .withApiKey(key)
        .withRateLimit(options.getRequestsPerSecond())
        .withTimeout(java.time.Duration.ofSeconds(options.getRequestTimeoutSeconds()))
        .withMaxAttempts(options.getMaxAttempts())
        .withDeadLetterKind(kind);
    return fx ? call.withApiErrorCheck(ApiErrorCheck.currencylayer()) : call;
  }

  /** Lands each answer under its request's name; the paths written. */
  private static PCollection<String> land(CleanResult result, String kind, RetailStreamingOptions options) {
    return result.output()
        .apply("Name " + kind, MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
            .via((Row r) -> KV.of(ApiResponse.name(r), ApiResponse.body(r))))
        .apply("Land " + kind, WriteDocuments.to(options.getInput()));
  }

  /** The poll (tick) an element belongs to: its timestamp. */
  private static final class TickFn<T> extends DoFn<T, Instant> {
    @ProcessElement
    public void process(@Timestamp Instant tick, OutputReceiver<Instant> out) {
      out.output(tick);
    }
  }

  /** A failed call's source: its masked URL and the poll (tick) time it belongs to. */
  private static final class WithPollTimeFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row d, @Timestamp Instant tick, OutputReceiver<Row> out) {
      out.output(DeadLetter.of(DeadLetter.kind(d), DeadLetter.step(d), DeadLetter.reason(d),
          DeadLetter.source(d) + " (poll " + tick + ")", DeadLetter.payload(d)));
    }
  }

  /**
   * The API path of one kind of answer of the poll at {@code tick}: the items of the tick's own day
   * (the file's {@code dt=}), which the products API's "today" is not once a slow call or its retries
   * cross midnight; the live rates.
   */
  static String path(String kind, Instant tick) {
    LocalDate day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(tick.getMillis()), ZoneOffset.UTC);
    switch (kind) {
      case TRENDS:
        return "/v1/trends?date=" + day;
      case VOD:
        return "/v1/vod?date=" + day;
      default:
        return "/api/live";
    }
  }

  /** The archive file of one poll's answer: the names of a day sort by poll time. */
  static String file(String kind, Instant tick) {
    java.time.Instant time = java.time.Instant.ofEpochMilli(tick.getMillis());
    return kind + "/dt=" + LocalDate.ofInstant(time, ZoneOffset.UTC) + "/" + FILE_TIME.format(time) + ".json";
  }

  /**
   * Each new answer file of {@code kind} in the watched day folders, parsed. {@code earliest}: days
   * before it are not read (null: all ticked days).
   */
  private static CleanResult watch(PCollection<String> days, RetailStreamingOptions options, String kind,
      String earliest, Duration poll, Duration watchFor) {
    String root = options.getInput();
    return days
        .apply("Folders of " + kind, FlatMapElements.into(TypeDescriptors.strings())
            .via((String day) -> earliest != null && day.compareTo(earliest) < 0 ? List.<String>of()
                : List.of(OutputDirs.join(root, kind, "dt=" + day, "*.json"))))
        // Only *.json: WriteDocuments' temporary files (<name>.json.tmp-...) are never read half-written.
        .apply("Watch " + kind, FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.ALLOW)
            .continuously(poll, Watch.Growth.afterTotalOf(watchFor)))
        .apply("Open " + kind, FileIO.readMatches())
        .apply("Read " + kind, ReadJsonDocuments.files())
        .apply("Parse " + kind, ParseRetailAnswers.of(kind));
  }

  /**
   * Without {@code --createTables}: the upserts need the {@code source} column, so say before the
   * job starts, not at its first write, when a table lacks it or is missing.
   */
  static void checkSourceColumns(RetailTables tables) {
    try (Connection c = tables.connection().open()) {
      for (String table : List.of(RetailTables.VALUATION, RetailTables.DISCOUNT)) {
        String name = tables.name(table).toLowerCase(Locale.ROOT);
        // In the connection's schema, the name escaped: '_' would match any character.
        String escape = c.getMetaData().getSearchStringEscape();
        String pattern = name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
        boolean exists;
        try (java.sql.ResultSet r = c.getMetaData().getColumns(null, c.getSchema(), pattern, null)) {
          exists = r.next();
        }
        boolean hasSource;
        try (java.sql.ResultSet r = c.getMetaData().getColumns(null, c.getSchema(), pattern, SOURCE)) {
          hasSource = r.next();
        }
        if (!exists || !hasSource) {
          throw new UsageException("table " + name + (exists ? " has no column " + SOURCE + " (RetailDaily made it)"
              : " does not exist") + ": run RetailStreaming once with --createTables, which "
              + (exists ? "adds it" : "creates it"));
        }
      }
    } catch (SQLException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * Tables made by RetailDaily have no {@code source} column: add it (null: any streamed answer is
   * newer), so both jobs can share one set of tables.
   */
  static void addSourceColumns(RetailTables tables) {
    try (Connection c = tables.connection().open(); Statement s = c.createStatement()) {
      for (String table : List.of(RetailTables.VALUATION, RetailTables.DISCOUNT)) {
        s.execute("ALTER TABLE \"" + tables.name(table).toLowerCase(Locale.ROOT) + "\" ADD COLUMN IF NOT EXISTS \""
            + SOURCE + "\" TEXT");
      }
    } catch (SQLException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
