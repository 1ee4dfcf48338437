package org.pipewright.pipelines;

import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.jdbc.SqlIdentifiers;
import org.pipewright.transforms.core.DeadLetter;

/**
 * One pipeline's tables in a SQL warehouse: their names (the pipeline's prefix, {@code --tablePrefix}
 * when given, plus a fixed suffix), the connection and the dialect, and the writers every pipeline
 * shares: upserts by key, whole-table replacement, and the dead-letter table keyed by source.
 */
final class WarehouseTables {
  static final String DEAD_LETTER = "dead_letter";
  /** Data-quality results of every pipeline, one table without prefix, keyed by (pipeline, table_name, check_name). */
  static final String QUALITY = "pipewright_quality";

  private final String prefix;
  private final JdbcConnection connection;
  private final Dialect dialect;

  private WarehouseTables(String prefix, JdbcConnection connection, Dialect dialect) {
    this.prefix = prefix;
    this.connection = connection;
    this.dialect = dialect;
  }

  /** The prefix these options ask for: {@code --tablePrefix}, else the pipeline's own. */
  static String prefix(JdbcOptions options, String defaultPrefix) {
    return options.getTablePrefix() == null ? defaultPrefix : options.getTablePrefix();
  }

  /**
   * Refuses a table prefix that would not make every {@code suffixes} name a plain SQL identifier of
   * at most {@value SqlIdentifiers#MAX_LENGTH} characters ({@link SqlIdentifiers}), and a JDBC URL
   * with a password in it (it would show in every option dump). Called right after parsing, before
   * any file, service or pipeline is touched.
   */
  static void validate(JdbcOptions options, String defaultPrefix, List<String> suffixes) {
    String prefix = prefix(options, defaultPrefix);
    for (String suffix : suffixes) {
      if (!SqlIdentifiers.isValid(prefix + suffix)) {
        int room = SqlIdentifiers.MAX_LENGTH - suffixes.stream().mapToInt(String::length).max().getAsInt();
        throw new UsageException("--tablePrefix must be letters, digits and _, not starting with a digit, at most "
            + room + " characters (table names are SQL identifiers), got '" + prefix + "'");
      }
    }
    String url = options.getJdbcUrl();
    if (url != null && url.toLowerCase(Locale.ROOT).matches(".*[?&;]password=.*")) {
      throw new UsageException("--jdbcUrl must not contain the password: set " + JdbcConnection.PASSWORD_ENV
          + " or --jdbcPasswordFile");
    }
    if (url != null) {
      try {
        JdbcOptions.connection(options);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--jdbcUrl: " + e.getMessage());
      }
    }
    dialect(options);
  }

  private static Dialect dialect(JdbcOptions options) {
    try {
      return Dialect.parse(options.getJdbcDialect());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--jdbcDialect: " + e.getMessage());
    }
  }

  static WarehouseTables of(JdbcOptions options, String defaultPrefix, List<String> suffixes) {
    validate(options, defaultPrefix, suffixes);
    return new WarehouseTables(prefix(options, defaultPrefix), JdbcOptions.connection(options), dialect(options));
  }

  String prefix() {
    return prefix;
  }

  JdbcConnection connection() {
    return connection;
  }

  Dialect dialect() {
    return dialect;
  }

  String name(String table) {
    return prefix + table;
  }

  /** Upserts into {@code table} by {@code keys}. */
  JdbcUpsert upsert(String table, String... keys) {
    return JdbcUpsert.into(name(table)).withKeys(keys).withConnection(connection).withDialect(dialect);
  }

  /** Replaces the whole of {@code table} with what the pipeline computed. */
  JdbcReplace replace(String table) {
    return JdbcReplace.table(name(table)).withConnection(connection).withDialect(dialect);
  }

  /** Dead letters upserted by their source coordinates, so a replayed bad record is stored once. */
  DeadLetterUpsert deadLetters() {
    return new DeadLetterUpsert(upsert(DEAD_LETTER, "source"), dialect == Dialect.REDSHIFT ? REDSHIFT_VARCHAR_BYTES : 0);
  }

  /** What Redshift's widest {@code VARCHAR} holds, in UTF-8 bytes: every text column of its layout. */
  static final int REDSHIFT_VARCHAR_BYTES = 65535;

  /**
   * The dead-letter table's upsert. On Redshift a payload or reason longer than its columns hold is
   * cut to fit, marked with its full length, rather than refused: a dead letter has no further place
   * to go, and the job's dead-letter files and topic keep it whole.
   */
  static final class DeadLetterUpsert extends PTransform<PCollection<Row>, PCollection<Void>> {
    private final JdbcUpsert upsert;
    private final int maxBytes;

    DeadLetterUpsert(JdbcUpsert upsert, int maxBytes) {
      this.upsert = upsert;
      this.maxBytes = maxBytes;
    }

    void createTable(org.apache.beam.sdk.schemas.Schema schema) throws java.sql.SQLException {
      upsert.createTable(schema);
    }

    @Override
    public PCollection<Void> expand(PCollection<Row> deadLetters) {
      if (maxBytes <= 0) {
        return deadLetters.apply(upsert);
      }
      int max = maxBytes;
      return deadLetters
          .apply("Fit the columns", MapElements.into(TypeDescriptor.of(Row.class))
              .via((Row d) -> DeadLetter.of(DeadLetter.kind(d), DeadLetter.step(d), fit(DeadLetter.reason(d), max),
                  DeadLetter.source(d), fit(DeadLetter.payload(d), max))))
          .setRowSchema(DeadLetter.SCHEMA)
          .apply(upsert);
    }
  }

  /**
   * {@code text} if its UTF-8 form as the sink stores it has at most {@code maxBytes} bytes, else its
   * longest prefix (whole characters) that fits with a {@code " [cut from N bytes]"} mark after it.
   */
  static String fit(String text, int maxBytes) {
    if (text == null || (long) text.length() * 3 <= maxBytes) {
      return text; // a char is at most 3 UTF-8 bytes (a surrogate pair, two chars, is 4)
    }
    // Measured as stored: the sink writes a NUL (1 byte) as U+FFFD (3 bytes).
    text = text.replace('\u0000', '\uFFFD');
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (utf8.length <= maxBytes) {
      return text;
    }
    String mark = " [cut from " + utf8.length + " bytes]";
    int end = Math.max(0, maxBytes - mark.length());
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
      end--; // not inside a character's bytes
    }
    return new String(utf8, 0, end, java.nio.charset.StandardCharsets.UTF_8) + mark;
  }

  /**
   * Replaces {@code pipeline}'s rows of the shared {@value #QUALITY} table (no pipeline prefix) with a
   * run's results: a check renamed by new thresholds ({@code dead_letter_ratio <= 5%}) leaves no
   * stale result behind, and the other pipelines' rows stay.
   */
  JdbcReplace quality(String pipeline) {
    return JdbcReplace.table(QUALITY).withKeys("pipeline", "table_name", "check_name")
        .withConnection(connection).withDialect(dialect).withScope("pipeline", pipeline);
  }

  /** Dead letters whose source is unknown get one derived from their content, as the table key. */
  static PCollection<Row> withSourceKey(PCollection<Row> deadLetters) {
    return deadLetters.apply("Key dead letters", MapElements.into(TypeDescriptor.of(Row.class))
        .via((Row d) -> DeadLetter.source(d) != null ? d : DeadLetter.of(DeadLetter.kind(d), DeadLetter.step(d),
            DeadLetter.reason(d), "unknown:" + Integer.toHexString(String.valueOf(DeadLetter.payload(d)).hashCode()),
            DeadLetter.payload(d))))
        .setRowSchema(DeadLetter.SCHEMA);
  }
}
