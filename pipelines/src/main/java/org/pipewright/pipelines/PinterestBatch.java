package org.pipewright.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.pipewright.io.files.DeadLetterSink;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.ReadJsonLines;
import org.pipewright.io.files.WriteRows;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.transforms.pinterest.PinterestQueries;
import org.pipewright.transforms.quality.Check;
import org.pipewright.transforms.quality.QualityChecks;

/**
 * The daily Pinterest batch job: raw pin, geo and user JSON lines in; clean tables, the nine
 * analytics, dead letters, data-quality results and {@code summary.json} out.
 *
 * <pre>
 * OUT/clean/{pin,geo,user}/     clean tables (parquet or json)
 * OUT/analytics/&lt;name&gt;/        the nine analytics tables
 * OUT/dead-letter/              refused records, JSON lines, with step, reason and source
 * OUT/quality/                  data-quality results (warnings): one row per check and table
 * OUT/summary.json              per table: read, clean, duplicates, deadLetter
 * </pre>
 *
 * <p>Run with {@code --help} for the options. The runner is chosen by {@code --runner} and the
 * Maven profile; nothing here depends on one.
 */
public final class PinterestBatch {
  static final List<String> KINDS = CleanPinterest.KINDS;
  /** The {@code pipeline} of this job's quality results. */
  static final String QUALITY_NAME = "pinterest";

  private PinterestBatch() {}

  public static void main(String[] args) {
    Cli.main(args, PinterestBatch::run);
  }

  /** Runs the job; throws {@link UsageException} for bad options, inputs or outputs. */
  public static void run(String[] args) throws IOException {
    PinterestBatchOptions options = Cli.parse(args, PinterestBatchOptions.class);
    PinterestTables.validate(options);
    Format format = Cli.format("outputFormat", options.getOutputFormat());
    if (options.getMaxPayloadChars() <= 0) {
      throw new UsageException("--maxPayloadChars must be > 0");
    }
    Cli.requireInputs(options.getInput(), KINDS, inputPattern(options));
    Cli.requireWritable(options.getOutput());

    PinterestTables tables = null;
    if (options.getJdbcUrl() != null) {
      tables = PinterestTables.of(options);
      try {
        tables.connection().check();
        if (options.getCreateTables()) {
          tables.createBatchTables(KINDS);
        }
      } catch (java.sql.SQLException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Pipeline pipeline = Pipeline.create(options);
    List<String> replaced = build(pipeline, options, format, tables);
    Cli.replaceAll(replaced);
    RunLog log = RunLog.start(tables == null ? null : tables.warehouse(), options.getCreateTables(), QUALITY_NAME,
        PinterestBatch.class, options, false);
    Runs.run(pipeline, options.getProgressSeconds(), KINDS, log);
    Cli.tidy(replaced);
    String summary = Summary.print(options.getOutput());
    Analytics.printFirstRows(options.getOutput(), format);
    log.finish(RunLog.SUCCEEDED, Quality.verdict(Quality.print(options.getOutput())), summary);
  }

  /**
   * Adds the job to {@code pipeline}; returns the output folders it writes. With {@code tables},
   * the clean tables, dead letters and quality results are also upserted and the analytics replaced
   * in the warehouse.
   */
  static List<String> build(Pipeline pipeline, PinterestBatchOptions options, Format format,
      PinterestTables tables) {
    String out = options.getOutput();
    List<String> folders = new ArrayList<>();
    Summary summary = new Summary();
    PCollectionTuple raw = PCollectionTuple.empty(pipeline);
    for (String kind : KINDS) {
      PCollection<Row> records = pipeline.apply("Read " + kind,
          ReadJsonLines.from(OutputDirs.join(options.getInput(), kind, inputPattern(options)))
              .withMaxLineBytes(maxLineBytes(options.getMaxPayloadChars())));
      raw = raw.and(CleanPinterest.tag(kind), records);
    }
    CleanPinterest.Result cleaned = raw.apply("Clean", CleanPinterest.all()
        .withMaxPayloadChars(options.getMaxPayloadChars()).withDedupe(options.getDedupe()));

    PCollectionTuple checked = PCollectionTuple.empty(pipeline);
    List<PCollection<Row>> deadLetters = new ArrayList<>(List.of(cleaned.deadLetters()));
    QualityChecks checks = QualityChecks.forPipeline(QUALITY_NAME);
    for (String kind : KINDS) {
      PCollection<Row> clean = cleaned.clean(kind);
      // Warnings only: dirty input is this job's normal case. The ratio's table is what cleaning let
      // through (before de-duplication), so read = it + the dead letters without counting raw input.
      checked = checked.and(kind, clean)
          .and(kind + "_read", options.getDedupe() ? cleaned.beforeDedupe(kind) : clean)
          .and(kind + "_dead", cleaned.deadLetters(kind));
      checks = checks
          .on(kind, Check.rowCount().atLeast(1).warn(), Check.notNull(CleanPinterest.ID_FIELD).warn())
          .on(kind + "_read", Check.deadLetterRatio(kind + "_dead").withTableAsOutput().warn());
      if (!options.getDedupe()) {
        // De-duplication keeps one row per id, so the check could not fail after it; it would only
        // cost a shuffle of every id (10% of the job's CPU at 1M posts on Flink).
        checks = checks.on(kind, Check.unique(CleanPinterest.ID_FIELD).warn());
      }
      String folder = OutputDirs.join(out, "clean", kind);
      folders.add(folder);
      clean.apply("Write clean " + kind, WriteRows.to(folder).withFormat(format));
      if (tables != null) {
        // A row the warehouse refuses (a value too long for a column someone narrowed, say) is a
        // dead letter, in the files and the table, and counted apart: the clean files still hold it.
        PCollection<Row> refused = clean.apply("Upsert " + kind, tables.clean(kind).withDeadLetters()).deadLetters();
        deadLetters.add(refused);
        summary.count(kind, Summary.WAREHOUSE_REFUSED, refused);
      }
    }

    PCollectionTuple results = cleaned.tables().apply("Analytics", PinterestQueries.all());
    folders.addAll(Analytics.write(results, out, format));

    String deadLetterFolder = OutputDirs.join(out, "dead-letter");
    folders.add(deadLetterFolder);
    PCollectionList.of(deadLetters).apply("Write dead letters", DeadLetterSink.to(deadLetterFolder));
    if (tables != null) {
      for (String name : PinterestQueries.OUTPUTS.keySet()) {
        results.get(PinterestQueries.output(name)).apply("Replace " + name, tables.analytics(name));
      }
      PinterestTables.withSourceKey(PCollectionList.of(deadLetters).apply("All dead letters", Flatten.pCollections()))
          .apply("Upsert dead letters", tables.deadLetters());
    }
    PCollectionTuple quality = checked.apply("Quality checks", checks.withRowCounts());
    folders.add(Quality.write(quality.get(QualityChecks.RESULTS), out, format, tables == null ? null : tables.quality()));
    // The checks count these tables anyway: counting them again would copy every row once more.
    PCollection<KV<String, Long>> rowCounts = quality.get(QualityChecks.ROW_COUNTS);
    for (String kind : KINDS) {
      if (options.getDedupe()) {
        summary.count(kind, Summary.CLEANED, rowCounts, kind + "_read");
      }
      summary.count(kind, Summary.CLEAN, rowCounts, kind);
      summary.count(kind, Summary.DEAD_LETTER, rowCounts, kind + "_dead");
    }
    summary.writeTo(OutputDirs.join(out, "summary.json"), KINDS);
    return folders;
  }

  /**
   * The reader's line limit for a payload limit: a line the cleaner could accept must get through
   * (UTF-8 takes up to 4 bytes a character), yet the reader's buffer stays bounded.
   */
  static int maxLineBytes(int maxPayloadChars) {
    return (int) Math.min(4L * maxPayloadChars, Integer.MAX_VALUE - 16);
  }

  /** Every file below {@code <kind>/}, or one day's partition of a landed archive. */
  static String inputPattern(PinterestBatchOptions options) {
    String date = options.getDate();
    if (date == null) {
      return "**";
    }
    try {
      java.time.LocalDate.parse(date);
    } catch (java.time.format.DateTimeParseException e) {
      throw new UsageException("--date must be YYYY-MM-DD, got '" + date + "'");
    }
    return "dt=" + date + "/*";
  }
}
