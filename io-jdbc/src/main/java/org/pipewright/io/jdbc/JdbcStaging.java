package org.pipewright.io.jdbc;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.Select;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.internal.PerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging side of a write-audit-publish load: each final table of the load has a staging table
 * of the same columns and key ({@code <table>_stage} by default), the pipeline writes into the
 * staging tables ({@link #stage}), checks run on the staged data, and {@link JdbcPublish} merges
 * every staging table into its final table in one transaction (replacing it, for {@link
 * #withReplacedTable}), or none when a check blocks.
 *
 * <p>Before the run, on the driver, {@link #claim} makes sure no other run is using the same staging
 * tables, and {@link #prepare} creates the final tables that are missing (when asked) and (re)creates
 * the staging tables empty, so a load never sees rows of an earlier run.
 *
 * <pre>{@code
 * JdbcStaging staging = JdbcStaging.of(connection, Dialect.POSTGRES)
 *     .withTable("movies", MovieSchemas.MOVIE, "movie_id")
 *     .withTable("ratings", MovieSchemas.RATING, "user_id", "movie_id");
 * try (JdbcStaging.Claim claim = staging.claim()) {   // held until the pipeline has finished
 *   staging.prepare(options.getCreateTables());
 *   ...build and run the pipeline below...
 * }
 * PCollection<Row> moviesStaged = movies.apply("Stage movies", staging.stage("movies"));
 * PCollection<Row> ratingsStaged = ratings.apply("Stage ratings", staging.stage("ratings"));
 * checks.apply("Publish", JdbcPublish.to(staging).withStaged(moviesStaged, ratingsStaged));
 * }</pre>
 */
public final class JdbcStaging implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStaging.class);

  /** What {@link #stage} answers once a table is staged: its name and the distinct keys sent. */
  public static final Schema STAGED = Schema.builder()
      .addStringField("table_name")
      .addInt64Field("rows")
      .build();

  static final String DEFAULT_SUFFIX = "_stage";
  /** The first key of the advisory locks {@link #claim} takes ("PWST"), so they meet no one else's. */
  static final int CLAIM_NAMESPACE = 0x50575354;

  private final JdbcConnection connection;
  private final Dialect dialect;
  private final Map<String, Table> tables;
  private final String suffix;

  /** One final table of the load. */
  static final class Table implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    final Schema schema;
    final List<String> keys;
    /** Rows whose key the load did not stage are deleted when it publishes. */
    final boolean replaced;
    /** For a child table: the parent table, its key, and this table's column holding that key; else null. */
    final @Nullable String parent;
    final @Nullable String parentKey;
    final @Nullable String parentColumn;

    Table(String name, Schema schema, List<String> keys, boolean replaced) {
      this(name, schema, keys, replaced, null, null, null);
    }

    Table(String name, Schema schema, List<String> keys, boolean replaced, @Nullable String parent,
        @Nullable String parentKey, @Nullable String parentColumn) {
      this.name = name;
      this.schema = schema;
      this.keys = keys;
      this.replaced = replaced;
      this.parent = parent;
      this.parentKey = parentKey;
      this.parentColumn = parentColumn;
    }
  }

  private JdbcStaging(JdbcConnection connection, Dialect dialect, Map<String, Table> tables, String suffix) {
    this.connection = connection;
    this.dialect = dialect;
    this.tables = tables;
    this.suffix = suffix;
  }

  /** A load through {@code connection}, with SQL for {@code dialect}, of no tables yet. */
  public static JdbcStaging of(JdbcConnection connection, Dialect dialect) {
    return new JdbcStaging(checkNotNull(connection, "connection"), checkNotNull(dialect, "dialect"),
        Map.of(), DEFAULT_SUFFIX);
  }

  /**
   * Returns a copy that also loads {@code table} (an SQL identifier, optionally {@code
   * schema.table}) of rows of {@code schema}, keyed by {@code keys} (at least one column).
   */
  public JdbcStaging withTable(String table, Schema schema, String... keys) {
    return with(table, schema, keys, false);
  }

  /**
   * Returns a copy that also loads {@code table} as {@link #withTable} does, but replaces it whole:
   * when the load publishes, the rows whose key it did not stage are deleted, in the same
   * transaction. For tables derived from the whole input (rankings, totals per group), where an
   * upsert would keep rows that no longer belong (a 25th place after a run that ranks ten).
   */
  public JdbcStaging withReplacedTable(String table, Schema schema, String... keys) {
    return with(table, schema, keys, true);
  }

  /**
   * Returns a copy that also loads {@code table} as {@link #withTable} does, as the rows that belong
   * to rows of {@code parent} (a table already in this load, with a single key column), through its
   * column {@code parentColumn}: when the load publishes, the rows of {@code table} of every parent
   * row it staged are replaced by the staged ones, so those the load did not stage are deleted. For
   * link tables (a movie's genres): a fixed source removes a wrong link, and a parent the load
   * did not stage keeps its rows.
   */
  public JdbcStaging withChildTable(String table, Schema schema, String parent, String parentColumn, String... keys) {
    Table p = tables.get(parent);
    checkArgument(p != null, "parent %s of %s is not part of this load (add it first)", parent, table);
    checkArgument(p.keys.size() == 1, "parent %s of %s needs a single key column, has %s", parent, table, p.keys);
    checkArgument(schema != null && schema.hasField(parentColumn), "'%s' is not a column of %s", parentColumn, table);
    return with(table, schema, keys, new Table(table, schema, List.of(keys), false, parent, p.keys.get(0), parentColumn));
  }

  private JdbcStaging with(String table, Schema schema, String[] keys, boolean replaced) {
    return with(table, schema, keys, new Table(table, schema, List.of(keys), replaced));
  }

  private JdbcStaging with(String table, Schema schema, String[] keys, Table loaded) {
    SqlIdentifiers.checkTable(table);
    checkNotNull(schema, "schema");
    checkArgument(keys.length > 0, "table %s needs at least one key column", table);
    for (String column : schema.getFieldNames()) {
      SqlIdentifiers.checkIdentifier("column of " + table, column);
    }
    for (String key : keys) {
      checkArgument(schema.hasField(key), "key '%s' is not a column of %s", key, table);
    }
    checkArgument(!tables.containsKey(table), "table %s is already part of this load", table);
    Map<String, Table> copy = new LinkedHashMap<>(tables);
    copy.put(table, loaded);
    return new JdbcStaging(connection, dialect, copy, suffix);
  }

  /** Returns a copy whose staging tables are named {@code <table><suffix>} ({@code _stage} by default). */
  public JdbcStaging withStageSuffix(String suffix) {
    checkArgument(suffix != null && !suffix.isEmpty() && SqlIdentifiers.isValid("t" + suffix),
        "stage suffix must be identifier characters, got '%s'", suffix);
    return new JdbcStaging(connection, dialect, tables, suffix);
  }

  /** The final tables of the load, in the order they were added. */
  public List<String> tables() {
    return List.copyOf(tables.keySet());
  }

  /**
   * The staging table of {@code table}: {@code <table><suffix>} in the same schema, or, when that
   * is longer than {@link SqlIdentifiers#MAX_LENGTH}, the table name cut short and a hash of the
   * whole name, so two long names never share a staging table (PostgreSQL would silently cut both
   * to the same 63 characters).
   */
  public String stageTable(String table) {
    checkArgument(tables.containsKey(table), "table %s is not part of this load %s", table, tables.keySet());
    return stageName(table, suffix);
  }

  static String stageName(String table, String suffix) {
    int dot = table.indexOf('.');
    String schema = dot < 0 ? "" : table.substring(0, dot + 1);
    String name = table.substring(dot + 1);
    String stage = name + suffix;
    if (stage.length() > SqlIdentifiers.MAX_LENGTH) {
      CRC32 crc = new CRC32();
      crc.update(table.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      String hash = String.format("_%08x", crc.getValue());
      stage = name.substring(0, SqlIdentifiers.MAX_LENGTH - suffix.length() - hash.length()) + hash + suffix;
    }
    return schema + stage;
  }

  /**
   * Claims this load's staging tables for one run, until the claim is closed: a second run staging
   * into any of the same tables meanwhile fails here, instead of emptying them ({@link #prepare})
   * under the first. Take it before {@link #prepare} and hold it until the pipeline has finished.
   *
   * <p>On PostgreSQL it is a session advisory lock per staging table, so the server also frees them
   * when the claiming process dies. Redshift has no advisory locks: there the claim holds nothing,
   * and two runs of the same load must not overlap.
   *
   * @throws SQLException naming the staging table and the server process of the run that holds it
   */
  public Claim claim() throws SQLException {
    checkArgument(!tables.isEmpty(), "JdbcStaging needs withTable(...)");
    if (dialect != Dialect.POSTGRES) {
      return new Claim(null);
    }
    Connection c = connection.open();
    try {
      for (String stage : claimed()) {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
          lock.setInt(1, CLAIM_NAMESPACE);
          lock.setString(2, stage);
          try (ResultSet r = lock.executeQuery()) {
            r.next();
            if (!r.getBoolean(1)) {
              throw new SQLException("staging table " + stage + " on " + connection.describe()
                  + " is in use by another run of this load" + holder(c, stage)
                  + "; run again once it has finished");
            }
          }
        }
      }
      return new Claim(c);
    } catch (SQLException e) {
      c.close(); // gives up the locks already taken
      throw e;
    }
  }

  /** The staging tables, lower-cased as PostgreSQL folds them, in one order for every run. */
  private List<String> claimed() {
    List<String> stages = new ArrayList<>();
    for (String table : tables.keySet()) {
      stages.add(stageName(table, suffix).toLowerCase(Locale.ROOT));
    }
    stages.sort(null);
    return stages;
  }

  /** " (server process N)" of the session holding {@code stage}'s lock, or "" if it is already gone. */
  private static String holder(Connection c, String stage) {
    String sql = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
        + " AND classid = ?::bigint::oid AND objid = (hashtext(?)::bigint & 4294967295)::oid";
    try (PreparedStatement holder = c.prepareStatement(sql)) {
      holder.setInt(1, CLAIM_NAMESPACE);
      holder.setString(2, stage);
      try (ResultSet r = holder.executeQuery()) {
        return r.next() ? " (server process " + r.getInt(1) + ")" : "";
      }
    } catch (SQLException e) {
      return "";
    }
  }

  /** A run's hold on its staging tables ({@link #claim}); closing it lets the next run in. */
  public static final class Claim implements AutoCloseable {
    private final Connection connection;

    private Claim(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void close() {
      try {
        if (connection != null) {
          connection.close();
        }
      } catch (SQLException ignored) {
        // a broken connection holds no locks either
      }
    }
  }

  /**
   * Before the run: creates the final tables that do not exist when {@code createTables} (else a
   * missing one fails here, naming it), and drops and recreates every staging table empty.
   */
  public void prepare(boolean createTables) throws SQLException {
    checkArgument(!tables.isEmpty(), "JdbcStaging needs withTable(...)");
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      for (Table t : tables.values()) {
        if (createTables) {
          s.execute(dialect.createTable(t.name, t.schema, t.keys));
        } else {
          try {
            s.executeQuery("SELECT 1 FROM " + dialect.quoteTable(t.name) + " WHERE 1 = 0").close();
          } catch (SQLException e) {
            throw new SQLException("final table " + t.name + " cannot be read on " + connection.describe()
                + " (create it, e.g. with --createTables): " + e.getMessage(), e.getSQLState(), e);
          }
        }
        String stage = stageName(t.name, suffix);
        s.execute("DROP TABLE IF EXISTS " + dialect.quoteTable(stage));
        s.execute(dialect.createTable(stage, t.schema, t.keys));
      }
    }
  }

  /**
   * Writes rows of {@code table} into its staging table (an idempotent {@link JdbcUpsert} by the
   * table's key, with its retries). The output is one {@link #STAGED} row, emitted only once every
   * row is committed: the table and how many distinct keys the pipeline sent, which {@link
   * JdbcPublish} compares with what the staging table holds.
   */
  public PTransform<PCollection<Row>, PCollection<Row>> stage(String table) {
    checkArgument(tables.containsKey(table), "table %s is not part of this load %s", table, tables.keySet());
    return new Stage(this, tables.get(table));
  }

  private static final class Stage extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final JdbcStaging staging;
    private final Table table;

    Stage(JdbcStaging staging, Table table) {
      this.staging = staging;
      this.table = table;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      checkArgument(rows.getSchema().equivalent(table.schema), "rows staged for %s have the schema %s, not %s",
          table.name, rows.getSchema(), table.schema);
      PCollection<Void> written = rows.apply("Write " + staging.stageTable(table.name),
          JdbcUpsert.into(staging.stageTable(table.name)).withKeys(table.keys.toArray(new String[0]))
              .withConnection(staging.connection).withDialect(staging.dialect));
      return rows
          .apply("Count keys", new CountKeys(table.keys))
          .apply("After the write", Wait.on(written))
          .apply("Staged", MapElements.via(new StagedFn(table.name)))
          .setRowSchema(STAGED);
    }
  }

  /**
   * How many distinct keys a collection holds (0 when empty): what the staging table must hold,
   * since the upsert into it keeps one row per key.
   */
  static final class CountKeys extends PTransform<PCollection<Row>, PCollection<Long>> {
    private final List<String> keys;

    CountKeys(List<String> keys) {
      this.keys = keys;
    }

    @Override
    public PCollection<Long> expand(PCollection<Row> rows) {
      return rows
          .apply("Keys", Select.fieldNames(keys.toArray(new String[0])))
          .apply("Distinct", PerKey.distinct())
          .apply("Count", Count.globally());
    }
  }

  private static final class StagedFn extends SimpleFunction<Long, Row> {
    private final String table;

    StagedFn(String table) {
      this.table = table;
    }

    @Override
    public Row apply(Long keys) {
      return Row.withSchema(STAGED).addValues(table, keys).build();
    }
  }

  /** What publishing did to one table. */
  static final class Outcome {
    final long staged;
    final long inserted;
    final long updated;
    /** Rows of a replaced table that the load did not stage; null for a merged table. */
    final Long deleted;

    Outcome(long staged, long inserted, long updated, Long deleted) {
      this.staged = staged;
      this.inserted = inserted;
      this.updated = updated;
      this.deleted = deleted;
    }
  }

  /**
   * Publishes every staging table into its final table in one transaction, retried whole on
   * transient errors. {@code sent}: distinct keys the pipeline sent per table. Returns the outcome
   * per table, or, when a staging table does not hold exactly what was sent, a refusal per table
   * with nothing changed.
   */
  List<Row> publish(Map<String, Long> sent, Runnable onRetry) throws SQLException, InterruptedException {
    List<Row> refused = new ArrayList<>();
    Map<String, Outcome> outcomes = JdbcWriter.retrying(() -> "publishing " + tables.keySet(), connection, () -> {
      refused.clear();
      try (Connection c = connection.open()) {
        c.setAutoCommit(false);
        try {
          Map<String, Outcome> done = publishOnce(c, sent, refused);
          if (done == null) {
            c.rollback();
          } else {
            c.commit();
          }
          return done;
        } catch (SQLException e) {
          try {
            c.rollback();
          } catch (SQLException ignored) {
            // the connection is gone: the server rolls the transaction back
          }
          throw e;
        }
      }
    }, e -> onRetry.run());
    if (outcomes == null) {
      return refused;
    }
    List<Row> results = new ArrayList<>();
    for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
      Outcome o = e.getValue();
      long unchanged = o.staged - o.inserted - o.updated;
      LOG.info("Published {}: {} staged, {} inserted, {} updated, {} unchanged, {} deleted", e.getKey(), o.staged,
          o.inserted, o.updated, unchanged, o.deleted);
      results.add(JdbcPublish.result(e.getKey(), o.staged, o.inserted, o.updated, unchanged, o.deleted, true, null));
    }
    emptyStages();
    return results;
  }

  /** Null (and {@code refused} filled) when a staging table does not hold what the pipeline sent. */
  private Map<String, Outcome> publishOnce(Connection c, Map<String, Long> sent, List<Row> refused)
      throws SQLException {
    Map<String, Long> held = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (Table t : tables.values()) {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + dialect.quoteTable(stageName(t.name, suffix)))) {
          r.next();
          held.put(t.name, r.getLong(1));
        }
        Long expected = sent.get(t.name);
        if (expected == null) {
          problems.add(t.name + " was not staged by this pipeline");
        } else if (expected != held.get(t.name).longValue()) {
          problems.add(stageName(t.name, suffix) + " holds " + held.get(t.name) + " rows, the pipeline sent "
              + expected + " keys");
        }
      }
      if (!problems.isEmpty()) {
        String reason = "refused: " + String.join("; ", problems);
        for (Table t : tables.values()) {
          refused.add(JdbcPublish.result(t.name, held.get(t.name), null, null, null, null, false, reason));
        }
        LOG.warn("Publishing {} {}", tables.keySet(), reason);
        return null;
      }
      Map<String, Outcome> outcomes = new LinkedHashMap<>();
      for (Table t : tables.values()) {
        String stage = stageName(t.name, suffix);
        Long deleted = t.replaced || t.parent != null ? (long) s.executeUpdate(deleteUnstaged(t, stage)) : null;
        long inserted;
        long updated;
        if (dialect == Dialect.POSTGRES) {
          try (ResultSet r = s.executeQuery(dialect.publish(t.name, stage, t.schema, t.keys))) {
            r.next();
            inserted = r.getLong(1);
            updated = r.getLong(2);
          }
        } else {
          List<String> statements = dialect.publishStaged(t.name, stage, t.schema, t.keys);
          updated = statements.size() == 2 ? s.executeUpdate(statements.get(0)) : 0;
          inserted = s.executeUpdate(statements.get(statements.size() - 1));
        }
        outcomes.put(t.name, new Outcome(held.get(t.name), inserted, updated, deleted));
      }
      return outcomes;
    }
  }

  /** Deletes the rows of {@code t} whose key is not in {@code stage} (plain SQL both dialects run). */
  private String deleteUnstaged(Table t, String stage) {
    String target = dialect.quoteTable(t.name);
    String staged = dialect.quoteTable(stage);
    StringBuilder match = new StringBuilder();
    for (String key : t.keys) {
      match.append(match.length() == 0 ? "" : " AND ").append(staged).append('.').append(Dialect.quote(key))
          .append(" = ").append(target).append('.').append(Dialect.quote(key));
    }
    String delete = "DELETE FROM " + target + " WHERE NOT EXISTS (SELECT 1 FROM " + staged + " WHERE " + match + ")";
    if (t.parent == null) {
      return delete;
    }
    String parents = dialect.quoteTable(stageName(t.parent, suffix));
    return delete + " AND EXISTS (SELECT 1 FROM " + parents + " WHERE " + parents + "." + Dialect.quote(t.parentKey)
        + " = " + target + "." + Dialect.quote(t.parentColumn) + ")";
  }

  /**
   * After a commit: the staging tables are emptied. A failure here changes nothing published (a
   * re-run publishes the same rows as unchanged), so it is logged rather than failing the run.
   */
  private void emptyStages() {
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      for (Table t : tables.values()) {
        s.execute("DELETE FROM " + dialect.quoteTable(stageName(t.name, suffix)));
      }
    } catch (SQLException e) {
      LOG.warn("Published, but the staging tables of {} could not be emptied on {}: {}", tables.keySet(),
          connection.describe(), e.getMessage());
    }
  }

  JdbcConnection connection() {
    return connection;
  }

  Dialect dialect() {
    return dialect;
  }
}
