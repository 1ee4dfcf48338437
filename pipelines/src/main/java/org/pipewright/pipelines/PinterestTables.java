package org.pipewright.pipelines;

import java.sql.SQLException;
import java.util.List;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.jdbc.SqlIdentifiers;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.pinterest.CountPostsLive;
import org.pipewright.transforms.pinterest.PinterestQueries;

/**
 * The Pinterest warehouse tables and how each is written: clean tables upserted by {@code ind},
 * dead letters upserted by their source coordinates (so a replayed bad record is stored once), the
 * live per-minute counts merged so that a count never goes down, and the analytics replaced whole.
 */
final class PinterestTables {
  static final String DEAD_LETTER = "dead_letter";
  static final String LIVE = "posts_per_minute";

  private final String prefix;
  private final JdbcConnection connection;
  private final Dialect dialect;

  private PinterestTables(String prefix, JdbcConnection connection, Dialect dialect) {
    this.prefix = prefix;
    this.connection = connection;
    this.dialect = dialect;
  }

  /** Every table name after the prefix, the longest deciding how long the prefix may be. */
  static List<String> suffixes() {
    List<String> names = new java.util.ArrayList<>(PinterestBatch.KINDS);
    names.add(DEAD_LETTER);
    names.add(LIVE);
    names.addAll(PinterestQueries.OUTPUTS.keySet());
    return names;
  }

  /**
   * Refuses a table prefix that would not make every table name a plain SQL identifier of at most
   * {@value SqlIdentifiers#MAX_LENGTH} characters ({@link SqlIdentifiers}), and a JDBC URL with a
   * password in it (it would show in every option dump). Called right after parsing, before any
   * file, service or pipeline is touched.
   */
  static void validate(JdbcOptions options) {
    String prefix = options.getTablePrefix();
    for (String suffix : suffixes()) {
      if (prefix == null || !SqlIdentifiers.isValid(prefix + suffix)) {
        int room = SqlIdentifiers.MAX_LENGTH - suffixes().stream().mapToInt(String::length).max().getAsInt();
        throw new UsageException("--tablePrefix must be letters, digits and _, not starting with a digit, at most "
            + room + " characters (table names are SQL identifiers), got '" + prefix + "'");
      }
    }
    String url = options.getJdbcUrl();
    if (url != null && url.toLowerCase(java.util.Locale.ROOT).matches(".*[?&;]password=.*")) {
      throw new UsageException("--jdbcUrl must not contain the password: set " + JdbcConnection.PASSWORD_ENV
          + " or --jdbcPasswordFile");
    }
  }

  static PinterestTables of(JdbcOptions options) {
    validate(options);
    String prefix = options.getTablePrefix();
    Dialect dialect;
    try {
      dialect = Dialect.parse(options.getJdbcDialect());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--jdbcDialect: " + e.getMessage());
    }
    return new PinterestTables(prefix, JdbcOptions.connection(options), dialect);
  }

  JdbcConnection connection() {
    return connection;
  }

  String name(String table) {
    return prefix + table;
  }

  JdbcUpsert clean(String kind) {
    return JdbcUpsert.into(name(kind)).withKeys(CleanPinterest.ID_FIELD).withConnection(connection).withDialect(dialect);
  }

  JdbcUpsert deadLetters() {
    return JdbcUpsert.into(name(DEAD_LETTER)).withKeys("source").withConnection(connection).withDialect(dialect);
  }

  JdbcUpsert live() {
    return JdbcUpsert.into(name(LIVE)).withKeys("window_start", "country", "category")
        .withConnection(connection).withDialect(dialect)
        // Accumulating panes only grow; a replayed or reordered older pane must not shrink a count.
        .withMerge("posts", "GREATEST({old}, {new})")
        .withMerge("final", "({old} OR {new})")
        .withMerge("timing", "CASE WHEN {old} = 'LATE' OR ({old} = 'ON_TIME' AND {new} = 'EARLY') "
            + "THEN {old} ELSE {new} END");
  }

  JdbcReplace analytics(String name) {
    return JdbcReplace.table(name(name)).withConnection(connection).withDialect(dialect);
  }

  /** Dead letters whose source is unknown get one derived from their content, as the table key. */
  static PCollection<Row> withSourceKey(PCollection<Row> deadLetters) {
    return deadLetters.apply("Key dead letters", MapElements.into(TypeDescriptor.of(Row.class))
        .via((Row d) -> DeadLetter.source(d) != null ? d : DeadLetter.of(DeadLetter.kind(d), DeadLetter.step(d),
            DeadLetter.reason(d), "unknown:" + Integer.toHexString(String.valueOf(DeadLetter.payload(d)).hashCode()),
            DeadLetter.payload(d))))
        .setRowSchema(DeadLetter.SCHEMA);
  }

  void createStreamingTables(List<String> kinds) throws SQLException {
    for (String kind : kinds) {
      clean(kind).createTable(CleanPinterest.schema(kind));
    }
    deadLetters().createTable(DeadLetter.SCHEMA);
    live().createTable(CountPostsLive.SCHEMA);
  }

  void createBatchTables(List<String> kinds) throws SQLException {
    for (String kind : kinds) {
      clean(kind).createTable(CleanPinterest.schema(kind));
    }
    deadLetters().createTable(DeadLetter.SCHEMA);
    for (String name : PinterestQueries.OUTPUTS.keySet()) {
      analytics(name).createTable(PinterestQueries.OUTPUTS.get(name));
    }
  }
}
