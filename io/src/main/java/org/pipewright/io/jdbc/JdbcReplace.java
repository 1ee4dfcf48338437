package org.pipewright.io.jdbc;

import static org.pipewright.transforms.core.Checks.checkArgument;
import static org.pipewright.transforms.core.Checks.checkNotNull;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Replaces the whole content of a small table with the input, in one transaction: for results such
 * as the analytics tables, where a re-run must also remove rows that are no longer part of the
 * answer (an upsert would keep a category that stopped being the most popular). All rows are
 * gathered on one worker, so use it for tables of thousands of rows, not millions.
 */
public final class JdbcReplace extends PTransform<PCollection<Row>, PCollection<Void>> {
  private final String table;
  private final List<String> keys;
  private final JdbcConnection connection;
  private final Dialect dialect;

  private JdbcReplace(String table, List<String> keys, JdbcConnection connection, Dialect dialect) {
    this.table = table;
    this.keys = keys;
    this.connection = connection;
    this.dialect = dialect;
  }

  public static JdbcReplace table(String table) {
    JdbcUpsert.checkTableName(table);
    return new JdbcReplace(table, List.of(), null, Dialect.POSTGRES);
  }

  /** The primary key used by {@link #createTable}. */
  public JdbcReplace withKeys(String... keys) {
    checkArgument(keys.length > 0, "at least one key column is needed");
    return new JdbcReplace(table, List.of(keys), connection, dialect);
  }

  public JdbcReplace withConnection(JdbcConnection connection) {
    return new JdbcReplace(table, keys, checkNotNull(connection, "connection"), dialect);
  }

  public JdbcReplace withDialect(Dialect dialect) {
    return new JdbcReplace(table, keys, connection, checkNotNull(dialect, "dialect"));
  }

  public void createTable(Schema schema) throws SQLException {
    JdbcUpsert.createTable(connection, dialect, table, schema, keys);
  }

  @Override
  public PCollection<Void> expand(PCollection<Row> rows) {
    checkArgument(connection != null, "JdbcReplace of %s needs withConnection(...)", table);
    Schema schema = rows.getSchema();
    JdbcWriter writer = new JdbcWriter(table, schema, keys, Map.of(), connection, dialect, JdbcWriter.Mode.REPLACE);
    return rows
        .apply("One group", WithKeys.<Integer, Row>of(0).withKeyType(TypeDescriptors.integers()))
        .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()))
        .apply("Gather", GroupByKey.create())
        .apply("Replace " + table, ParDo.of(new ReplaceFn(writer)))
        .setCoder(VoidCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("table", table))
        .add(DisplayData.item("connection", connection == null ? "" : connection.describe()));
  }

  private static final class ReplaceFn extends DoFn<KV<Integer, Iterable<Row>>, Void> {
    private final JdbcWriter writer;

    ReplaceFn(JdbcWriter writer) {
      this.writer = writer;
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Row>> all) throws Exception {
      List<Row> rows = new ArrayList<>();
      all.getValue().forEach(rows::add);
      writer.write(rows);
    }

    @Teardown
    public void teardown() {
      writer.close();
    }
  }
}
