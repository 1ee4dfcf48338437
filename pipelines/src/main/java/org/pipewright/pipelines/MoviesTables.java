package org.pipewright.pipelines;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.io.jdbc.JdbcPublish;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.io.jdbc.JdbcStaging;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.movies.MovieAnalytics;
import org.pipewright.transforms.movies.MovieSchemas;

/**
 * The movies warehouse tables (default prefix {@code movies_}) and their keys. The model and the
 * analytics are loaded write-audit-publish: staged ({@code <table>_stage}), audited by the quality
 * checks, then published together in one transaction ({@link JdbcStaging}, {@link JdbcPublish}):
 * the model tables merged by key (a loaded movie's genre links replaced by its loaded ones), the
 * analytics replaced whole.
 * Dead letters and the quality results are written whatever the audit says: they explain it.
 */
final class MoviesTables {
  static final String PREFIX = "movies_";
  static final String MOVIES = "movies";
  static final String RATINGS = "ratings";
  static final String GENRE = "genre";
  static final String MOVIE_GENRE = "movie_genre";
  static final String RELEASE_DATE = "release_date";
  static final String CPI = "cpi";
  static final List<String> ANALYTICS = List.of(MovieAnalytics.REAL_REVENUE, MovieAnalytics.GENRE_REVENUE,
      MovieAnalytics.REVENUE_BY_MONTH, MovieAnalytics.REVENUE_BY_QUARTER, MovieAnalytics.TOP_RATED);

  /** Every loaded table: its schema and key, in load order. */
  private static final Map<String, Table> TABLES = new LinkedHashMap<>();

  static {
    add(MOVIES, MovieSchemas.MOVIE, "movie_id");
    add(RATINGS, MovieSchemas.RATING, "user_id", "movie_id");
    add(GENRE, MovieSchemas.GENRE, "genre_id");
    add(MOVIE_GENRE, MovieSchemas.MOVIE_GENRE, "movie_id", "genre_id");
    add(RELEASE_DATE, MovieSchemas.RELEASE_DATE, "date");
    add(CPI, MovieSchemas.CPI, "month");
    add(MovieAnalytics.REAL_REVENUE, MovieAnalytics.REAL_REVENUE_SCHEMA, "movie_id");
    add(MovieAnalytics.GENRE_REVENUE, MovieAnalytics.GENRE_REVENUE_SCHEMA, "genre");
    add(MovieAnalytics.REVENUE_BY_MONTH, MovieAnalytics.REVENUE_BY_MONTH_SCHEMA, "month");
    add(MovieAnalytics.REVENUE_BY_QUARTER, MovieAnalytics.REVENUE_BY_QUARTER_SCHEMA, "year", "quarter");
    add(MovieAnalytics.TOP_RATED, MovieAnalytics.TOP_RATED_SCHEMA, "rank");
  }

  private static final class Table {
    final Schema schema;
    final String[] keys;

    Table(Schema schema, String[] keys) {
      this.schema = schema;
      this.keys = keys;
    }
  }

  private static void add(String name, Schema schema, String... keys) {
    TABLES.put(name, new Table(schema, keys));
  }

  private final WarehouseTables warehouse;
  private final JdbcStaging staging;

  private MoviesTables(WarehouseTables warehouse) {
    this.warehouse = warehouse;
    JdbcStaging staging = JdbcStaging.of(warehouse.connection(), warehouse.dialect());
    for (Map.Entry<String, Table> table : TABLES.entrySet()) {
      String name = warehouse.name(table.getKey());
      Table t = table.getValue();
      // The analytics are computed from this load's input: a row an earlier load left (a rank past
      // --topN, a genre gone from the data) must go, as in the other jobs' replaced analytics.
      if (ANALYTICS.contains(table.getKey())) {
        staging = staging.withReplacedTable(name, t.schema, t.keys);
      } else if (table.getKey().equals(MOVIE_GENRE)) {
        // A movie's genres are those of its latest load: a genre removed from its list goes.
        staging = staging.withChildTable(name, t.schema, warehouse.name(MOVIES), "movie_id", t.keys);
      } else {
        staging = staging.withTable(name, t.schema, t.keys);
      }
    }
    this.staging = staging;
  }

  /** Every name the prefix must make valid: the tables, their staging tables and the dead letters. */
  static List<String> suffixes() {
    List<String> names = new ArrayList<>();
    for (String table : TABLES.keySet()) {
      names.add(table);
      names.add(table + "_stage");
    }
    names.add(WarehouseTables.DEAD_LETTER);
    return names;
  }

  static void validate(JdbcOptions options) {
    WarehouseTables.validate(options, PREFIX, suffixes());
  }

  static MoviesTables of(JdbcOptions options) {
    return new MoviesTables(WarehouseTables.of(options, PREFIX, suffixes()));
  }

  /**
   * Before the run: checks the connection, claims the staging tables (another run of the same load
   * is refused until this one closes the claim, at its end), creates the final tables when asked (and
   * the dead-letter and quality tables), and (re)creates the staging tables empty.
   */
  JdbcStaging.Claim prepare(boolean createTables) {
    JdbcStaging.Claim claim = null;
    try {
      warehouse.connection().check();
      claim = staging.claim();
      staging.prepare(createTables);
      if (createTables) {
        deadLetters().createTable(DeadLetter.SCHEMA);
        quality().createTable(org.pipewright.transforms.quality.QualityResult.SCHEMA);
      }
      return claim;
    } catch (SQLException e) {
      if (claim != null) {
        claim.close();
      }
      throw new UsageException(e.getMessage());
    }
  }

  /** Stages every table of {@code loaded} and publishes them all once {@code quality} lets it. */
  PCollection<Row> load(Map<String, PCollection<Row>> loaded, PCollection<Row> quality) {
    List<PCollection<Row>> staged = new ArrayList<>();
    for (String table : TABLES.keySet()) {
      staged.add(loaded.get(table).apply("Stage " + table, staging.stage(warehouse.name(table))));
    }
    return quality.apply("Publish", JdbcPublish.to(staging).withStaged(staged));
  }

  WarehouseTables.DeadLetterUpsert deadLetters() {
    return warehouse.deadLetters();
  }

  JdbcReplace quality() {
    return warehouse.quality(MoviesWarehouse.PIPELINE);
  }

  WarehouseTables warehouse() {
    return warehouse;
  }
}
