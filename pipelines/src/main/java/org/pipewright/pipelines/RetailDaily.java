package org.pipewright.pipelines;

import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.pipewright.io.files.DeadLetterSink;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.ReadJsonDocuments;
import org.pipewright.io.files.TablePreview;
import org.pipewright.io.files.WriteRows;
import org.pipewright.io.mongodb.MongoConnection;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.KeepLatest;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.enrich.ConvertCurrency;
import org.pipewright.transforms.enrich.CountDistinctDays;
import org.pipewright.transforms.enrich.Discount;
import org.pipewright.transforms.enrich.RateTable;
import org.pipewright.transforms.enrich.TopByDays;
import org.pipewright.transforms.quality.Check;
import org.pipewright.transforms.quality.QualityChecks;
import org.pipewright.transforms.retail.ParseRetailAnswers;
import org.pipewright.transforms.retail.RetailAnswers;

/**
 * The daily retail batch job: landed API answers in (trending items, the value of the day,
 * exchange rates), the items valued in several currencies, their discounts and how often each
 * trended out.
 *
 * <pre>
 * OUT/valuation/            one row per value-of-the-day item: date, item_id, name, sale_price,
 *                           rate_date, value_&lt;CCY&gt;...
 * OUT/discount/             one row per trending item per day: date, item_id, name, msrp,
 *                           sale_price, discount, customer_rating
 * OUT/trending_frequency/   item_id, name, days, first_date, last_date
 * OUT/trending_top/         rank, item_id, name, days
 * OUT/dead-letter/          refused answers and items, with step, reason and source
 * OUT/quality/              data-quality results (warnings): one row per check and table
 * OUT/summary.json          per kind (trends items, vod, rates): read, clean, duplicates, deadLetter
 * </pre>
 *
 * <p>An item seen more than once on a day (two polls of the same day) is kept once, from the answer
 * landed last, and counted in {@code duplicates}. With {@code --fetch} the job first calls the APIs
 * for its days and lands their answers ({@link RetailLanding}); processing always reads the
 * landing archive, so a run can be repeated from it without the APIs.
 */
public final class RetailDaily {
  static final String TRENDS = ParseRetailAnswers.TRENDS;
  static final String VOD = ParseRetailAnswers.VOD;
  static final String RATES = ParseRetailAnswers.RATES;
  static final List<String> KINDS = ParseRetailAnswers.KINDS;
  static final List<String> TABLES = RetailTables.TABLES;
  /** The {@code pipeline} of this job's quality results. */
  static final String QUALITY_NAME = "retail";

  private RetailDaily() {}

  public static void main(String[] args) {
    Cli.main(args, RetailDaily::run);
  }

  public static void run(String[] args) throws IOException {
    RetailDailyOptions options = Cli.parse(args, RetailDailyOptions.class);
    RetailTables.validate(options);
    Format format = Cli.format("outputFormat", options.getOutputFormat());
    DateRange range = DateRange.of(options.getDate(), options.getFrom(), options.getTo());
    List<String> currencies = currencies(options.getCurrencies());
    if (options.getMaxRateAgeDays() < 0) {
      throw new UsageException("--maxRateAgeDays must be >= 0, got " + options.getMaxRateAgeDays());
    }
    if (options.getTop() <= 0) {
      throw new UsageException("--top must be > 0, got " + options.getTop());
    }
    RetailTables tables = options.getJdbcUrl() == null ? null : RetailTables.of(options);
    MongoConnection mongo = RetailTables.mongo(options);
    // The stores first: a warehouse that refuses the run should not cost the API calls of --fetch.
    if (tables != null) {
      tables.check();
    }
    if (mongo != null) {
      RetailTables.checkMongo(mongo);
    }
    if (options.getFetch()) {
      if (range.isAll()) {
        range = DateRange.of(LocalDate.now(ZoneOffset.UTC).toString(), null, null);
      }
      RetailLanding.fetch(options, range);
    }
    Cli.requireInputs(options.getInput(), KINDS, "**");
    requireDays(options, range);
    Cli.requireWritable(options.getOutput());
    Pipeline pipeline = Pipeline.create(options);
    List<String> replaced = build(pipeline, options, format, range, currencies, tables, mongo);
    if (tables != null && options.getCreateTables()) {
      tables.create();
    }
    Cli.replaceAll(replaced);
    RunLog log = RunLog.start(tables == null ? null : tables.warehouse(), options.getCreateTables(), QUALITY_NAME,
        RetailDaily.class, options, false);
    Runs.run(pipeline, options.getProgressSeconds(), KINDS, log);
    Cli.tidy(replaced);
    String summary = Summary.print(options.getOutput());
    for (String table : TABLES) {
      printFirstRows(options.getOutput(), table, format);
    }
    log.finish(RunLog.SUCCEEDED, Quality.verdict(Quality.print(options.getOutput())), summary);
  }

  /**
   * A run of one day needs that day's answers of each kind (and of rates, its look-back): without
   * them it would publish empty tables for the day, so it stops here, before the previous run's
   * outputs are replaced. A failed call of {@code --fetch} lands nothing, which ends here too.
   */
  static void requireDays(RetailDailyOptions options, DateRange range) {
    for (String kind : KINDS) {
      DateRange wanted = RATES.equals(kind) ? range.extendedBack(options.getMaxRateAgeDays()) : range;
      if (wanted.singleDay() == null) {
        continue;
      }
      String files = OutputDirs.join(options.getInput(), kind, pattern(wanted));
      Cli.requireFiles(files, "no " + kind + " answers for " + wanted.singleDay() + " at " + files
          + " (not fetched yet, or its call failed)");
    }
  }

  /** Adds the job to {@code pipeline}; returns the output folders it writes. */
  static List<String> build(Pipeline pipeline, RetailDailyOptions options, Format format, DateRange range,
      List<String> currencies, RetailTables tables, MongoConnection mongo) {
    String out = options.getOutput();
    Summary summary = new Summary();
    List<String> folders = new ArrayList<>();
    List<PCollection<Row>> deadLetters = new ArrayList<>();

    CleanResult trends = parse(pipeline, options, TRENDS, range, 0);
    CleanResult vod = parse(pipeline, options, VOD, range, 0);
    CleanResult rates = parse(pipeline, options, RATES, range, options.getMaxRateAgeDays());
    PCollectionView<RateTable> rateTable = rates.output().apply("Rate table", RateTable.fromRows());

    // Enrich first, then keep the latest version of each item and day: what the enrichment refuses is
    // a dead letter, what the de-duplication drops is a duplicate, and the two never overlap.
    CleanResult discounted = trends.output().apply("Discount", Discount.create().withKind(TRENDS));
    PCollection<Row> trendItems = discounted.output()
        .apply("Latest trending item", KeepLatest.perKey("item_id", "date").orderedBy("source"));
    PCollection<Row> discount = trendItems.apply("Discount columns",
        Select.fieldNames("date", "item_id", "name", "msrp", "sale_price", "discount", "customer_rating"));

    CleanResult valued = vod.output().apply("Value in currencies", ConvertCurrency.using(rateTable)
        .withCurrencies(currencies).withMaxRateAgeDays(options.getMaxRateAgeDays()).withKind(VOD));
    List<String> valuationFields = new ArrayList<>(List.of("date", "item_id", "name", "sale_price",
        ConvertCurrency.RATE_DATE_FIELD));
    currencies.forEach(c -> valuationFields.add(ConvertCurrency.VALUE_PREFIX + c));
    PCollection<Row> valuation = valued.output()
        .apply("Latest value of the day", KeepLatest.perKey("item_id", "date").orderedBy("source"))
        .apply("Valuation columns", Select.fieldNames(valuationFields.toArray(new String[0])));

    PCollection<Row> frequency = trendItems.apply("Trending frequency", CountDistinctDays.create());
    PCollection<Row> top = frequency.apply("Trending top", TopByDays.create().withLimit(options.getTop()));

    PCollection<Row> trendsDead = PCollectionList.of(trends.deadLetters()).and(discounted.deadLetters())
        .apply("Trends dead letters", Flatten.pCollections());
    PCollection<Row> vodDead = PCollectionList.of(vod.deadLetters()).and(valued.deadLetters())
        .apply("Vod dead letters", Flatten.pCollections());
    // Warnings only: dirty answers are this job's normal case. Each ratio's table is what got through
    // the kind's steps (before de-duplication), so read = it + the dead letters, as in the summary.
    PCollectionTuple checked = PCollectionTuple.of(RetailTables.DISCOUNT, discount)
        .and(RetailTables.VALUATION, valuation)
        .and(TRENDS + "_read", discounted.output()).and(TRENDS + "_dead", trendsDead)
        .and(VOD + "_read", valued.output()).and(VOD + "_dead", vodDead)
        .and(RATES + "_read", rates.output()).and(RATES + "_dead", rates.deadLetters())
        .apply("Quality checks", QualityChecks.forPipeline(QUALITY_NAME)
            .on(RetailTables.DISCOUNT, Check.notNull("item_id", "date").warn(),
                Check.unique("item_id", "date").warn())
            .on(RetailTables.VALUATION, Check.notNull("item_id", "date").warn(),
                Check.unique("item_id", "date").warn())
            .on(TRENDS + "_read", Check.deadLetterRatio(TRENDS + "_dead").withTableAsOutput().warn())
            .on(VOD + "_read", Check.deadLetterRatio(VOD + "_dead").withTableAsOutput().warn())
            .on(RATES + "_read", Check.deadLetterRatio(RATES + "_dead").withTableAsOutput().warn())
            .withRowCounts());
    PCollection<Row> quality = checked.get(QualityChecks.RESULTS);
    // The checks count these tables anyway: counting them again would copy every row once more.
    PCollection<KV<String, Long>> rowCounts = checked.get(QualityChecks.ROW_COUNTS);
    summary.count(TRENDS, Summary.CLEANED, rowCounts, TRENDS + "_read");
    summary.count(TRENDS, Summary.CLEAN, rowCounts, RetailTables.DISCOUNT);
    summary.count(TRENDS, Summary.DEAD_LETTER, rowCounts, TRENDS + "_dead");
    summary.count(VOD, Summary.CLEANED, rowCounts, VOD + "_read");
    summary.count(VOD, Summary.CLEAN, rowCounts, RetailTables.VALUATION);
    summary.count(VOD, Summary.DEAD_LETTER, rowCounts, VOD + "_dead");
    summary.count(RATES, Summary.CLEAN, rowCounts, RATES + "_read");
    summary.count(RATES, Summary.DEAD_LETTER, rowCounts, RATES + "_dead");
    deadLetters.addAll(List.of(trends.deadLetters(), discounted.deadLetters(), vod.deadLetters(),
        valued.deadLetters(), rates.deadLetters()));

    write(valuation, RetailTables.VALUATION, out, format, folders);
    write(discount, RetailTables.DISCOUNT, out, format, folders);
    write(frequency, RetailTables.FREQUENCY, out, format, folders);
    write(top, RetailTables.TOP, out, format, folders);
    if (mongo != null) {
      // Rows MongoDB cannot take (none of ours so far) come back as dead letters: keep them with the others.
      deadLetters.add(valuation.apply("Mongo valuation", RetailTables.mongoUpsert(mongo, options, RetailTables.VALUATION)));
      deadLetters.add(discount.apply("Mongo discount", RetailTables.mongoUpsert(mongo, options, RetailTables.DISCOUNT)));
    }
    if (tables != null) {
      deadLetters.add(valuation.apply("Upsert valuation",
          tables.upsert(RetailTables.VALUATION, valuation.getSchema()).withDeadLetters()).deadLetters());
      deadLetters.add(discount.apply("Upsert discount",
          tables.upsert(RetailTables.DISCOUNT, discount.getSchema()).withDeadLetters()).deadLetters());
    }
    String deadLetterFolder = OutputDirs.join(out, "dead-letter");
    folders.add(deadLetterFolder);
    PCollectionList.of(deadLetters).apply("Write dead letters", DeadLetterSink.to(deadLetterFolder));

    if (tables != null) {
      frequency.apply("Replace trending frequency", tables.frequency(frequency.getSchema()));
      top.apply("Replace trending top", tables.top(top.getSchema()));
      WarehouseTables.withSourceKey(PCollectionList.of(deadLetters).apply("All dead letters", Flatten.pCollections()))
          .apply("Upsert dead letters", tables.deadLetters());
    }
    folders.add(Quality.write(quality, out, format, tables == null ? null : tables.quality()));
    summary.writeTo(OutputDirs.join(out, "summary.json"), KINDS);
    return folders;
  }

  private static CleanResult parse(Pipeline pipeline, RetailDailyOptions options, String kind, DateRange range,
      int lookBackDays) {
    DateRange wanted = range.extendedBack(lookBackDays);
    PCollection<Row> answers = pipeline.apply("Read " + kind,
        ReadJsonDocuments.from(OutputDirs.join(options.getInput(), kind, pattern(wanted))));
    if (!wanted.isAll() && wanted.singleDay() == null) {
      // A file without a readable dt= folder is kept: parsing turns it into a dead letter, not silence.
      answers = answers.apply("Days of " + kind, Filter.by((Row answer) -> {
        String day;
        try {
          day = RetailAnswers.dateOf(RawRecord.source(answer));
        } catch (BadValueException e) {
          return true;
        }
        return wanted.contains(day);
      }));
    }
    return answers.apply("Parse " + kind, ParseRetailAnswers.of(kind));
  }

  /**
   * One day's partition when that is all the run needs, else every answer of the kind: {@code .json}
   * files only, so that a {@code .tmp-} file left by a writer killed mid-write is never read.
   */
  static String pattern(DateRange range) {
    return range.singleDay() != null ? "dt=" + range.singleDay() + "/**.json" : "**.json";
  }

  private static void write(PCollection<Row> rows, String table, String out, Format format, List<String> folders) {
    String folder = OutputDirs.join(out, table);
    folders.add(folder);
    rows.apply("Write " + table, WriteRows.to(folder).withFormat(format));
  }

  static List<String> currencies(String option) {
    List<String> codes = new ArrayList<>();
    for (String code : option.split(",")) {
      String c = code.trim().toUpperCase(Locale.ROOT);
      if (!c.matches("[A-Z]{3}")) {
        throw new UsageException("--currencies must be three-letter codes separated by commas, got '" + option + "'");
      }
      if (!codes.contains(c)) {
        codes.add(c);
      }
    }
    return codes;
  }

  static void printFirstRows(String out, String table, Format format) throws IOException {
    List<String> rows = TablePreview.rows(OutputDirs.join(out, table), format);
    System.out.printf("%s (%d rows)%n", table, rows.size());
    rows.stream().sorted().limit(Analytics.PREVIEW_ROWS).forEach(r -> System.out.println("  " + r));
  }
}
