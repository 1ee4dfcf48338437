package org.pipewright.io.jdbc;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.core.TupleOutput;

/**
 * Writes schema rows to a SQL table idempotently: a row whose key is already stored replaces it
 * (or is merged into it, see {@link #withMerge}), so re-runs and replays never create duplicates.
 * Rows are written in batches of {@link #withBatchSize}, each in one transaction; a key that occurs
 * twice in a batch is written once, last one wins, unless the table has merges: then the batch is
 * written before the second row joins it, so the merge applies to both. Transient failures (lost connection, server
 * restart, serialization failure, deadlock) are retried with back-off for about 25 s; anything else
 * fails with the table, the server and the SQL state, never the password. A row the database
 * refuses for its values (too long for its column, say) fails the job too, naming the row's key
 * (the batch is halved down to it), unless {@link #withDeadLetters()} makes it a dead letter.
 *
 * <p>The output is empty, but its watermark only passes a time once every row with an earlier
 * timestamp has been committed, which is what {@code SafePoint} waits for.
 *
 * <pre>{@code
 * orders.apply("Upsert orders", JdbcUpsert.into("shop_orders").withKeys("order_id")
 *     .withConnection(JdbcConnection.to("jdbc:postgresql://db:5432/warehouse").withUser("etl")));
 * }</pre>
 */
public final class JdbcUpsert extends PTransform<PCollection<Row>, PCollection<Void>> {
  static final int DEFAULT_BATCH_SIZE = 1000;
  /** The step named in the dead letters of {@link #withDeadLetters()}. */
  public static final String STEP = "JdbcUpsert";

  private final String table;
  private final List<String> keys;
  private final Map<String, String> merges;
  private final JdbcConnection connection;
  private final Dialect dialect;
  private final int batchSize;

  private JdbcUpsert(String table, List<String> keys, Map<String, String> merges,
      JdbcConnection connection, Dialect dialect, int batchSize) {
    this.table = table;
    this.keys = keys;
    this.merges = merges;
    this.connection = connection;
    this.dialect = dialect;
    this.batchSize = batchSize;
  }

  /**
   * Writes into {@code table}: an SQL identifier, optionally {@code schema.table}, folded to lower
   * case and quoted (see {@link SqlIdentifiers}); anything else is refused here.
   */
  public static JdbcUpsert into(String table) {
    checkTableName(table);
    return new JdbcUpsert(table, List.of(), Map.of(), null, Dialect.POSTGRES, DEFAULT_BATCH_SIZE);
  }

  static void checkTableName(String table) {
    SqlIdentifiers.checkTable(table);
  }

  /**
   * Returns a copy that upserts by the key columns {@code keys} (SQL identifiers, at least one): a row
   * whose key exists updates it, any other row is inserted.
   */
  public JdbcUpsert withKeys(String... keys) {
    checkArgument(keys.length > 0, "at least one key column is needed");
    for (String key : keys) {
      SqlIdentifiers.checkIdentifier("key column", key);
    }
    return new JdbcUpsert(table, List.of(keys), merges, connection, dialect, batchSize);
  }

  /**
   * When the key exists, sets {@code column} to {@code expression} instead of the incoming value;
   * {@code {old}} is the stored value, {@code {new}} the incoming one. For example {@code
   * withMerge("posts", "GREATEST({old}, {new})")} keeps a count from going down when an older,
   * smaller result arrives late or is replayed. {@code {old:col}} and {@code {new:col}} name another
   * column of the stored and the incoming row: {@code withMerge("price", "CASE WHEN {new:version} >=
   * {old:version} THEN {new} ELSE {old} END")} lets an older version never overwrite a newer one
   * (every column compares the stored row as it was before the update).
   */
  public JdbcUpsert withMerge(String column, String expression) {
    SqlIdentifiers.checkIdentifier("merge column", column);
    checkArgument(expression != null && (expression.contains("{old") || expression.contains("{new")),
        "merge expression for %s must use {old} and/or {new}", column);
    java.util.regex.Matcher other = Dialect.OTHER_COLUMN.matcher(expression);
    while (other.find()) {
      SqlIdentifiers.checkIdentifier("merge column", other.group(2));
    }
    Map<String, String> copy = new LinkedHashMap<>(merges);
    copy.put(column, expression);
    return new JdbcUpsert(table, keys, Map.copyOf(copy), connection, dialect, batchSize);
  }

  /** Returns a copy that writes through {@code connection} (URL, user, where the password is read). */
  public JdbcUpsert withConnection(JdbcConnection connection) {
    return new JdbcUpsert(table, keys, merges, checkNotNull(connection, "connection"), dialect, batchSize);
  }

  /**
   * Returns a copy that writes SQL for {@code dialect}: PostgreSQL {@code ON CONFLICT} (the default)
   * or Redshift's staging table with update and insert in one transaction.
   */
  public JdbcUpsert withDialect(Dialect dialect) {
    return new JdbcUpsert(table, keys, merges, connection, checkNotNull(dialect, "dialect"), batchSize);
  }

  /** Returns a copy that writes {@code batchSize} rows per statement batch and transaction. */
  public JdbcUpsert withBatchSize(int batchSize) {
    checkArgument(batchSize > 0, "batchSize must be > 0, got %s", batchSize);
    return new JdbcUpsert(table, keys, merges, connection, dialect, batchSize);
  }

  @Override
  public PCollection<Void> expand(PCollection<Row> rows) {
    return rows.apply("Upsert into " + table, ParDo.of(upsertFn(rows, null))).setCoder(VoidCoder.of());
  }

  /**
   * Returns a transform that writes like this one, except that a row the database refuses for its
   * values (SQL state class 22, a data exception such as a value too long for its column, or 23, a
   * constraint of the table's such as NOT NULL or CHECK) does not fail the job: it becomes a dead
   * letter ({@link DeadLetter#SCHEMA}, kind = the table, step {@value #STEP}, the database's
   * reason, source {@code table#key values}, the row as JSON) and every other row is written. A
   * batch with a refused row is halved until the row is alone, so k bad rows of a batch of n cost
   * about k log2 n more transactions (a cause that refuses every row, such as a column narrowed below
   * what all rows hold, costs 2n - 1 and dead-letters the lot: watch the {@code <table>.refused}
   * counter). Every row is written, replaced by a later row of its key in the same batch (as without
   * dead letters), or a dead letter. Any other failure (server, permissions, a missing column) still
   * fails the job as {@link JdbcUpsert} does.
   *
   * <pre>{@code
   * JdbcUpsert.Result upserted = orders.apply("Upsert orders",
   *     JdbcUpsert.into("shop_orders").withKeys("order_id").withConnection(warehouse).withDeadLetters());
   * upserted.deadLetters().apply("Write refused orders", deadLetterSink);
   * }</pre>
   */
  public WithDeadLetters withDeadLetters() {
    return new WithDeadLetters(this);
  }

  /** {@link JdbcUpsert} that outputs the rows the database refuses: see {@link #withDeadLetters()}. */
  public static final class WithDeadLetters extends PTransform<PCollection<Row>, Result> {
    private final JdbcUpsert upsert;

    private WithDeadLetters(JdbcUpsert upsert) {
      this.upsert = upsert;
    }

    @Override
    public Result expand(PCollection<Row> rows) {
      TupleTag<Void> writtenTag = new TupleTag<Void>() {};
      TupleTag<Row> deadLettersTag = new TupleTag<Row>() {};
      PCollectionTuple out = rows.apply("Upsert into " + upsert.table,
          ParDo.of(upsert.upsertFn(rows, deadLettersTag)).withOutputTags(writtenTag, TupleTagList.of(deadLettersTag)));
      out.get(writtenTag).setCoder(VoidCoder.of());
      out.get(deadLettersTag).setRowSchema(DeadLetter.SCHEMA);
      return new Result(out, writtenTag, deadLettersTag);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      upsert.populateDisplayData(builder);
    }
  }

  /** The outputs of {@link #withDeadLetters()}. */
  public static final class Result extends TupleOutput {
    private final TupleTag<Void> writtenTag;
    private final TupleTag<Row> deadLettersTag;

    private Result(PCollectionTuple tuple, TupleTag<Void> writtenTag, TupleTag<Row> deadLettersTag) {
      super(tuple);
      this.writtenTag = writtenTag;
      this.deadLettersTag = deadLettersTag;
    }

    /**
     * Empty, but its watermark passes a time only once every earlier row is committed or refused:
     * what {@code SafePoint} or {@code Wait.on} waits for.
     */
    public PCollection<Void> written() {
      return tuple.get(writtenTag);
    }

    /** The rows the database refused, as dead letters ({@link DeadLetter#SCHEMA}). */
    public PCollection<Row> deadLetters() {
      return tuple.get(deadLettersTag);
    }
  }

  private UpsertFn upsertFn(PCollection<Row> rows, TupleTag<Row> deadLettersTag) {
    checkArgument(connection != null, "JdbcUpsert into %s needs withConnection(...)", table);
    checkArgument(!keys.isEmpty(), "JdbcUpsert into %s needs withKeys(...)", table);
    Schema schema = rows.getSchema();
    for (String column : schema.getFieldNames()) {
      SqlIdentifiers.checkIdentifier("column of " + table, column);
    }
    for (String column : keys) {
      checkArgument(schema.hasField(column), "key '%s' is not a column of %s", column, schema);
    }
    for (String column : merges.keySet()) {
      checkArgument(schema.hasField(column) && !keys.contains(column),
          "merge column '%s' must be a non-key column of %s", column, schema);
    }
    JdbcWriter writer = new JdbcWriter(table, schema, keys, merges, connection, dialect, JdbcWriter.Mode.UPSERT);
    return new UpsertFn(writer, keys, !merges.isEmpty(), table, batchSize, deadLettersTag);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("table", table))
        .add(DisplayData.item("keys", String.join(",", keys)))
        .add(DisplayData.item("connection", connection == null ? "" : connection.describe()))
        .add(DisplayData.item("dialect", dialect.toString()));
  }

  /** Runs {@code CREATE TABLE IF NOT EXISTS} for {@code schema} with this sink's keys. */
  public void createTable(Schema schema) throws SQLException {
    createTable(connection, dialect, table, schema, keys);
  }

  static void createTable(JdbcConnection connection, Dialect dialect, String table, Schema schema,
      List<String> keys) throws SQLException {
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      s.execute(dialect.createTable(table, schema, keys));
    } catch (SQLException e) {
      throw new SQLException("cannot create table " + table + " on " + connection.describe() + ": "
          + e.getMessage(), e.getSQLState(), e);
    }
  }

  private static final class UpsertFn extends DoFn<Row, Void> {
    private final JdbcWriter writer;
    private final List<String> keys;
    private final boolean merging;
    private final String table;
    private final int batchSize;
    private final TupleTag<Row> deadLettersTag;
    private final Counter written;
    private final Counter retried;
    private final Counter refusedCount;
    private transient Map<List<Object>, Pending> batch;
    private transient List<Pending> refused;

    UpsertFn(JdbcWriter writer, List<String> keys, boolean merging, String table, int batchSize,
        TupleTag<Row> deadLettersTag) {
      this.writer = writer;
      this.keys = keys;
      this.merging = merging;
      this.table = table;
      this.batchSize = batchSize;
      this.deadLettersTag = deadLettersTag;
      this.written = Metrics.counter(CleanRecords.METRICS_NAMESPACE, table + ".upserted");
      this.retried = Metrics.counter(CleanRecords.METRICS_NAMESPACE, table + ".retried");
      this.refusedCount = Metrics.counter(CleanRecords.METRICS_NAMESPACE, table + ".refused");
    }

    /** A row waiting for its batch, with where it must go if the database refuses it. */
    private static final class Pending {
      final Row row;
      final Instant timestamp;
      final BoundedWindow window;
      String reason;

      Pending(Row row, Instant timestamp, BoundedWindow window) {
        this.row = row;
        this.timestamp = timestamp;
        this.window = window;
      }
    }

    @Setup
    public void setup() {
      // One map for the DoFn's life, sized for a full batch: no re-hashing as every bundle fills it.
      batch = new LinkedHashMap<>((int) Math.min(batchSize / 0.75 + 1, 1 << 16));
      refused = new ArrayList<>();
    }

    @StartBundle
    public void startBundle() {
      batch.clear(); // rows left by a bundle that failed belong to that bundle's retry
      refused.clear();
    }

    @ProcessElement
    public void process(@Element Row row, @Timestamp Instant timestamp, BoundedWindow window) throws Exception {
      List<Object> key = new ArrayList<>(keys.size());
      for (String k : keys) {
        key.add(row.getValue(k));
      }
      if (merging && batch.containsKey(key)) {
        // Only the database can apply the merge expressions: write the earlier row first.
        flush();
      }
      batch.remove(key); // last one wins, in arrival order
      batch.put(key, new Pending(row, timestamp, window));
      if (batch.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws Exception {
      flush();
      // Emitted here, where any timestamp and window may be given: a refused row keeps its own.
      for (Pending p : refused) {
        context.output(deadLettersTag, deadLetter(p.row, p.reason), p.timestamp, p.window);
      }
      refused.clear();
    }

    @Teardown
    public void teardown() {
      writer.close();
    }

    private void flush() throws Exception {
      if (batch.isEmpty()) {
        return;
      }
      List<Row> rows = new ArrayList<>(batch.size());
      for (Pending p : batch.values()) {
        rows.add(p.row);
      }
      if (deadLettersTag == null) {
        // Halved down to the row at fault, as with dead letters, so that the error can name it.
        retried.inc(writer.write(rows, (index, reason) -> {
          throw new SQLException(table + " refused the row with key " + DeadLetter.keySource("", rows.get(index), keys)
              .substring(1) + " (" + String.join(",", keys) + "), so the job stops (withDeadLetters() would keep"
              + " it as a dead letter): " + reason.getMessage(), reason.getSQLState(), reason);
        }));
        written.inc(rows.size());
      } else {
        List<Pending> pending = new ArrayList<>(batch.values());
        int[] refusedHere = {0};
        retried.inc(writer.write(rows, (index, reason) -> {
          Pending p = pending.get(index);
          p.reason = reason(reason);
          refused.add(p);
          refusedHere[0]++;
        }));
        written.inc(rows.size() - refusedHere[0]);
        refusedCount.inc(refusedHere[0]);
      }
      batch.clear();
    }

    /** The database's own words (the innermost message), cut short ({@link DeadLetter#shortReason}). */
    private String reason(SQLException e) {
      Throwable cause = e;
      while (cause.getCause() instanceof SQLException) {
        cause = cause.getCause();
      }
      String reason = "refused by " + table + " (SQL state " + e.getSQLState() + "): " + cause.getMessage();
      return DeadLetter.shortReason(reason);
    }

    private Row deadLetter(Row row, String reason) {
      return DeadLetter.of(table, STEP, reason, DeadLetter.keySource(table, row, keys), RowJson.format(row));
    }
  }
}
