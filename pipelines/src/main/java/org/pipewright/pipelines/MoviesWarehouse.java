package org.pipewright.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.pipewright.io.files.DeadLetterSink;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.ReadCsv;
import org.pipewright.io.files.WriteRows;
import org.pipewright.io.jdbc.JdbcStaging;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.movies.LatestRatings;
import org.pipewright.transforms.movies.MapRatings;
import org.pipewright.transforms.movies.MovieAnalytics;
import org.pipewright.transforms.movies.MovieModel;
import org.pipewright.transforms.movies.MovieSchemas;
import org.pipewright.transforms.movies.ParseCpi;
import org.pipewright.transforms.movies.ParseLinks;
import org.pipewright.transforms.movies.ParseMovies;
import org.pipewright.transforms.movies.ParseRatings;
import org.pipewright.transforms.quality.Check;
import org.pipewright.transforms.quality.QualityChecks;
import org.pipewright.transforms.quality.QualityReport;

/**
 * The movies warehouse load: TMDB's movie metadata, MovieLens ratings and links, and a monthly CPI
 * series in; the normalised model, the inflation-adjusted analytics, a data-quality report and dead
 * letters out, and with {@code --jdbcUrl} a write-audit-publish load into the warehouse.
 *
 * <pre>
 * OUT/clean/&lt;table&gt;/        movies, ratings, genre, movie_genre, release_date, cpi
 * OUT/analytics/&lt;name&gt;/     real_revenue, genre_revenue, revenue_by_month, revenue_by_quarter, top_rated
 * OUT/dead-letter/           refused records with step, reason, file:line and the original text
 * OUT/quality/               one row per data-quality check
 * OUT/publish/               with --jdbcUrl: per table, what the publish did (or why it did not)
 * OUT/summary.json           per input (movies, ratings, links, cpi): read, clean, duplicates, deadLetter
 * </pre>
 *
 * <p>Ratings are mapped from MovieLens to TMDB ids through the links; a rating whose movie has no
 * TMDB id ({@code unmapped_movie}) or is not in the movies file ({@code unknown_movie}) is a dead
 * letter that the quality report counts as a warning, since a partial metadata file is a normal
 * case. Every other dead letter counts towards the gate's dead-letter ratio. The job exits with
 * {@value #QUALITY_FAILED} when an error-level check fails, after writing every output; with
 * {@code --jdbcUrl} the final tables are then left exactly as they were.
 */
public final class MoviesWarehouse {
  static final String PIPELINE = "movies";
  /** The distinct (genre id, name) pairs the gate checks: an id with two names is an error. */
  static final String GENRE_NAMES = "genre_names";
  static final String MOVIES = ParseMovies.KIND;
  static final String RATINGS = ParseRatings.KIND;
  static final String LINKS = ParseLinks.KIND;
  static final String CPI = ParseCpi.KIND;
  static final List<String> KINDS = List.of(MOVIES, RATINGS, LINKS, CPI);
  /** The exit code of a run whose quality gate failed. */
  static final int QUALITY_FAILED = 3;

  private MoviesWarehouse() {}

  public static void main(String[] args) {
    Cli.main(args, a -> {
      if (!run(a)) {
        System.exit(QUALITY_FAILED);
      }
    });
  }

  /** Runs the load; returns whether the quality gate passed. */
  static boolean run(String[] args) throws IOException {
    MoviesWarehouseOptions options = Cli.parse(args, MoviesWarehouseOptions.class);
    MoviesTables.validate(options);
    Format format = Cli.format("outputFormat", options.getOutputFormat());
    validate(options);
    Map<String, String> files = MoviesFiles.resolve(options);
    Cli.requireWritable(options.getOutput());
    MoviesTables tables = options.getJdbcUrl() == null ? null : MoviesTables.of(options);
    // Held until the run has ended: a second load of the same tables would empty the staging tables.
    try (JdbcStaging.Claim claim = tables == null ? null : tables.prepare(options.getCreateTables())) {
      return load(options, format, files, tables);
    }
  }

  private static boolean load(MoviesWarehouseOptions options, Format format, Map<String, String> files,
      MoviesTables tables) throws IOException {
    Pipeline pipeline = Pipeline.create(options);
    List<String> replaced = build(pipeline, options, format, files, tables);
    Cli.replaceAll(replaced);
    RunLog log = RunLog.start(tables == null ? null : tables.warehouse(), options.getCreateTables(), PIPELINE,
        MoviesWarehouse.class, options, false);
    Runs.run(pipeline, options.getProgressSeconds(), KINDS, log);
    Cli.tidy(replaced);
    String summary = Summary.print(options.getOutput());
    List<Row> quality = Quality.print(options.getOutput());
    if (tables != null) {
      RetailDaily.printFirstRows(options.getOutput(), "publish", format);
    }
    boolean passed = !QualityReport.failed(quality);
    log.finish(passed ? RunLog.SUCCEEDED : RunLog.QUALITY_FAILED, Quality.verdict(quality), summary);
    if (!passed) {
      System.err.println("error: the quality gate failed" + (tables == null ? "" : "; nothing was published")
          + ": " + QualityReport.failedErrors(quality).size() + " error-level check(s) failed (listed above)");
    }
    return passed;
  }

  static void validate(MoviesWarehouseOptions options) {
    if (options.getMinVotes() < 1) {
      throw new UsageException("--minVotes must be >= 1, got " + options.getMinVotes());
    }
    if (options.getTopN() < 1) {
      throw new UsageException("--topN must be >= 1, got " + options.getTopN());
    }
    double warn = options.getDeadLetterWarn();
    double error = options.getDeadLetterError();
    if (warn < 0 || warn > 1 || error < 0 || error > 1 || warn > error) {
      throw new UsageException("--deadLetterWarn and --deadLetterError must be within [0, 1] with warn <= error, got "
          + warn + " and " + error);
    }
    // The column as the reader and the parser take it, checked before anything starts.
    try {
      ReadCsv.from(CPI).withColumns(List.of(ParseCpi.DATE_COLUMN, options.getCpiColumn()));
      ParseCpi.create().withValueColumn(options.getCpiColumn());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--cpiColumn: " + e.getMessage());
    }
  }

  /** Adds the job to {@code pipeline}; returns the output folders it writes. */
  static List<String> build(Pipeline pipeline, MoviesWarehouseOptions options, Format format,
      Map<String, String> files, MoviesTables tables) {
    String out = options.getOutput();
    Summary summary = new Summary();
    List<String> folders = new ArrayList<>();
    List<PCollection<Row>> deadLetters = new ArrayList<>();

    CleanResult moviesCsv = read(pipeline, files, MOVIES, MovieSchemas.MOVIES_CSV);
    CleanResult movies = moviesCsv.output().apply("Parse movies", ParseMovies.create());
    PCollectionTuple model = movies.output().apply("Movie model", MovieModel.create());

    CleanResult linksCsv = read(pipeline, files, LINKS, MovieSchemas.LINKS_CSV);
    CleanResult links = linksCsv.output().apply("Parse links", ParseLinks.create());

    CleanResult cpiCsv = read(pipeline, files, CPI, List.of(ParseCpi.DATE_COLUMN, options.getCpiColumn()));
    CleanResult cpiParsed = cpiCsv.output().apply("Parse CPI", ParseCpi.create().withValueColumn(options.getCpiColumn()));
    // Not de-duplicated: a month listed twice is a broken series, which the unique(month) check fails.
    PCollection<Row> cpi = cpiParsed.output();

    CleanResult ratingsCsv = read(pipeline, files, RATINGS, MovieSchemas.RATINGS_CSV);
    CleanResult ratingsParsed = ratingsCsv.output().apply("Parse ratings", ParseRatings.create());
    CleanResult mapped = ratingsParsed.output().apply("Map ratings",
        MapRatings.create().withLinks(links.output()).withMovies(model.get(MovieModel.MOVIES)));
    PCollection<Row> ratings = mapped.output().apply("Latest ratings", LatestRatings.create());

    Map<String, PCollection<Row>> clean = new LinkedHashMap<>();
    clean.put(MoviesTables.MOVIES, model.get(MovieModel.MOVIES));
    clean.put(MoviesTables.RATINGS, ratings);
    clean.put(MoviesTables.GENRE, model.get(MovieModel.GENRES));
    clean.put(MoviesTables.MOVIE_GENRE, model.get(MovieModel.MOVIE_GENRES));
    clean.put(MoviesTables.RELEASE_DATE, model.get(MovieModel.RELEASE_DATES));
    clean.put(MoviesTables.CPI, cpi);

    PCollectionTuple analytics = PCollectionTuple.of(MovieAnalytics.MOVIES, clean.get(MoviesTables.MOVIES))
        .and(MovieAnalytics.GENRES, clean.get(MoviesTables.GENRE))
        .and(MovieAnalytics.MOVIE_GENRES, clean.get(MoviesTables.MOVIE_GENRE))
        .and(MovieAnalytics.RATINGS, clean.get(MoviesTables.RATINGS))
        .and(MovieAnalytics.CPI, cpi)
        .apply("Analytics", MovieAnalytics.create().withMinVotes(options.getMinVotes()).withTopN(options.getTopN()));

    // Counts: read = what parsing took (cleaned) + what reading and parsing refused; ratings that
    // parsed but could not be mapped are refused later, after "cleaned" was counted.
    PCollection<Row> moviesRefused = both(moviesCsv.deadLetters(), movies.deadLetters(), "Movies dead letters");
    PCollection<Row> linksRefused = both(linksCsv.deadLetters(), links.deadLetters(), "Links dead letters");
    PCollection<Row> cpiRefused = both(cpiCsv.deadLetters(), cpiParsed.deadLetters(), "CPI dead letters");
    PCollection<Row> ratingsRefused = both(ratingsCsv.deadLetters(), ratingsParsed.deadLetters(),
        "Ratings dead letters");
    summary.count(MOVIES, Summary.CLEANED, movies.output());
    summary.count(MOVIES, Summary.CLEAN, clean.get(MoviesTables.MOVIES));
    summary.count(MOVIES, Summary.DEAD_LETTER, moviesRefused);
    summary.count(LINKS, Summary.CLEAN, links.output());
    summary.count(LINKS, Summary.DEAD_LETTER, linksRefused);
    summary.count(CPI, Summary.CLEAN, cpi);
    summary.count(CPI, Summary.DEAD_LETTER, cpiRefused);
    summary.count(RATINGS, Summary.CLEANED, ratingsParsed.output());
    summary.count(RATINGS, Summary.CLEAN, ratings);
    summary.count(RATINGS, Summary.DEAD_LETTER, ratingsRefused);
    summary.count(RATINGS, Summary.REFUSED_LATER, mapped.deadLetters());
    deadLetters.addAll(List.of(moviesRefused, linksRefused, cpiRefused, ratingsRefused, mapped.deadLetters()));

    PCollectionTuple checked = PCollectionTuple.of(MoviesTables.MOVIES, clean.get(MoviesTables.MOVIES));
    for (Map.Entry<String, PCollection<Row>> table : clean.entrySet()) {
      if (!table.getKey().equals(MoviesTables.MOVIES)) {
        checked = checked.and(table.getKey(), table.getValue());
      }
    }
    checked = checked
        .and(GENRE_NAMES, model.get(MovieModel.GENRE_NAMES))
        .and("movies_input", movies.output()).and("movies_refused", moviesRefused)
        .and("links_input", links.output()).and("links_refused", linksRefused)
        .and("cpi_input", cpiParsed.output()).and("cpi_refused", cpiRefused)
        .and("ratings_input", ratingsParsed.output()).and("ratings_refused", ratingsRefused)
        .and("ratings_movie_match", mapped.output()).and("ratings_unmatched", mapped.deadLetters());
    PCollection<Row> quality = checked.apply("Quality checks", checks(options));

    for (Map.Entry<String, PCollection<Row>> table : clean.entrySet()) {
      write(table.getValue(), OutputDirs.join(out, "clean", table.getKey()), table.getKey(), format, folders);
    }
    for (String name : MoviesTables.ANALYTICS) {
      write(analytics.get(MovieAnalytics.output(name)), OutputDirs.join(out, "analytics", name), name, format, folders);
    }
    folders.add(Quality.write(quality, out, format, tables == null ? null : tables.quality()));
    String deadLetterFolder = OutputDirs.join(out, "dead-letter");
    folders.add(deadLetterFolder);
    PCollectionList.of(deadLetters).apply("Write dead letters", DeadLetterSink.to(deadLetterFolder));
    summary.writeTo(OutputDirs.join(out, "summary.json"), KINDS);

    if (tables != null) {
      Map<String, PCollection<Row>> loaded = new LinkedHashMap<>(clean);
      for (String name : MoviesTables.ANALYTICS) {
        loaded.put(name, analytics.get(MovieAnalytics.output(name)));
      }
      PCollection<Row> published = tables.load(loaded, quality);
      write(published, OutputDirs.join(out, "publish"), "publish", format, folders);
      WarehouseTables.withSourceKey(PCollectionList.of(deadLetters).apply("All dead letters", Flatten.pCollections()))
          .apply("Upsert dead letters", tables.deadLetters());
    }
    return folders;
  }

  /**
   * The gate: keys, references and ranges of the model are errors; the share of refused records per
   * input is a warning above {@code --deadLetterWarn} and an error above {@code --deadLetterError};
   * ratings of movies the links or the movies file do not know are a warning only.
   */
  static QualityChecks checks(MoviesWarehouseOptions options) {
    double warn = options.getDeadLetterWarn();
    double error = options.getDeadLetterError();
    return QualityChecks.forPipeline(PIPELINE)
        .on(MoviesTables.MOVIES, Check.rowCount().atLeast(1), Check.unique("movie_id"),
            Check.inRange("vote_average", 0, 10).warn())
        .on(MoviesTables.RATINGS, Check.rowCount().atLeast(1), Check.unique("user_id", "movie_id"),
            Check.inRange("rating", 0.5, 5.0), Check.references("movie_id", MoviesTables.MOVIES, "movie_id"))
        .on(MoviesTables.GENRE, Check.unique("genre_id"), Check.notNull("name"))
        // A genre id with two names: the genre table keeps one, relabelling the other's movies.
        .on(GENRE_NAMES, Check.unique("genre_id"))
        .on(MoviesTables.MOVIE_GENRE, Check.unique("movie_id", "genre_id"),
            Check.references("movie_id", MoviesTables.MOVIES, "movie_id"),
            Check.references("genre_id", MoviesTables.GENRE, "genre_id"))
        .on(MoviesTables.RELEASE_DATE, Check.unique("date"))
        .on(MoviesTables.CPI, Check.rowCount().atLeast(1), Check.unique("month"), Check.inRange("value", 0, null))
        .on("movies_input", Check.deadLetterRatio("movies_refused").withTableAsOutput().withThresholds(warn, error))
        .on("links_input", Check.deadLetterRatio("links_refused").withTableAsOutput().withThresholds(warn, error))
        .on("cpi_input", Check.deadLetterRatio("cpi_refused").withTableAsOutput().withThresholds(warn, error))
        .on("ratings_input", Check.deadLetterRatio("ratings_refused").withTableAsOutput().withThresholds(warn, error))
        .on("ratings_movie_match", Check.deadLetterRatio("ratings_unmatched").withTableAsOutput()
            .withThresholds(warn, error).warn());
  }

  private static CleanResult read(Pipeline pipeline, Map<String, String> files, String kind, List<String> columns) {
    return pipeline.apply("Read " + kind, ReadCsv.from(files.get(kind)).withColumns(columns).withKind(kind));
  }

  private static PCollection<Row> both(PCollection<Row> a, PCollection<Row> b, String name) {
    return PCollectionList.of(a).and(b).apply(name, Flatten.pCollections());
  }

  private static void write(PCollection<Row> rows, String folder, String name, Format format, List<String> folders) {
    folders.add(folder);
    rows.apply("Write " + name, WriteRows.to(folder).withFormat(format));
  }
}
