package org.pipewright.io.jdbc;

import static org.pipewright.transforms.core.Checks.checkArgument;
import static org.pipewright.transforms.core.Checks.checkNotNull;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.CleanRecords;

/**
 * Writes schema rows to a SQL table idempotently: a row whose key is already there replaces it, so
 * re-runs and replays never create duplicates. Rows are written in batches of {@link
 * #withBatchSize}, each batch in one transaction; a key that occurs twice in a batch is written
 * once, last one wins. Transient failures (lost connection, serialization failure, deadlock) are
 * retried; anything else fails with the table, the server and the SQL state.
 *
 * <pre>{@code
 * pins.apply("Upsert pins", JdbcUpsert.into("pinterest_pin").withKeys("ind")
 *     .withConnection(JdbcConnection.to("jdbc:postgresql://db:5432/warehouse").withUser("etl")));
 * }</pre>
 */
public final class JdbcUpsert extends PTransform<PCollection<Row>, PDone> {
  static final int DEFAULT_BATCH_SIZE = 1000;
  static final int MAX_ATTEMPTS = 5;
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");

  private final String table;
  private final List<String> keys;
  private final JdbcConnection connection;
  private final Dialect dialect;
  private final int batchSize;

  private JdbcUpsert(String table, List<String> keys, JdbcConnection connection, Dialect dialect,
      int batchSize) {
    this.table = table;
    this.keys = keys;
    this.connection = connection;
    this.dialect = dialect;
    this.batchSize = batchSize;
  }

  public static JdbcUpsert into(String table) {
    checkArgument(table != null && table.matches("[A-Za-z_][A-Za-z0-9_.]*"),
        "table must be a plain SQL identifier, got '%s'", table);
    return new JdbcUpsert(table, List.of(), null, Dialect.POSTGRES, DEFAULT_BATCH_SIZE);
  }

  public JdbcUpsert withKeys(String... keys) {
    checkArgument(keys.length > 0, "at least one key column is needed");
    return new JdbcUpsert(table, List.of(keys), connection, dialect, batchSize);
  }

  public JdbcUpsert withConnection(JdbcConnection connection) {
    return new JdbcUpsert(table, keys, checkNotNull(connection, "connection"), dialect, batchSize);
  }

  public JdbcUpsert withDialect(Dialect dialect) {
    return new JdbcUpsert(table, keys, connection, checkNotNull(dialect, "dialect"), batchSize);
  }

  public JdbcUpsert withBatchSize(int batchSize) {
    checkArgument(batchSize > 0, "batchSize must be > 0, got %s", batchSize);
    return new JdbcUpsert(table, keys, connection, dialect, batchSize);
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    checkArgument(connection != null, "JdbcUpsert into %s needs withConnection(...)", table);
    checkArgument(!keys.isEmpty(), "JdbcUpsert into %s needs withKeys(...)", table);
    Schema schema = rows.getSchema();
    for (String key : keys) {
      checkArgument(schema.hasField(key), "key '%s' is not a column of %s", key, schema);
    }
    rows.apply("Upsert into " + table, ParDo.of(new UpsertFn(this, schema)));
    return PDone.in(rows.getPipeline());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("table", table))
        .add(DisplayData.item("keys", String.join(",", keys)))
        .add(DisplayData.item("connection", connection == null ? "" : connection.describe()))
        .add(DisplayData.item("dialect", dialect.toString()));
  }

  /** Runs the {@code CREATE TABLE IF NOT EXISTS} for {@code schema}; safe to call every run. */
  public void createTable(Schema schema) throws SQLException {
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      s.execute(dialect.createTable(table, schema, keys));
    } catch (SQLException e) {
      throw new SQLException("cannot create table " + table + " on " + connection.describe() + ": "
          + e.getMessage(), e.getSQLState(), e);
    }
  }

  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.length() >= 2 && TRANSIENT_CLASSES.contains(state.substring(0, 2));
  }

  private static final class UpsertFn extends DoFn<Row, Void> {
    private final JdbcUpsert spec;
    private final Schema schema;
    private final Counter written;
    private final Counter retried;
    private transient Connection connection;
    private transient Map<List<Object>, Row> batch;

    UpsertFn(JdbcUpsert spec, Schema schema) {
      this.spec = spec;
      this.schema = schema;
      this.written = Metrics.counter(CleanRecords.METRICS_NAMESPACE, spec.table + ".upserted");
      this.retried = Metrics.counter(CleanRecords.METRICS_NAMESPACE, spec.table + ".retried");
    }

    @StartBundle
    public void startBundle() {
      batch = new LinkedHashMap<>();
    }

    @ProcessElement
    public void process(@Element Row row) throws Exception {
      List<Object> key = new ArrayList<>(spec.keys.size());
      for (String k : spec.keys) {
        key.add(row.getValue(k));
      }
      batch.remove(key); // last one wins, and keeps arrival order
      batch.put(key, row);
      if (batch.size() >= spec.batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() throws Exception {
      flush();
    }

    @Teardown
    public void teardown() throws SQLException {
      if (connection != null) {
        connection.close();
      }
    }

    private void flush() throws Exception {
      if (batch.isEmpty()) {
        return;
      }
      for (int attempt = 1; ; attempt++) {
        try {
          write(batch.values());
          break;
        } catch (SQLException e) {
          closeQuietly();
          if (!isTransient(e) || attempt >= MAX_ATTEMPTS) {
            throw new SQLException("writing " + batch.size() + " rows to " + spec.table + " on "
                + spec.connection.describe() + " failed (SQL state " + e.getSQLState() + "): "
                + e.getMessage(), e.getSQLState(), e);
          }
          retried.inc();
          // Back off before reconnecting: the server is restarting or the network is down.
          Thread.sleep(200L << attempt);
        }
      }
      written.inc(batch.size());
      batch.clear();
    }

    private void write(Collection<Row> rows) throws SQLException {
      if (connection == null || connection.isClosed()) {
        connection = spec.connection.open();
        connection.setAutoCommit(false);
      }
      try {
        if (spec.dialect == Dialect.POSTGRES) {
          insert(spec.dialect.upsert(spec.table, schema, spec.keys), rows);
        } else {
          String stage = "stage_" + spec.table.replace('.', '_');
          try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE " + stage + " (LIKE " + spec.table + ")");
          }
          insert("INSERT INTO " + stage + " (" + Dialect.columnList(schema) + ") VALUES ("
              + "?, ".repeat(schema.getFieldCount() - 1) + "?)", rows);
          String match = spec.keys.stream().map(k -> spec.table + "." + Dialect.quote(k) + " = " + stage + "."
              + Dialect.quote(k)).reduce((a, b) -> a + " AND " + b).orElseThrow();
          try (Statement s = connection.createStatement()) {
            s.execute("DELETE FROM " + spec.table + " USING " + stage + " WHERE " + match);
            s.execute("INSERT INTO " + spec.table + " (" + Dialect.columnList(schema) + ") SELECT "
                + Dialect.columnList(schema) + " FROM " + stage);
            s.execute("DROP TABLE " + stage);
          }
        }
        connection.commit();
      } catch (SQLException e) {
        try {
          connection.rollback();
        } catch (SQLException ignored) {
          // the connection is gone; the retry reconnects
        }
        throw e;
      }
    }

    private void insert(String sql, Collection<Row> rows) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (Row row : rows) {
          for (int i = 0; i < schema.getFieldCount(); i++) {
            set(statement, i + 1, schema.getField(i).getType(), row.getValue(i));
          }
          statement.addBatch();
        }
        statement.executeBatch();
      }
    }

    private void set(PreparedStatement s, int index, FieldType type, Object value) throws SQLException {
      if (value == null) {
        s.setNull(index, sqlType(type));
        return;
      }
      switch (type.getTypeName()) {
        case DATETIME:
          s.setObject(index, OffsetDateTime.ofInstant(
              java.time.Instant.ofEpochMilli(((ReadableInstant) value).getMillis()), ZoneOffset.UTC));
          break;
        case ARRAY:
        case ITERABLE:
          String element = Dialect.sqlType(type.getCollectionElementType());
          Array array = connection.createArrayOf(element.equals("DOUBLE PRECISION") ? "float8" : element,
              ((Collection<?>) value).toArray());
          s.setArray(index, array);
          break;
        default:
          s.setObject(index, value);
      }
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
        case ARRAY:
        case ITERABLE:
          return Types.ARRAY;
        default:
          return Types.OTHER;
      }
    }

    private void closeQuietly() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (SQLException ignored) {
        // already broken
      }
      connection = null;
    }
  }
}
