package org.pipewright.io.jdbc;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Replaces the whole content of a small table with the input, in one transaction: for results such
 * as the analytics tables, where a re-run must also remove rows that are no longer part of the
 * answer (an upsert would keep a category that stopped being the most popular). An empty input
 * empties the table (in the global window; a windowed input replaces once per non-empty pane).
 * All rows are gathered on one worker, so use it for tables of thousands of rows, not millions.
 */
public final class JdbcReplace extends PTransform<PCollection<Row>, PCollection<Void>> {
  private final String table;
  private final List<String> keys;
  private final JdbcConnection connection;
  private final Dialect dialect;
  private final @Nullable String scopeColumn;
  private final @Nullable String scopeValue;

  private JdbcReplace(String table, List<String> keys, JdbcConnection connection, Dialect dialect,
      @Nullable String scopeColumn, @Nullable String scopeValue) {
    this.table = table;
    this.keys = keys;
    this.connection = connection;
    this.dialect = dialect;
    this.scopeColumn = scopeColumn;
    this.scopeValue = scopeValue;
  }

  /** Replaces {@code table}: an SQL identifier, optionally {@code schema.table} (see {@link SqlIdentifiers}). */
  public static JdbcReplace table(String table) {
    JdbcUpsert.checkTableName(table);
    return new JdbcReplace(table, List.of(), null, Dialect.POSTGRES, null, null);
  }

  /** The primary key used by {@link #createTable}. */
  public JdbcReplace withKeys(String... keys) {
    checkArgument(keys.length > 0, "at least one key column is needed");
    for (String key : keys) {
      SqlIdentifiers.checkIdentifier("key column", key);
    }
    return new JdbcReplace(table, List.of(keys), connection, dialect, scopeColumn, scopeValue);
  }

  /** Returns a copy that writes through {@code connection} (URL, user, where the password is read). */
  public JdbcReplace withConnection(JdbcConnection connection) {
    return new JdbcReplace(table, keys, checkNotNull(connection, "connection"), dialect, scopeColumn, scopeValue);
  }

  /** Returns a copy that writes SQL for {@code dialect} (PostgreSQL by default). */
  public JdbcReplace withDialect(Dialect dialect) {
    return new JdbcReplace(table, keys, connection, checkNotNull(dialect, "dialect"), scopeColumn, scopeValue);
  }

  /**
   * Returns a copy that replaces only the rows whose text column {@code column} holds {@code value}
   * (one pipeline's rows of a table several share); every input row must hold it too.
   */
  public JdbcReplace withScope(String column, String value) {
    SqlIdentifiers.checkIdentifier("scope column", column);
    return new JdbcReplace(table, keys, connection, dialect, column, checkNotNull(value, "value"));
  }

  public void createTable(Schema schema) throws SQLException {
    JdbcUpsert.createTable(connection, dialect, table, schema, keys);
  }

  @Override
  public PCollection<Void> expand(PCollection<Row> rows) {
    checkArgument(connection != null, "JdbcReplace of %s needs withConnection(...)", table);
    Schema schema = rows.getSchema();
    for (String column : schema.getFieldNames()) {
      SqlIdentifiers.checkIdentifier("column of " + table, column);
    }
    checkArgument(scopeColumn == null || (schema.hasField(scopeColumn)
        && schema.getField(scopeColumn).getType().getTypeName() == Schema.TypeName.STRING),
        "scope column %s of %s must be a text column of the rows", scopeColumn, table);
    JdbcWriter writer = new JdbcWriter(table, schema, keys, Map.of(), connection, dialect, JdbcWriter.Mode.REPLACE,
        scopeColumn, scopeValue);
    // In the global window an empty input still yields one (empty) list, so an answer that became
    // empty empties the table instead of leaving the previous run's rows behind.
    Combine.Globally<Row, List<Row>> gather = Combine.globally(new ToListFn());
    boolean global = rows.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
    return rows
        .apply("Gather", global ? gather : gather.withoutDefaults())
        .apply("Replace " + table, ParDo.of(new ReplaceFn(writer, scopeColumn, scopeValue)))
        .setCoder(VoidCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("table", table))
        .add(DisplayData.item("connection", connection == null ? "" : connection.describe()));
  }

  /** Gathers a whole (small) collection into one list; also gathers the checks of {@link JdbcPublish}. */
  static final class ToListFn extends Combine.CombineFn<Row, List<Row>, List<Row>> {
    @Override
    public List<Row> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<Row> addInput(List<Row> rows, Row row) {
      rows.add(row);
      return rows;
    }

    @Override
    public List<Row> mergeAccumulators(Iterable<List<Row>> parts) {
      List<Row> all = new ArrayList<>();
      parts.forEach(all::addAll);
      return all;
    }

    @Override
    public List<Row> extractOutput(List<Row> rows) {
      return rows;
    }

    @Override
    public Coder<List<Row>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> row) {
      return ListCoder.of(row);
    }

    @Override
    public Coder<List<Row>> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> row) {
      return ListCoder.of(row);
    }
  }

  private static final class ReplaceFn extends DoFn<List<Row>, Void> {
    private final JdbcWriter writer;
    private final @Nullable String scopeColumn;
    private final @Nullable String scopeValue;

    ReplaceFn(JdbcWriter writer, @Nullable String scopeColumn, @Nullable String scopeValue) {
      this.writer = writer;
      this.scopeColumn = scopeColumn;
      this.scopeValue = scopeValue;
    }

    @ProcessElement
    public void process(@Element List<Row> rows) throws Exception {
      for (Row row : rows) {
        // A row outside the scope would survive every later replace of it.
        checkArgument(scopeColumn == null || scopeValue.equals(row.getString(scopeColumn)),
            "row %s is outside the scope %s = '%s' of %s", row, scopeColumn, scopeValue, writer.table());
      }
      writer.write(rows);
    }

    @Teardown
    public void teardown() {
      writer.close();
    }
  }
}
