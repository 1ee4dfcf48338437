package org.pipewright.io.jdbc;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.RowJson;

/**
 * Writes batches of rows to one table in one transaction each, reconnecting and retrying when the
 * failure is transient (lost connection, server shutting down, serialization failure, deadlock).
 * Shared by {@link JdbcUpsert} and {@link JdbcReplace}; one instance per DoFn instance.
 */
final class JdbcWriter implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int MAX_ATTEMPTS = 8;
  static final int MAX_ROWS_PER_STATEMENT = 1000;
  private static final int MAX_PARAMETERS = 32767;
  /** SQL state classes worth retrying: connection, transaction rollback, resources, operator intervention. */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");
  /**
   * Connection-class states that no retry fixes: the driver refused the connection as configured
   * (PostgreSQL's driver says 08004 when no password was provided or the server lacks SSL).
   */
  private static final Set<String> PERMANENT_STATES = Set.of("08004");

  enum Mode { UPSERT, REPLACE }

  private final String table;
  private final Schema schema;
  private final List<String> keys;
  private final Map<String, String> merges;
  private final JdbcConnection connection;
  private final Dialect dialect;
  private final Mode mode;
  /** For {@link Mode#REPLACE}: only the rows whose {@code scopeColumn} holds {@code scopeValue} are replaced. */
  private final String scopeColumn;
  private final String scopeValue;
  private transient Connection open;
  /** Failed attempts that were retried (transient failures), over this writer's life. */
  private transient int retries;

  JdbcWriter(String table, Schema schema, List<String> keys, Map<String, String> merges,
      JdbcConnection connection, Dialect dialect, Mode mode) {
    this(table, schema, keys, merges, connection, dialect, mode, null, null);
  }

  JdbcWriter(String table, Schema schema, List<String> keys, Map<String, String> merges,
      JdbcConnection connection, Dialect dialect, Mode mode, String scopeColumn, String scopeValue) {
    this.scopeColumn = scopeColumn;
    this.scopeValue = scopeValue;
    this.table = table;
    this.schema = schema;
    this.keys = keys;
    this.merges = merges;
    this.connection = connection;
    this.dialect = dialect;
    this.mode = mode;
  }

  String table() {
    return table;
  }

  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2))
            && !PERMANENT_STATES.contains(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * SQL state classes of a failure caused by the rows' values rather than the database: data
   * exceptions (a value too long, out of range, an invalid date) and integrity constraint
   * violations (a NOT NULL, CHECK, foreign or other unique key the table has beyond the sink's key).
   */
  private static final Set<String> ROW_CLASSES = Set.of("22", "23");

  static boolean isRowRefusal(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if (state != null && state.length() >= 2 && ROW_CLASSES.contains(state.substring(0, 2))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Where {@link #write(List, Refusals)} hands the rows the database refuses. */
  @FunctionalInterface
  interface Refusals {
    void refused(int index, SQLException reason) throws SQLException;
  }

  /**
   * Writes {@code rows} like {@link #write(Collection)}, except that a batch the database refuses for
   * its values ({@link #isRowRefusal}) is halved and each half written on its own, down to the
   * single rows at fault, which go to {@code refusals} (with their index in {@code rows}). Every
   * other row is written; k bad rows in a batch of n cost about k log2 n extra transactions. Returns
   * how many attempts were retried.
   */
  int write(List<Row> rows, Refusals refusals) throws SQLException, InterruptedException {
    if (mode != Mode.UPSERT) {
      throw new IllegalStateException("only an upsert can write part of a batch; " + mode + " writes it whole");
    }
    int before = retries;
    isolate(rows, 0, rows.size(), refusals);
    // Also the retries of a half that was refused in the end.
    return retries - before;
  }

  private void isolate(List<Row> rows, int from, int to, Refusals refusals) throws SQLException, InterruptedException {
    try {
      write(rows.subList(from, to));
    } catch (SQLException e) {
      if (!isRowRefusal(e)) {
        throw e;
      }
      if (to - from == 1) {
        refusals.refused(from, e);
        return;
      }
      int middle = (from + to) >>> 1;
      isolate(rows, from, middle, refusals);
      isolate(rows, middle, to, refusals);
    }
  }

  /** Writes {@code rows}; returns how many attempts were retried. */
  int write(Collection<Row> rows) throws SQLException, InterruptedException {
    int before = retries;
    retrying(() -> "writing " + rows.size() + " rows to " + table, connection, () -> {
      writeOnce(rows);
      return null;
    }, e -> {
      if (!isRowRefusal(e)) {
        close(); // a refused batch was rolled back on a sound connection: keep it for the halves
      }
      if (isTransient(e)) {
        retries++;
      }
    });
    return retries - before;
  }

  /** One attempt at some work on the database. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code attempt} until it succeeds, retrying transient failures with back-off; {@code
   * afterFailure} runs after every failed attempt (to drop a broken connection). A permanent failure,
   * or the last transient one, is rethrown saying {@code what} failed where, never the password.
   */
  static <T> T retrying(Supplier<String> what, JdbcConnection connection, Attempt<T> attempt,
      java.util.function.Consumer<SQLException> afterFailure) throws SQLException, InterruptedException {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (SQLException e) {
        afterFailure.accept(e);
        if (!isTransient(e) || n >= MAX_ATTEMPTS) {
          throw new SQLException(what.get() + " on " + connection.describe() + " failed after " + n
              + " attempt(s) (SQL state " + e.getSQLState() + "): " + e.getMessage(), e.getSQLState(), e);
        }
        // The server is restarting or the network is down: back off (0.2 s doubling, ~25 s in
        // all) before reconnecting, so a short outage costs a delay and not the pipeline.
        Thread.sleep(Math.min(200L << (n - 1), 8_000L));
      }
    }
  }

  private void writeOnce(Collection<Row> rows) throws SQLException {
    if (open == null || open.isClosed()) {
      open = connection.open();
      open.setAutoCommit(false);
    }
    try {
      if (mode == Mode.REPLACE && scopeColumn != null) {
        try (PreparedStatement s = open.prepareStatement(
            "DELETE FROM " + dialect.quoteTable(table) + " WHERE " + Dialect.quote(scopeColumn) + " = ?")) {
          s.setString(1, scopeValue);
          s.executeUpdate();
        }
        insert(n -> dialect.insert(table, schema, n), rows);
      } else if (mode == Mode.REPLACE) {
        try (Statement s = open.createStatement()) {
          s.executeUpdate("DELETE FROM " + dialect.quoteTable(table));
        }
        insert(n -> dialect.insert(table, schema, n), rows);
      } else if (dialect == Dialect.POSTGRES) {
        insert(n -> dialect.upsert(table, schema, keys, merges, n), rows);
      } else {
        String stage = stageName(table);
        try (Statement s = open.createStatement()) {
          s.execute("CREATE TEMP TABLE " + dialect.quoteTable(stage) + " (LIKE " + dialect.quoteTable(table) + ")");
        }
        insert(n -> dialect.insert(stage, schema, n), rows);
        try (Statement s = open.createStatement()) {
          // Two writers merging the same new key at once would both find it absent and both insert
          // it: Redshift keeps both rows (it does not enforce keys), PostgreSQL refuses the second.
          // Redshift's own answer is to serialise writers with LOCK, held to the commit; the load
          // into the temporary table above stays parallel.
          s.execute(dialect.lock(table));
          for (String sql : dialect.mergeStaged(table, stage, schema, keys, merges)) {
            s.executeUpdate(sql);
          }
          s.execute("DROP TABLE " + dialect.quoteTable(stage));
        }
      }
      open.commit();
    } catch (SQLException e) {
      try {
        open.rollback();
      } catch (SQLException ignored) {
        // the connection is gone; the retry reconnects
      }
      throw e;
    }
  }

  /** The session's staging table for {@code table}, cut to the identifier length limit. */
  static String stageName(String table) {
    String stage = "pw_stage_" + table.replace('.', '_');
    return stage.length() <= SqlIdentifiers.MAX_LENGTH ? stage : stage.substring(0, SqlIdentifiers.MAX_LENGTH);
  }

  /**
   * Writes {@code rows} with multi-row statements ({@code sql} gives the statement for n rows): a
   * statement per row, even batched, costs the server a parse, plan and index probe per row and
   * made the sink the streaming job's bottleneck; one statement per chunk of rows does not. A chunk
   * stays below PostgreSQL's limit of 32767 parameters.
   */
  private void insert(IntFunction<String> sql, Collection<Row> rows) throws SQLException {
    int fields = schema.getFieldCount();
    int chunk = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS / fields));
    Iterator<Row> next = rows.iterator();
    for (int left = rows.size(); left > 0; left -= chunk) {
      int n = Math.min(chunk, left);
      try (PreparedStatement statement = open.prepareStatement(sql.apply(n))) {
        int parameter = 1;
        for (int r = 0; r < n; r++) {
          Row row = next.next();
          for (int i = 0; i < fields; i++) {
            set(statement, parameter++, schema.getField(i).getType(), row.getValue(i));
          }
        }
        statement.executeUpdate();
      }
    }
  }

  private void set(PreparedStatement s, int index, FieldType type, Object value) throws SQLException {
    if (value == null) {
      s.setNull(index, Dialect.isArray(type) && !dialect.arraysAsJson() ? Types.ARRAY : sqlType(type));
      return;
    }
    switch (type.getTypeName()) {
      case DATETIME:
        s.setObject(index, OffsetDateTime.ofInstant(
            Instant.ofEpochMilli(((ReadableInstant) value).getMillis()), ZoneOffset.UTC));
        break;
      case ARRAY:
      case ITERABLE:
        if (dialect.arraysAsJson()) {
          s.setString(index, RowJson.formatValue(type, value));
        } else {
          String element = Dialect.sqlType(type.getCollectionElementType());
          s.setArray(index, open.createArrayOf(element.equals("DOUBLE PRECISION") ? "float8" : element,
              ((Collection<?>) value).toArray()));
        }
        break;
      case STRING:
        s.setString(index, storable((String) value));
        break;
      case LOGICAL_TYPE:
        if (Dialect.isDate(type)) {
          s.setObject(index, (LocalDate) value, Types.DATE);
          break;
        }
        s.setObject(index, value);
        break;
      default:
        s.setObject(index, value);
    }
  }

  /**
   * PostgreSQL and Redshift text cannot hold U+0000 (the write fails for the whole batch), yet a
   * dead letter's payload may carry a raw NUL byte and a JSON string may escape one: it is stored
   * as U+FFFD instead, so that one odd record cannot stop the sink.
   */
  static String storable(String text) {
    return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
  }

  private static int sqlType(FieldType type) {
    switch (type.getTypeName()) {
      case STRING:
        return Types.VARCHAR;
      case INT16:
      case BYTE:
        return Types.SMALLINT;
      case INT32:
        return Types.INTEGER;
      case INT64:
        return Types.BIGINT;
      case DOUBLE:
        return Types.DOUBLE;
      case FLOAT:
        return Types.REAL;
      case BOOLEAN:
        return Types.BOOLEAN;
      case DATETIME:
        return Types.TIMESTAMP_WITH_TIMEZONE;
      case DECIMAL:
        return Types.NUMERIC;
      case LOGICAL_TYPE:
        return Dialect.isDate(type) ? Types.DATE : Types.OTHER;
      default:
        return Types.OTHER;
    }
  }

  void close() {
    try {
      if (open != null) {
        open.close();
      }
    } catch (SQLException ignored) {
      // already broken
    }
    open = null;
  }
}
