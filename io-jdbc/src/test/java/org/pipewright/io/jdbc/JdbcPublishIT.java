package org.pipewright.io.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;
import org.junit.runners.Parameterized;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;
import org.pipewright.transforms.core.CleanRecords;

/**
 * Write-audit-publish ({@link JdbcStaging}, {@link JdbcPublish}) against a real PostgreSQL server,
 * for both dialects (the Redshift statements are plain SQL PostgreSQL also runs). Two final tables
 * per test, named after the test and the dialect. "Not rewritten" is proven with {@code xmin}: an
 * UPDATE, even to the same values, gives a row a new one.
 */
@RunWith(Parameterized.class)
public class JdbcPublishIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  @Rule public final transient TestPipeline first = TestPipeline.create();
  @Rule public final transient TestPipeline second = TestPipeline.create();
  @Rule public final transient TestPipeline third = TestPipeline.create();

  @Parameters(name = "{0}")
  public static List<Dialect> dialects() {
    return List.of(Dialect.POSTGRES, Dialect.REDSHIFT);
  }

  @Parameter public Dialect dialect;

  private static final Schema ITEM = Schema.builder()
      .addInt64Field("id")
      .addNullableField("name", FieldType.STRING)
      .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
      .build();

  private static final Schema TAG = Schema.builder()
      .addInt64Field("item_id")
      .addStringField("tag")
      .addNullableField("score", FieldType.DOUBLE)
      .build();

  private static final Schema CHECK = Schema.builder()
      .addStringField("pipeline").addStringField("table_name").addStringField("check_name")
      .addStringField("severity").addStringField("status")
      .addNullableField("observed", FieldType.STRING).addNullableField("expected", FieldType.STRING)
      .build();

  private static final List<Row> ITEMS = List.of(
      item(1, "one", LocalDate.of(2017, 1, 1)), item(2, "two", null), item(3, null, LocalDate.of(1995, 12, 31)));
  private static final List<Row> TAGS = List.of(tag(1, "a", 1.5), tag(1, "b", null), tag(2, "a", 2.0));

  /** ITEMS with 2 renamed, 3's date cleared (null vs value is a change too), 4 new; 1 as it was. */
  private static final List<Row> CHANGED_ITEMS = List.of(
      item(1, "one", LocalDate.of(2017, 1, 1)), item(2, "TWO", null), item(3, null, null),
      item(4, "four", LocalDate.of(2024, 2, 29)));
  private static final List<Row> CHANGED_TAGS = List.of(tag(1, "a", 1.5), tag(1, "b", 0.5), tag(2, "a", 2.0),
      tag(4, "c", null));

  private String itemTable() {
    return "item_" + dialect;
  }

  private String tagTable() {
    return "tag_" + dialect;
  }

  private JdbcStaging staging(String prefix) {
    return JdbcStaging.of(connection(), dialect)
        .withTable(prefix + itemTable(), ITEM, "id")
        .withTable(prefix + tagTable(), TAG, "item_id", "tag");
  }

  private static JdbcConnection connection;

  @BeforeClass
  public static void passwordFile() throws Exception {
    Path password = TMP.newFile("password").toPath();
    Files.writeString(password, POSTGRES.get().password(), StandardCharsets.UTF_8);
    connection = JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(POSTGRES.get().user())
        .withPasswordFile(password.toString());
  }

  private static JdbcConnection connection() {
    return connection;
  }

  // ---- one run at a time -------------------------------------------------------------------

  /**
   * A second run of a load that shares a staging table with a running one is refused before it
   * empties anything; other loads are not; the claim ends with its holder. Redshift has no advisory
   * locks, so there the claim holds nothing.
   */
  @Test
  public void aSecondRunOfALoadIsRefusedWhileTheFirstHoldsItsStagingTables() throws Exception {
    JdbcStaging overlapping = JdbcStaging.of(connection(), dialect).withTable("claim_" + tagTable(), TAG, "item_id", "tag");
    try (JdbcStaging.Claim first = staging("claim_").claim()) {
      if (dialect == Dialect.POSTGRES) {
        SQLException refused = org.junit.Assert.assertThrows(SQLException.class, () -> overlapping.claim());
        assertThat(refused.getMessage(), org.hamcrest.Matchers.allOf(
            org.hamcrest.Matchers.startsWith("staging table claim_" + tagTable() + "_stage on "),
            org.hamcrest.Matchers.containsString("is in use by another run of this load (server process "),
            org.hamcrest.Matchers.endsWith("; run again once it has finished")));
      } else {
        overlapping.claim().close();
      }
      staging("other_").claim().close();
    }
    overlapping.claim().close();
  }

  // ---- load, re-run, changed input --------------------------------------------------------

  @Test
  public void loadRerunAndChangedInputInsertUpdateAndLeaveEqualRowsUntouched() throws Exception {
    JdbcStaging staging = staging("wap_");
    String items = "wap_" + itemTable();
    String tags = "wap_" + tagTable();

    run(first, staging, true, ITEMS, TAGS, List.of(), List.of(
        published(items, 3, 3, 0, 0), published(tags, 3, 3, 0, 0)));
    List<List<Object>> itemsAfterFirst = query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\"");
    List<List<Object>> tagsAfterFirst = query("SELECT xmin::text, * FROM " + tags + " ORDER BY \"item_id\", \"tag\"");
    assertEquals(List.of(
        Arrays.asList(1L, "one", LocalDate.of(2017, 1, 1)),
        Arrays.asList(2L, "two", null),
        Arrays.asList(3L, null, LocalDate.of(1995, 12, 31))), withoutXmin(itemsAfterFirst));
    assertEquals(0L, scalar("SELECT COUNT(*) FROM " + staging.stageTable(items))); // emptied after publishing

    // The same input again (a key twice in the input counts once): nothing inserted, nothing
    // updated, and not a single row rewritten.
    List<Row> again = new ArrayList<>(ITEMS);
    again.add(ITEMS.get(0));
    run(second, staging, false, again, TAGS, List.of(), List.of(
        published(items, 3, 0, 0, 3), published(tags, 3, 0, 0, 3)));
    assertEquals(itemsAfterFirst, query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\""));
    assertEquals(tagsAfterFirst, query("SELECT xmin::text, * FROM " + tags + " ORDER BY \"item_id\", \"tag\""));

    run(third, staging, false, CHANGED_ITEMS, CHANGED_TAGS, List.of(), List.of(
        published(items, 4, 1, 2, 1), published(tags, 4, 1, 1, 2)));
    List<List<Object>> itemsAfterChange = query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\"");
    assertEquals(List.of(
        Arrays.asList(1L, "one", LocalDate.of(2017, 1, 1)),
        Arrays.asList(2L, "TWO", null),
        Arrays.asList(3L, null, null),
        Arrays.asList(4L, "four", LocalDate.of(2024, 2, 29))), withoutXmin(itemsAfterChange));
    assertEquals(itemsAfterFirst.get(0), itemsAfterChange.get(0)); // the unchanged row was not rewritten
    assertThat(itemsAfterChange.get(1).get(0), not(itemsAfterFirst.get(1).get(0)));
    assertEquals(List.of(
        Arrays.asList(1L, "a", 1.5), Arrays.asList(1L, "b", 0.5), Arrays.asList(2L, "a", 2.0),
        Arrays.asList(4L, "c", null)),
        query("SELECT * FROM " + tags + " ORDER BY \"item_id\", \"tag\""));
  }

  @Test
  public void aReplacedTableLosesTheRowsALaterLoadDoesNotStage() throws Exception {
    String items = "replaced_" + itemTable();
    String tags = "replaced_" + tagTable();
    JdbcStaging staging = JdbcStaging.of(connection(), dialect).withTable(items, ITEM, "id")
        .withReplacedTable(tags, TAG, "item_id", "tag");
    run(first, staging, true, ITEMS, TAGS, List.of(), List.of(
        published(items, 3, 3, 0, 0), replaced(tags, 3, 3, 0, 0, 0)));
    // Fewer items and tags: the merged table keeps the items it did not get, the replaced one not.
    run(second, staging, false, ITEMS.subList(0, 1), List.of(tag(1, "a", 1.5), tag(2, "a", 2.5)), List.of(),
        List.of(published(items, 1, 0, 0, 1), replaced(tags, 2, 0, 1, 1, 1)));
    assertEquals(3L, scalar("SELECT COUNT(*) FROM " + items));
    assertEquals(List.of(Arrays.asList(1L, "a", 1.5), Arrays.asList(2L, "a", 2.5)),
        query("SELECT * FROM " + tags + " ORDER BY \"item_id\", \"tag\""));
  }

  @Test
  public void aChildTableLosesTheRowsOfTheParentsALaterLoadStagesWithoutThem() throws Exception {
    String items = "child_" + itemTable();
    String tags = "child_" + tagTable();
    JdbcStaging staging = JdbcStaging.of(connection(), dialect).withTable(items, ITEM, "id")
        .withChildTable(tags, TAG, items, "item_id", "item_id", "tag");
    List<Row> tagsOfThree = new ArrayList<>(TAGS);
    tagsOfThree.add(tag(3, "c", 1.0));
    run(first, staging, true, ITEMS, tagsOfThree, List.of(), List.of(
        published(items, 3, 3, 0, 0), replaced(tags, 4, 4, 0, 0, 0)));
    // Items 1 and 3 again, 1 with one tag fewer and 3 with none; item 2 not loaded keeps its tag.
    run(second, staging, false, List.of(ITEMS.get(0), ITEMS.get(2)), List.of(tag(1, "a", 1.5)), List.of(),
        List.of(published(items, 2, 0, 0, 2), replaced(tags, 1, 0, 0, 1, 2)));
    assertEquals(List.of(Arrays.asList(1L, "a", 1.5), Arrays.asList(2L, "a", 2.0)),
        query("SELECT * FROM " + tags + " ORDER BY \"item_id\", \"tag\""));
  }

  // ---- audit ------------------------------------------------------------------------------

  @Test
  public void aFailedErrorCheckLeavesTheFinalTablesExactlyAsTheyWere() throws Exception {
    JdbcStaging staging = staging("blocked_");
    String items = "blocked_" + itemTable();
    String tags = "blocked_" + tagTable();
    run(first, staging, true, ITEMS, TAGS, List.of(check(items, "row_count", "error", "pass")), List.of(
        published(items, 3, 3, 0, 0), published(tags, 3, 3, 0, 0)));
    List<List<Object>> itemsBefore = query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\"");
    List<List<Object>> tagsBefore = query("SELECT xmin::text, * FROM " + tags + " ORDER BY \"item_id\", \"tag\"");

    String reason = "blocked by checks: " + items + ".unique_key, " + tags + ".not_null_score";
    run(second, staging, false, CHANGED_ITEMS, CHANGED_TAGS, List.of(
            check(items, "row_count", "error", "pass"),
            check(tags, "not_null_score", "error", "fail"),
            check(items, "unique_key", "error", "fail"),
            check(items, "dead_letter_ratio", "warn", "fail")),
        List.of(JdbcPublish.result(items, 4L, null, null, null, null, false, reason),
            JdbcPublish.result(tags, 4L, null, null, null, null, false, reason)));

    assertEquals(itemsBefore, query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\""));
    assertEquals(tagsBefore, query("SELECT xmin::text, * FROM " + tags + " ORDER BY \"item_id\", \"tag\""));
    // The staged rows stay for inspection.
    assertEquals(4L, scalar("SELECT COUNT(*) FROM " + staging.stageTable(items)));
  }

  @Test
  public void aWarningBlocksOnlyUnderAStricterRule() throws Exception {
    JdbcStaging staging = staging("strict_");
    String items = "strict_" + itemTable();
    String tags = "strict_" + tagTable();
    List<Row> checks = List.of(check(items, "dead_letter_ratio", "warn", "fail"));
    run(first, staging, true, ITEMS, TAGS, checks, List.of(
        published(items, 3, 3, 0, 0), published(tags, 3, 3, 0, 0)));

    staging.prepare(false);
    PCollection<Row> itemsStaged = rows(second, "Items", ITEM, CHANGED_ITEMS).apply("Stage items", staging.stage(items));
    PCollection<Row> tagsStaged = rows(second, "Tags", TAG, CHANGED_TAGS).apply("Stage tags", staging.stage(tags));
    String reason = "blocked by checks: " + items + ".dead_letter_ratio";
    PAssert.that(rows(second, "Checks", CHECK, checks).apply(JdbcPublish.to(staging)
            .withStaged(itemsStaged, tagsStaged).withBlockingRule(new FailedAtAnySeverity())))
        .containsInAnyOrder(JdbcPublish.result(items, 4L, null, null, null, null, false, reason),
            JdbcPublish.result(tags, 4L, null, null, null, null, false, reason));
    second.run().waitUntilFinish();
    assertEquals(3L, scalar("SELECT COUNT(*) FROM " + items));
  }

  private static final class FailedAtAnySeverity implements org.apache.beam.sdk.transforms.SerializableFunction<Row, Boolean> {
    @Override
    public Boolean apply(Row check) {
      return "fail".equals(check.getString("status"));
    }
  }

  @Test
  public void aStagingTableThatDoesNotHoldWhatWasSentIsNotPublished() throws Exception {
    JdbcStaging staging = staging("tampered_");
    String items = "tampered_" + itemTable();
    String tags = "tampered_" + tagTable();
    staging.prepare(true);
    PCollection<Row> itemsStaged = rows(first, "Items", ITEM, ITEMS).apply("Stage items", staging.stage(items));
    PCollection<Row> tagsStaged = rows(first, "Tags", TAG, TAGS).apply("Stage tags", staging.stage(tags));
    // Someone else writes into the staging table after the pipeline staged it, before publishing.
    PCollection<Row> checks = first.apply("Start", Create.of(0))
        .apply("After staging", Wait.on(itemsStaged))
        .apply("Tamper", ParDo.of(new InsertFn("INSERT INTO " + staging.stageTable(items)
            + " (\"id\", \"name\") VALUES (99, 'intruder')")))
        .setRowSchema(CHECK);
    String reason = "refused: " + staging.stageTable(items) + " holds 4 rows, the pipeline sent 3 keys";
    PAssert.that(checks.apply(JdbcPublish.to(staging).withStaged(itemsStaged, tagsStaged)))
        .containsInAnyOrder(JdbcPublish.result(items, 4L, null, null, null, null, false, reason),
            JdbcPublish.result(tags, 3L, null, null, null, null, false, reason));
    first.run().waitUntilFinish();
    assertEquals(0L, scalar("SELECT COUNT(*) FROM " + items));
    assertEquals(0L, scalar("SELECT COUNT(*) FROM " + tags));
  }

  /** Runs one statement as the test's user, outputs nothing. */
  private static final class InsertFn extends DoFn<Integer, Row> {
    private final String sql;

    InsertFn(String sql) {
      this.sql = sql;
    }

    @ProcessElement
    public void process() throws SQLException {
      try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
        s.executeUpdate(sql);
      }
    }
  }

  // ---- a connection lost while publishing ---------------------------------------------------

  @Test
  public void aConnectionKilledMidPublishIsRolledBackAndRetriedNeverHalfPublished() throws Exception {
    JdbcStaging staging = staging("killed_");
    String items = "killed_" + itemTable();
    String tags = "killed_" + tagTable();
    run(first, staging, true, ITEMS, TAGS, List.of(), List.of(
        published(items, 3, 3, 0, 0), published(tags, 3, 3, 0, 0)));
    List<List<Object>> itemsBefore = query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\"");

    staging.prepare(false);
    PipelineResult result;
    try (Connection holder = POSTGRES.get().connect(); Statement lock = holder.createStatement()) {
      // The test holds a lock on the second final table: the publish merges the items, then waits
      // for the tags inside its transaction, which is where the test kills its connection.
      holder.setAutoCommit(false);
      lock.execute("LOCK TABLE " + tags + " IN ACCESS EXCLUSIVE MODE");

      second.getOptions().as(DirectOptions.class).setBlockOnRun(false);
      PCollection<Row> itemsStaged = rows(second, "Items", ITEM, CHANGED_ITEMS).apply("Stage items", staging.stage(items));
      PCollection<Row> tagsStaged = rows(second, "Tags", TAG, CHANGED_TAGS).apply("Stage tags", staging.stage(tags));
      PAssert.that(rows(second, "Checks", CHECK, List.of()).apply(JdbcPublish.to(staging)
              .withStaged(itemsStaged, tagsStaged)))
          .containsInAnyOrder(published(items, 4, 1, 2, 1), published(tags, 4, 1, 1, 2));
      result = second.run();

      int publisher = POSTGRES.get().awaitLockWaiter(tags, -1, java.time.Duration.ofMinutes(2));
      // The items are merged in the open transaction but invisible to everyone else.
      assertEquals(itemsBefore, query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\""));
      assertEquals(true, scalar("SELECT pg_terminate_backend(" + publisher + ")"));
      // The retry starts the whole transaction again and waits at the same place.
      POSTGRES.get().awaitLockWaiter(tags, publisher, java.time.Duration.ofMinutes(2));
      assertEquals(itemsBefore, query("SELECT xmin::text, * FROM " + items + " ORDER BY \"id\""));
      holder.rollback(); // releases the lock
    }
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(org.joda.time.Duration.standardSeconds(120)));
    assertEquals(List.of(
        Arrays.asList(1L, "one", LocalDate.of(2017, 1, 1)),
        Arrays.asList(2L, "TWO", null),
        Arrays.asList(3L, null, null),
        Arrays.asList(4L, "four", LocalDate.of(2024, 2, 29))),
        query("SELECT * FROM " + items + " ORDER BY \"id\""));
    // The direct runner publishes the last bundle's counters shortly after DONE.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (counter(result, "publish.retried") < 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(counter(result, "publish.retried"), greaterThanOrEqualTo(1L));
  }

  // ---- helpers ----------------------------------------------------------------------------

  private void run(TestPipeline p, JdbcStaging staging, boolean create, List<Row> items, List<Row> tags,
      List<Row> checks, List<Row> expected) throws SQLException {
    staging.prepare(create);
    List<String> tables = staging.tables();
    PCollection<Row> itemsStaged = rows(p, "Items", ITEM, items).apply("Stage items", staging.stage(tables.get(0)));
    PCollection<Row> tagsStaged = rows(p, "Tags", TAG, tags).apply("Stage tags", staging.stage(tables.get(1)));
    PAssert.that(rows(p, "Checks", CHECK, checks).apply(JdbcPublish.to(staging).withStaged(itemsStaged, tagsStaged)))
        .containsInAnyOrder(expected);
    p.run().waitUntilFinish();
  }

  private static PCollection<Row> rows(Pipeline p, String name, Schema schema, List<Row> rows) {
    return p.apply(name, Create.of(rows).withRowSchema(schema));
  }

  private static Row published(String table, long staged, long inserted, long updated, long unchanged) {
    return JdbcPublish.result(table, staged, inserted, updated, unchanged, null, true, null);
  }

  /** The result of a replaced table, which also says how many rows it lost. */
  private static Row replaced(String table, long staged, long inserted, long updated, long unchanged, long deleted) {
    return JdbcPublish.result(table, staged, inserted, updated, unchanged, deleted, true, null);
  }

  private static Row item(long id, String name, LocalDate day) {
    return Row.withSchema(ITEM).addValues(id, name, day).build();
  }

  private static Row tag(long itemId, String tag, Double score) {
    return Row.withSchema(TAG).addValues(itemId, tag, score).build();
  }

  private static Row check(String table, String name, String severity, String status) {
    return Row.withSchema(CHECK).addValues("test", table, name, severity, status, null, null).build();
  }

  private static List<List<Object>> withoutXmin(List<List<Object>> rows) {
    List<List<Object>> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.subList(1, r.size())));
    return out;
  }

  private static List<List<Object>> query(String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData meta = r.getMetaData();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.add(meta.getColumnTypeName(i).equals("date") ? r.getObject(i, LocalDate.class) : r.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Object scalar(String sql) throws SQLException {
    List<List<Object>> rows = query(sql);
    assertEquals(sql, 1, rows.size());
    return rows.get(0).get(0);
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(CleanRecords.METRICS_NAMESPACE, name)).build()).getCounters()) {
      total += c.getCommitted();
    }
    return total;
  }
}
