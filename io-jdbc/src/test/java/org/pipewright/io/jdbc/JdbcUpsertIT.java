package org.pipewright.io.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assume.assumeTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.joda.time.Instant;
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
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * JdbcUpsert, JdbcReplace and JdbcCheckpointStore against a real PostgreSQL server, for both
 * dialects. Redshift itself is not available locally: its path (a temporary staging table, then
 * UPDATE ... FROM and INSERT ... WHERE NOT EXISTS, arrays as JSON text in VARCHAR(65535)) is plain
 * SQL that PostgreSQL also runs, so that is what the REDSHIFT runs exercise. Each test uses its
 * own tables, named after the dialect.
 */
@RunWith(Parameterized.class)
public class JdbcUpsertIT {
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

  private static JdbcConnection connection;
  private static Path passwordFile;
  private static final String SESSION_NAME = "pipewright-checkpoint-test";

  private static final Schema PIN = Schema.builder()
      .addInt64Field("ind")
      .addNullableField("title", FieldType.STRING)
      .addNullableField("follower_count", FieldType.INT32)
      .addNullableField("coordinates", FieldType.array(FieldType.DOUBLE))
      .addNullableField("timestamp", FieldType.DATETIME)
      .addNullableField("downloaded", FieldType.BOOLEAN)
      .build();

  private static final Schema COUNT = Schema.builder()
      .addStringField("category")
      .addNullableField("title", FieldType.STRING)
      .addInt64Field("posts")
      .build();

  @BeforeClass
  public static void startPostgres() throws Exception {
    passwordFile = TMP.newFile("password").toPath();
    // A trailing newline, as editors write it: only the first line is the password.
    Files.writeString(passwordFile, POSTGRES.get().password() + "\n", StandardCharsets.UTF_8);
    connection = JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(POSTGRES.get().user())
        .withPasswordFile(passwordFile.toString());
  }

  private String table(String name) {
    return name + "_" + dialect;
  }

  // ---- (a) every column type -------------------------------------------------------------

  @Test
  public void upsertWritesEveryColumnTypeExactly() throws Exception {
    String table = table("pin_types");
    JdbcUpsert sink = pinSink(table);
    List<Row> rows = List.of(
        pin(1L, "Zoë ✨ \"quoted\" O'Brien", 12345, Arrays.asList(-42.0773, -163.698),
            Instant.parse("2020-08-28T03:52:47.123Z"), true),
        pin(-9_007_199_254_740_993L, "", Integer.MIN_VALUE, List.of(), Instant.parse("1970-01-01T00:00:00Z"), false),
        pin(3L, null, null, null, null, null));
    write(first, PIN, rows, sink);

    List<List<Object>> expected = new ArrayList<>();
    expected.add(Arrays.asList(-9_007_199_254_740_993L, "", Integer.MIN_VALUE, array(List.of(), "[]"),
        java.time.Instant.parse("1970-01-01T00:00:00Z"), false));
    expected.add(Arrays.asList(1L, "Zoë ✨ \"quoted\" O'Brien", 12345,
        array(List.of(-42.0773, -163.698), "[-42.0773,-163.698]"),
        java.time.Instant.parse("2020-08-28T03:52:47.123Z"), true));
    expected.add(Arrays.asList(3L, null, null, null, null, null));
    assertEquals(expected, query("SELECT * FROM " + table + " ORDER BY \"ind\""));
    assertEquals(dialect == Dialect.REDSHIFT ? "character varying" : "ARRAY",
        scalar("SELECT data_type FROM information_schema.columns WHERE table_name = '" + table.toLowerCase()
            + "' AND column_name = 'coordinates'"));
  }

  @Test
  public void aNulCharacterIsStoredAsAReplacementCharacterInsteadOfFailingTheBatch() throws Exception {
    String table = table("pin_nul");
    JdbcUpsert sink = pinSink(table);
    write(first, PIN, List.of(pin(1L, "a\u0000b", 1, null, null, null), pin(2L, "plain", 2, null, null, null)), sink);
    assertEquals(List.of(Arrays.asList(1L, "a\uFFFDb"), Arrays.asList(2L, "plain")),
        query("SELECT \"ind\", \"title\" FROM " + table + " ORDER BY \"ind\""));
  }

  @Test
  public void controlCharactersBackslashesAndOddNumbersArriveUnchanged() throws Exception {
    String table = table("copy_text");
    Schema odd = Schema.builder()
        .addInt64Field("ind")
        .addNullableField("text", FieldType.STRING)
        .addNullableField("ratio", FieldType.DOUBLE)
        .addNullableField("share", FieldType.FLOAT)
        .addNullableField("rank", FieldType.INT16)
        .build();
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect);
    sink.createTable(odd);
    List<String> texts = List.of("tab\there", "two\nlines\r\n", "back\\slash \\N \\t", "\\N", "\\.",
        "\\.\nafter", "{\"a\",b}", "end\\");
    List<Double> ratios = List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 1e300,
        Double.MIN_VALUE, 0.1 + 0.2, -123456789.125);
    List<Row> rows = new ArrayList<>();
    List<List<Object>> expected = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      float share = (float) (ratios.get(i) / 3);
      short rank = (short) (i % 2 == 0 ? Short.MIN_VALUE + i : Short.MAX_VALUE - i);
      rows.add(Row.withSchema(odd).addValues((long) i, texts.get(i), ratios.get(i), share, rank).build());
      expected.add(Arrays.asList((long) i, texts.get(i), ratios.get(i), share, (int) rank));
    }
    write(first, odd, rows, sink);
    List<List<Object>> stored = query("SELECT * FROM " + table + " ORDER BY \"ind\"");
    // -0.0 equals 0.0 in SQL and may come back as either; compare it by value
    assertEquals(0.0, (Double) stored.get(3).get(2), 0.0);
    stored.get(3).set(2, -0.0);
    assertEquals(expected, stored);
  }

  @Test
  public void stringArraysWithQuotesBracesAndNullsArriveUnchanged() throws Exception {
    assumeTrue("Redshift's layout keeps arrays as JSON text", dialect == Dialect.POSTGRES);
    String table = table("copy_arrays");
    Schema tagged = Schema.builder()
        .addInt64Field("ind")
        .addNullableField("tags", FieldType.array(FieldType.STRING.withNullable(true)))
        .addNullableField("counts", FieldType.iterable(FieldType.INT64))
        .build();
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect);
    sink.createTable(tagged);
    List<String> tags = Arrays.asList("a,b", "{braced}", "say \"hi\"", "back\\slash", "", null, "NULL", "tab\tnew\nline",
        " padded ");
    write(first, tagged, List.of(
        Row.withSchema(tagged).addValues(1L, tags, List.of(1L, -2L, Long.MAX_VALUE)).build(),
        Row.withSchema(tagged).addValues(2L, List.of(), List.of()).build(),
        Row.withSchema(tagged).addValues(3L, null, null).build()), sink);
    assertEquals(List.of(
            Arrays.asList(1L, tags, List.of(1L, -2L, Long.MAX_VALUE)),
            Arrays.asList(2L, List.of(), List.of()),
            Arrays.asList(3L, null, null)),
        query("SELECT * FROM " + table + " ORDER BY \"ind\""));
  }

  @Test
  public void columnsTheRowsDoNotHaveKeepTheirDefaults() throws Exception {
    assumeTrue("PostgreSQL's DDL", dialect == Dialect.POSTGRES);
    String table = table("with_defaults");
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " (\"category\" TEXT PRIMARY KEY, \"title\" TEXT, \"posts\" BIGINT NOT NULL,"
          + " \"source\" TEXT NOT NULL DEFAULT 'pipewright')");
    }
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("category").withConnection(connection).withDialect(dialect);
    write(first, COUNT, List.of(count("art", "a", 3), count("diy", null, 5)), sink);
    write(second, COUNT, List.of(count("art", "b", 4)), sink);
    assertEquals(List.of(Arrays.asList("art", "b", 4L, "pipewright"), Arrays.asList("diy", null, 5L, "pipewright")),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));
  }

  // ---- (b) idempotence and duplicates ----------------------------------------------------

  @Test
  public void runningTwiceAndDuplicateKeysGiveOneRowPerKeyLastOneWins() throws Exception {
    String table = table("pin_twice");
    JdbcUpsert sink = pinSink(table);
    // One batch (one bundle, in this order): key 1 three times, key 2 twice.
    List<Row> rows = List.of(
        pin(1L, "first", 1, null, null, null),
        pin(2L, "two", 2, null, null, true),
        pin(1L, "second", 11, null, null, null),
        pin(2L, "two again", 22, null, null, false),
        pin(1L, "last", 111, List.of(1.5), null, true));
    write(first, PIN, rows, sink);
    List<List<Object>> expected = List.of(
        Arrays.asList(1L, "last", 111, array(List.of(1.5), "[1.5]"), null, true),
        Arrays.asList(2L, "two again", 22, null, null, false));
    assertEquals(expected, query("SELECT * FROM " + table + " ORDER BY \"ind\""));

    write(second, PIN, rows, sink);
    assertEquals(expected, query("SELECT * FROM " + table + " ORDER BY \"ind\""));
  }

  @Test
  public void calendarDatesAndDecimalsAreStoredExactly() throws Exception {
    String table = table("cpi_dates");
    Schema cpi = Schema.builder()
        .addField("month", FieldType.logicalType(SqlTypes.DATE))
        .addNullableField("released", FieldType.logicalType(SqlTypes.DATE))
        .addNullableField("value", FieldType.DECIMAL)
        .build();
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("month").withConnection(connection).withDialect(dialect);
    sink.createTable(cpi);
    write(first, cpi, List.of(
        Row.withSchema(cpi).addValues(LocalDate.of(1995, 12, 1), LocalDate.of(1995, 12, 31),
            new BigDecimal("241.123456789")).build(),
        Row.withSchema(cpi).addValues(LocalDate.of(2024, 2, 29), null, null).build()), sink);
    assertEquals(List.of(
            Arrays.asList(LocalDate.of(1995, 12, 1), LocalDate.of(1995, 12, 31), new BigDecimal("241.123456789")),
            Arrays.asList(LocalDate.of(2024, 2, 29), null, null)),
        query("SELECT * FROM " + table + " ORDER BY \"month\""));
    assertEquals("date", scalar("SELECT data_type FROM information_schema.columns WHERE table_name = '"
        + table.toLowerCase() + "' AND column_name = 'month'"));
  }

  /** An upsert of {@code PIN} rows by {@code ind} into {@code table}, which it creates. */
  private JdbcUpsert pinSink(String table) throws java.sql.SQLException {
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect);
    sink.createTable(PIN);
    return sink;
  }

  @Test
  public void aKeyThatAnotherWriterInsertsMeanwhileIsUpdatedOnceItCommits() throws Exception {
    String table = table("pin_concurrent");
    JdbcUpsert sink = pinSink(table);
    PipelineResult result;
    try (Connection other = POSTGRES.get().connect()) {
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        s.executeUpdate("INSERT INTO " + table + " (ind, title) VALUES (5, 'other writer')");
      }
      first.getOptions().as(DirectOptions.class).setBlockOnRun(false);
      input(first, PIN, List.of(pin(5L, "pipeline", 5, null, null, true))).apply(sink);
      result = first.run();
      // The sink's transaction has met the other one's uncommitted row (PostgreSQL: the key;
      // Redshift layout: the table lock) and waits for it to end.
      POSTGRES.get().awaitLockWaiter(table.toLowerCase(java.util.Locale.ROOT), -1, java.time.Duration.ofMinutes(2));
      other.commit();
    }
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(Duration.standardSeconds(60)));
    assertEquals(List.of(Arrays.asList(5L, "pipeline", 5, null, null, true)), query("SELECT * FROM " + table));
  }

  @Test
  public void duplicateKeysAcrossBatchesAlsoEndWithTheLastRow() throws Exception {
    String table = table("pin_batches");
    JdbcUpsert sink = pinSink(table).withBatchSize(2);
    write(first, PIN, List.of(
        pin(1L, "a", 1, null, null, null),
        pin(2L, "b", 2, null, null, null),
        pin(1L, "c", 3, null, null, null),
        pin(3L, "d", 4, null, null, null),
        pin(1L, "e", 5, null, null, null)), sink);
    assertEquals(List.of(
            Arrays.asList(1L, "e", 5, null, null, null),
            Arrays.asList(2L, "b", 2, null, null, null),
            Arrays.asList(3L, "d", 4, null, null, null)),
        query("SELECT * FROM " + table + " ORDER BY \"ind\""));
  }

  @Test
  public void aBatchLongerThanOneStatementIsWrittenWholeAndReplacedWholeOnASecondRun() throws Exception {
    String table = table("pin_chunks");
    JdbcUpsert sink = pinSink(table).withBatchSize(10_000);
    // More rows than one multi-row statement holds, and not a multiple of it: a full chunk and a remainder.
    int n = 2 * JdbcWriter.MAX_ROWS_PER_STATEMENT + 345;
    List<Row> firstRows = new ArrayList<>();
    List<Row> secondRows = new ArrayList<>();
    for (long ind = 1; ind <= n; ind++) {
      firstRows.add(pin(ind, "first " + ind, (int) ind, null, null, null));
      secondRows.add(pin(ind, "second " + ind, (int) ind, List.of(1.5), null, true));
    }
    write(first, PIN, firstRows, sink);
    assertEquals(List.of(Arrays.asList((long) n, (long) n)),
        query("SELECT count(*), count(DISTINCT \"ind\") FROM " + table + " WHERE \"title\" LIKE 'first %'"));
    write(second, PIN, secondRows, sink);
    assertEquals(List.of(Arrays.asList((long) n, 0L)), query("SELECT count(*), count(*) FILTER (WHERE \"title\" <> "
        + "'second ' || \"ind\" OR \"downloaded\" IS NOT TRUE) FROM " + table));
  }

  @Test
  public void manyBatchesOfOneSizeWithNullsComingAndGoingAreAllWritten() throws Exception {
    String table = table("pin_reused");
    // Batches of one size reuse one statement text: after a few batches the driver runs it as
    // prepared on the server, which must survive a parameter switching between NULL and a value
    // (and, for Redshift, the staging table being dropped and made again for every batch).
    JdbcUpsert sink = pinSink(table).withBatchSize(6);
    List<Row> rows = new ArrayList<>();
    for (long ind = 1; ind <= 96; ind++) {
      boolean odd = ind % 2 == 1;
      rows.add(pin(ind, odd ? null : "t" + ind, odd ? (int) ind : null, odd ? List.of(1.0 * ind) : null,
          odd ? null : Instant.ofEpochSecond(ind), odd ? true : null));
    }
    write(first, PIN, rows, sink);
    assertEquals(List.of(Arrays.asList(96L, 48L, 48L, 48L, 48L, 48L, 4656L)), query("SELECT count(*), count(\"title\"),"
        + " count(\"follower_count\"), count(\"coordinates\"), count(\"timestamp\"), count(\"downloaded\"),"
        + " sum(\"ind\")::bigint FROM " + table + " WHERE \"ind\" % 2 = 1 AND \"follower_count\" = \"ind\" OR \"ind\" % 2 = 0"
        + " AND \"title\" = 't' || \"ind\" AND extract(epoch FROM \"timestamp\") = \"ind\""));
  }

  // ---- (b2) rows the database refuses ----------------------------------------------------

  /** A table of {@code PIN} rows whose titles hold 5 characters and whose follower counts are >= 0. */
  private JdbcUpsert narrowPinSink(String table) throws SQLException {
    JdbcUpsert sink = pinSink(table);
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE " + table + " ALTER COLUMN title TYPE VARCHAR(5)");
      s.execute("ALTER TABLE " + table + " ADD CONSTRAINT followers_not_negative CHECK (follower_count >= 0)");
    }
    return sink;
  }

  @Test
  public void rowsTheDatabaseRefusesBecomeDeadLettersInTheirWindowsAndEveryOtherRowIsWritten() throws Exception {
    String table = table("pin_refused");
    JdbcUpsert sink = narrowPinSink(table);
    List<Row> rows = new ArrayList<>();
    for (long ind = 1; ind <= 20; ind++) {
      rows.add(pin(ind, ind == 7 || ind == 8 ? "far too long" : "t" + ind, ind == 13 ? -1 : (int) ind, null, null, null));
    }
    // Row n at minute n, in windows of ten minutes: a refused row must stay in its own window.
    JdbcUpsert.Result result = input(first, PIN, rows)
        .apply(WithTimestamps.of((Row r) -> new Instant(r.getInt64("ind") * 60_000L)))
        .apply(Window.into(FixedWindows.of(Duration.standardMinutes(10))))
        .apply(sink.withBatchSize(8).withDeadLetters());
    PAssert.that(result.deadLetters()).satisfies(deadLetters -> {
      List<Row> all = new ArrayList<>();
      deadLetters.forEach(all::add);
      assertEquals(3, all.size());
      java.util.Map<String, Row> bySource = new java.util.TreeMap<>();
      all.forEach(d -> bySource.put(DeadLetter.source(d), d));
      assertEquals(List.of(table + "#13", table + "#7", table + "#8"), new ArrayList<>(bySource.keySet()));
      Row tooLong = bySource.get(table + "#7");
      assertEquals(table, DeadLetter.kind(tooLong));
      assertEquals(JdbcUpsert.STEP, DeadLetter.step(tooLong));
      assertThat(DeadLetter.reason(tooLong), containsString("refused by " + table + " (SQL state 22001)"));
      assertThat(DeadLetter.reason(tooLong), containsString("character varying(5)"));
      assertEquals(RowJson.format(rows.get(6)), DeadLetter.payload(tooLong));
      Row negative = bySource.get(table + "#13");
      assertThat(DeadLetter.reason(negative), containsString("(SQL state 23514)"));
      assertThat(DeadLetter.reason(negative), containsString("followers_not_negative"));
      assertEquals(RowJson.format(rows.get(12)), DeadLetter.payload(negative));
      return null;
    });
    PAssert.that(result.deadLetters().apply("Sources", MapElements.into(TypeDescriptors.strings())
            .via((Row d) -> DeadLetter.source(d))))
        .inWindow(new IntervalWindow(new Instant(0), Duration.standardMinutes(10)))
        .containsInAnyOrder(table + "#7", table + "#8");
    PipelineResult run = first.run();
    run.waitUntilFinish();
    List<List<Object>> expected = new ArrayList<>();
    for (long ind = 1; ind <= 20; ind++) {
      if (ind != 7 && ind != 8 && ind != 13) {
        expected.add(Arrays.asList(ind, "t" + ind, (int) ind));
      }
    }
    assertEquals(expected, query("SELECT \"ind\", \"title\", \"follower_count\" FROM " + table + " ORDER BY \"ind\""));
    assertEquals(17L, awaitCounter(run, table + ".upserted", 17));
    assertEquals(3L, awaitCounter(run, table + ".refused", 3));
  }

  @Test
  public void withoutDeadLettersARefusedRowFailsTheJobNamingTheRowsKeyTableAndSqlState() throws Exception {
    String table = table("pin_refused_fails");
    JdbcUpsert sink = narrowPinSink(table);
    List<Row> rows = new ArrayList<>();
    for (long ind = 1; ind <= 10; ind++) {
      rows.add(pin(ind, ind == 6 ? "far too long" : "t" + ind, (int) ind, null, null, null));
    }
    Exception e = assertThrows(Exception.class, () -> write(first, PIN, rows, sink));
    String messages = allMessages(e);
    assertThat(messages, containsString(table + " refused the row with key 6 (ind), so the job stops"));
    assertThat(messages, containsString("writing 1 rows to " + table + " on " + connection.describe()
        + " failed after 1 attempt(s) (SQL state 22001)"));
  }

  @Test
  public void aTransientFailureOfABatchThatIsThenRefusedCountsAsRetried() throws Exception {
    String table = table("pin_refused_retried");
    JdbcUpsert sink = narrowPinSink(table);
    // The first row the table meets fails with a serialization failure (40001, retried); a sequence
    // is not rolled back with the transaction, so only that first attempt fails. The retry then meets
    // the refused row, and the batch is halved.
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
      s.execute("CREATE SEQUENCE " + table + "_attempts");
      s.execute("CREATE FUNCTION " + table + "_fail_once() RETURNS trigger AS $$ BEGIN"
          + " IF nextval('" + table + "_attempts') = 1 THEN"
          + " RAISE EXCEPTION 'injected conflict' USING ERRCODE = '40001'; END IF;"
          + " RETURN NEW; END $$ LANGUAGE plpgsql");
      s.execute("CREATE TRIGGER fail_once BEFORE INSERT OR UPDATE ON " + table
          + " FOR EACH ROW EXECUTE FUNCTION " + table + "_fail_once()");
    }
    List<Row> rows = new ArrayList<>();
    for (long ind = 1; ind <= 4; ind++) {
      // A CHECK is tested row by row after the trigger (a too long value would fail before it).
      rows.add(pin(ind, "t" + ind, ind == 3 ? -1 : (int) ind, null, null, null));
    }
    input(first, PIN, rows).apply(sink.withDeadLetters());
    PipelineResult run = first.run();
    run.waitUntilFinish();
    assertEquals(List.of(List.of(1L), List.of(2L), List.of(4L)), query("SELECT \"ind\" FROM " + table + " ORDER BY 1"));
    assertEquals(1L, awaitCounter(run, table + ".refused", 1));
    assertEquals(1L, awaitCounter(run, table + ".retried", 1));
  }

  @Test
  public void withDeadLettersAFailureOfTheTableItselfStillFailsTheJob() throws Exception {
    String table = table("no_such_table_either");
    input(first, PIN, List.of(pin(1L, "x", 1, null, null, null)))
        .apply(JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect).withDeadLetters());
    Exception e = assertThrows(Exception.class, () -> first.run().waitUntilFinish());
    assertThat(allMessages(e), containsString("(SQL state 42P01)"));
  }

  // ---- (c) merge expressions -------------------------------------------------------------

  @Test
  public void greatestMergeKeepsTheLargerCountWhenASmallerOneArrivesLater() throws Exception {
    String table = table("category_count");
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("category").withConnection(connection)
        .withDialect(dialect).withMerge("posts", "GREATEST({old}, {new})");
    sink.createTable(COUNT);
    write(first, COUNT, List.of(count("art", "first", 5), count("travel", "first", 1)), sink);
    assertEquals(List.of(Arrays.asList("art", "first", 5L), Arrays.asList("travel", "first", 1L)),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));

    // Late and smaller for art, larger for travel, and a new key; title has no merge: incoming wins.
    write(second, COUNT,
        List.of(count("art", "late", 3), count("travel", "late", 7), count("diy", "late", 2)), sink);
    assertEquals(List.of(
            Arrays.asList("art", "late", 5L),
            Arrays.asList("diy", "late", 2L),
            Arrays.asList("travel", "late", 7L)),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));
  }

  /** Panes of one cell can meet in one batch; a smaller or empty later one must not win. */
  @Test
  public void aMergedKeyTwiceInOneBatchIsMergedNotReplaced() throws Exception {
    String table = table("cell_count");
    JdbcUpsert sink = JdbcUpsert.into(table).withKeys("category").withConnection(connection)
        .withDialect(dialect).withMerge("posts", "GREATEST({old}, {new})");
    sink.createTable(COUNT);
    write(first, COUNT, List.of(count("art", "final", 5), count("travel", "early", 1), count("art", "empty", 0),
        count("travel", "final", 4)), sink);
    assertEquals(List.of(Arrays.asList("art", "empty", 5L), Arrays.asList("travel", "final", 4L)),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));
  }

  // ---- (d) replace -----------------------------------------------------------------------

  @Test
  public void replaceLeavesOnlyTheRowsOfTheLastRun() throws Exception {
    String table = table("top_category");
    JdbcReplace sink = JdbcReplace.table(table).withKeys("category").withConnection(connection)
        .withDialect(dialect);
    sink.createTable(COUNT);
    write(first, COUNT, List.of(count("art", "a", 5), count("travel", "t", 1), count("diy", "d", 9)), sink);
    assertEquals(List.of(
            Arrays.asList("art", "a", 5L), Arrays.asList("diy", "d", 9L), Arrays.asList("travel", "t", 1L)),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));

    write(second, COUNT, List.of(count("travel", "t2", 4)), sink);
    assertEquals(List.of(Arrays.asList("travel", "t2", 4L)), query("SELECT * FROM " + table));

    // An answer that became empty empties the table: no stale rows from the run before.
    write(third, COUNT, List.of(), sink);
    assertEquals(List.of(), query("SELECT * FROM " + table));
  }

  @Test
  public void aScopedReplaceLeavesTheRowsOfOtherScopes() throws Exception {
    // One table two jobs share, keyed by (title, category): each replaces only its own rows.
    String table = table("shared_counts");
    JdbcReplace shared = JdbcReplace.table(table).withKeys("title", "category").withConnection(connection)
        .withDialect(dialect);
    shared.createTable(COUNT);
    write(first, COUNT, List.of(count("art", "a", 5), count("diy", "a", 9)), shared.withScope("title", "a"));
    write(second, COUNT, List.of(count("art", "b", 1)), shared.withScope("title", "b"));
    write(third, COUNT, List.of(count("travel", "a", 2)), shared.withScope("title", "a"));
    assertEquals(List.of(Arrays.asList("art", "b", 1L), Arrays.asList("travel", "a", 2L)),
        query("SELECT * FROM " + table + " ORDER BY \"category\""));
  }

  // ---- (e) errors ------------------------------------------------------------------------

  @Test
  public void wrongPasswordNamesServerAndSqlStateButNotThePassword() throws Exception {
    String wrong = "S3CRET-jdbc-4711";
    Path file = TMP.newFile("wrong-" + dialect).toPath();
    Files.writeString(file, wrong, StandardCharsets.UTF_8);
    JdbcConnection bad = JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(POSTGRES.get().user())
        .withPasswordFile(file.toString());
    String server = "cannot connect to " + POSTGRES.get().jdbcUrl() + " as " + POSTGRES.get().user();

    SQLException direct = assertThrows(SQLException.class, () -> bad.open().close());
    assertEquals("28P01", direct.getSQLState()); // invalid_password
    assertThat(direct.getMessage(), containsString(server));
    assertThat(allMessages(direct), not(containsString(wrong)));

    String table = table("pin_wrong_password");
    JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect).createTable(PIN);
    Exception e = assertThrows(Exception.class, () -> write(first, PIN, List.of(pin(1L, "x", 1, null, null, null)),
        JdbcUpsert.into(table).withKeys("ind").withConnection(bad).withDialect(dialect)));
    String messages = allMessages(e);
    assertThat(messages, containsString("writing 1 rows to " + table + " on " + POSTGRES.get().jdbcUrl()
        + " as " + POSTGRES.get().user() + " failed after 1 attempt(s) (SQL state 28P01)"));
    assertThat(messages, containsString(server));
    assertThat(messages, not(containsString(wrong)));
    assertEquals(0L, scalar("SELECT count(*) FROM " + table));
  }

  @Test
  public void missingPasswordFromTheDefaultEnvironmentVariableFailsAtOnceNamingTheServer() throws Exception {
    assumeTrue(JdbcConnection.PASSWORD_ENV + " must be unset for this test",
        System.getenv(JdbcConnection.PASSWORD_ENV) == null);
    JdbcConnection noPassword = JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(POSTGRES.get().user());
    String server = "cannot connect to " + POSTGRES.get().jdbcUrl() + " as " + POSTGRES.get().user() + ": ";
    SQLException direct = assertThrows(SQLException.class, () -> noPassword.open().close());
    assertThat(direct.getMessage(), containsString(server));
    assertThat(direct.getMessage(), containsString("no password was provided"));
    // The driver's "connection rejected" state: a configuration error, not an outage.
    assertEquals("08004", direct.getSQLState());
    assertFalse(JdbcWriter.isTransient(direct));

    String table = table("pin_no_password");
    JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect).createTable(PIN);
    Exception e = assertThrows(Exception.class, () -> write(first, PIN, List.of(pin(1L, "x", 1, null, null, null)),
        JdbcUpsert.into(table).withKeys("ind").withConnection(noPassword).withDialect(dialect)));
    assertThat(allMessages(e), containsString("writing 1 rows to " + table + " on " + noPassword.describe()
        + " failed after 1 attempt(s) (SQL state 08004): " + server));
  }

  @Test
  public void passwordInTheUrlIsMaskedInMessages() {
    String url = "jdbc:postgresql://127.0.0.1:1/postgres?user=x&password=T0p-S3cret&ssl=false";
    JdbcConnection c = JdbcConnection.to(url);
    assertEquals("jdbc:postgresql://127.0.0.1:1/postgres?user=x&password=***&ssl=false", c.describe());
    SQLException e = assertThrows(SQLException.class, () -> c.open().close());
    assertThat(e.getMessage(), containsString("cannot connect to jdbc:postgresql://127.0.0.1:1/postgres?user=x"
        + "&password=***&ssl=false"));
    assertThat(allMessages(e), not(containsString("T0p-S3cret")));
  }

  @Test
  public void missingTableFailsAtOnceNamingTheTable() throws Exception {
    String table = table("no_such_table");
    Exception e = assertThrows(Exception.class, () -> write(first, PIN, List.of(pin(1L, "x", 1, null, null, null)),
        JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect)));
    String messages = allMessages(e);
    assertThat(messages, containsString("writing 1 rows to " + table + " on " + connection.describe()
        + " failed after 1 attempt(s) (SQL state 42P01)"));
    assertThat(messages, containsString("relation \"" + table.toLowerCase() + "\" does not exist"));
  }

  @Test
  public void aUserWithoutWritePermissionFailsAtOnceNamingTheTable() throws Exception {
    String table = table("read_only");
    String reader = "reader_" + dialect;
    JdbcUpsert.into(table).withKeys("ind").withConnection(connection).withDialect(dialect).createTable(PIN);
    // LocalPostgres's own user is a superuser, so a plain role that may only read the table.
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + reader + " LOGIN PASSWORD 'reader-pw'");
      s.execute("GRANT SELECT ON " + table + " TO " + reader);
    }
    Path password = TMP.newFile(reader + ".password").toPath();
    Files.writeString(password, "reader-pw", StandardCharsets.UTF_8);
    JdbcConnection readOnly = JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(reader)
        .withPasswordFile(password.toString());
    readOnly.check(); // it can connect; it just may not write

    Exception e = assertThrows(Exception.class, () -> write(first, PIN, List.of(pin(1L, "x", 1, null, null, null)),
        JdbcUpsert.into(table).withKeys("ind").withConnection(readOnly).withDialect(dialect)));
    String messages = allMessages(e);
    assertThat(messages, containsString("writing 1 rows to " + table + " on " + readOnly.describe()
        + " failed after 1 attempt(s) (SQL state 42501)"));
    assertThat(messages, containsString("permission denied"));
    assertThat(messages, not(containsString("reader-pw")));
  }

  @Test
  public void unreachablePortSaysCannotConnectTo() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?connectTimeout=3";
    JdbcConnection nowhere = JdbcConnection.to(url).withUser("someone");
    SQLException e = assertThrows(SQLException.class, nowhere::check);
    assertThat(e.getMessage(), containsString("cannot connect to " + url + " as someone: "));
    assertEquals("08001", e.getSQLState()); // connection refused: transient, JdbcWriter retries it
    assertEquals(true, JdbcWriter.isTransient(e));
  }

  // ---- (f) transient failure -------------------------------------------------------------

  @Test
  public void writeStartedDuringAnOutageSucceedsOnceTheServerIsBack() throws Exception {
    String table = table("pin_outage");
    JdbcUpsert sink = pinSink(table);
    POSTGRES.get().stop();
    PipelineResult result;
    // While the database is away a bare socket holds its port, so the test knows when the write's
    // first attempt arrives (and drops it) instead of guessing how long the runner takes to get there.
    try (java.net.ServerSocket away = new java.net.ServerSocket()) {
      away.setReuseAddress(true);
      away.bind(new java.net.InetSocketAddress("127.0.0.1", POSTGRES.get().port()));
      away.setSoTimeout(120_000);
      first.getOptions().as(DirectOptions.class).setBlockOnRun(false);
      input(first, PIN, List.of(pin(7L, "after the outage", 7, null, null, true))).apply(sink);
      result = first.run(); // returns at once: the pipeline writes on the runner's threads
      away.accept().close();
    } finally {
      POSTGRES.get().start(); // no-op when already running
    }
    assertEquals(PipelineResult.State.DONE, result.waitUntilFinish(org.joda.time.Duration.standardSeconds(60)));
    assertEquals(List.of(Arrays.asList(7L, "after the outage", 7, null, null, true)),
        query("SELECT * FROM " + table));
    assertEquals(1L, awaitCounter(result, table + ".upserted", 1L));
    // The write really did meet the outage: at least one attempt was retried.
    assertThat(counter(result, table + ".retried"), greaterThanOrEqualTo(1L));
  }

  // ---- checkpoint store ------------------------------------------------------------------

  @Test
  public void checkpointStoreKeepsTheLastSaveMinusTheRewind() throws Exception {
    assumeTrue("the checkpoint table is the same for every dialect", dialect == Dialect.POSTGRES);
    JdbcCheckpointStore store = new JdbcCheckpointStore(connection, "streaming", Duration.standardMinutes(2));
    JdbcCheckpointStore other = new JdbcCheckpointStore(connection, "landing", Duration.ZERO);
    assertEquals(Optional.empty(), store.resumeTime()); // no table yet
    store.createTable();
    store.createTable(); // IF NOT EXISTS
    assertEquals(Optional.empty(), store.resumeTime()); // table, but nothing saved

    store.save(Instant.parse("2024-05-01T10:00:00.250Z"));
    assertEquals(Optional.of(Instant.parse("2024-05-01T09:58:00.250Z")), store.resumeTime());
    store.save(Instant.parse("2024-05-01T10:00:10.500Z"));
    assertEquals(Optional.of(Instant.parse("2024-05-01T09:58:10.500Z")), store.resumeTime());
    // A restarted job's first, older save does not move the point back.
    store.save(Instant.parse("2024-05-01T09:59:00Z"));
    assertEquals(Optional.of(Instant.parse("2024-05-01T09:58:10.500Z")), store.resumeTime());
    assertEquals(Optional.empty(), other.resumeTime());

    other.save(Instant.parse("2024-05-02T00:00:00Z"));
    assertEquals(Optional.of(Instant.parse("2024-05-02T00:00:00Z")), other.resumeTime());
    assertEquals(Optional.of(Instant.parse("2024-05-01T09:58:10.500Z")), store.resumeTime());
    assertEquals(List.of(
            Arrays.asList("landing", java.time.Instant.parse("2024-05-02T00:00:00Z"),
                java.time.Instant.parse("2024-05-02T00:00:00Z")),
            Arrays.asList("streaming", java.time.Instant.parse("2024-05-01T10:00:10.500Z"),
                java.time.Instant.parse("2024-05-01T09:58:10.500Z"))),
        query("SELECT \"name\", \"safe_time\", \"resume_time\" FROM " + JdbcCheckpointStore.TABLE
            + " ORDER BY \"name\""));
    store.close();
    other.close();
  }

  @Test
  public void checkpointStoreKeepsOneSessionAndReplacesALostOne() throws Exception {
    assumeTrue("the checkpoint table is the same for every dialect", dialect == Dialect.POSTGRES);
    // Its own application name tells the store's sessions from every other test's.
    JdbcConnection named = JdbcConnection.to(POSTGRES.get().jdbcUrl() + "?ApplicationName=" + SESSION_NAME)
        .withUser(POSTGRES.get().user()).withPasswordFile(passwordFile.toString());
    JdbcCheckpointStore store = new JdbcCheckpointStore(named, "one-session", Duration.ZERO);
    store.createTable();
    store.save(Instant.parse("2024-06-01T00:00:00Z"));
    List<Object> first = checkpointSessions();
    assertEquals("one session did the first save", 1, first.size());
    store.save(Instant.parse("2024-06-01T00:00:10Z"));
    store.save(Instant.parse("2024-06-01T00:00:20Z"));
    assertEquals("later saves reuse it", first, checkpointSessions());

    query("SELECT pg_terminate_backend(" + first.get(0) + ")");
    store.save(Instant.parse("2024-06-01T00:00:30Z")); // the lost session is replaced, not an error
    assertEquals(Optional.of(Instant.parse("2024-06-01T00:00:30Z")), store.resumeTime());
    List<Object> second = checkpointSessions();
    second.removeAll(first); // a terminated backend may still be listed for a moment
    assertEquals(1, second.size());

    store.close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (checkpointSessions().contains(second.get(0)) && System.nanoTime() < deadline) {
      Thread.sleep(20); // the server notices the closed socket on its own time
    }
    assertFalse("close ends the session", checkpointSessions().contains(second.get(0)));
    store.save(Instant.parse("2024-06-01T00:00:40Z")); // and a save after close opens a new one
    assertEquals(Optional.of(Instant.parse("2024-06-01T00:00:40Z")), store.resumeTime());
    store.close();
  }

  /** The sessions of the store in {@link #checkpointStoreKeepsOneSessionAndReplacesALostOne}. */
  private static List<Object> checkpointSessions() throws SQLException {
    List<Object> pids = new ArrayList<>();
    for (List<Object> row : query("SELECT pid FROM pg_stat_activity WHERE application_name = '"
        + SESSION_NAME + "' ORDER BY pid")) {
      pids.add(row.get(0));
    }
    return pids;
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static Row pin(long ind, String title, Integer followers, List<Double> coordinates, Instant ts,
      Boolean downloaded) {
    return Row.withSchema(PIN).addValues(ind, title, followers, coordinates, ts, downloaded).build();
  }

  private static Row count(String category, String title, long posts) {
    return Row.withSchema(COUNT).addValues(category, title, posts).build();
  }

  /** What an array column reads back as: a list in PostgreSQL, JSON text in the Redshift layout. */
  private Object array(List<Double> values, String json) {
    return dialect == Dialect.REDSHIFT ? json : values;
  }

  /** The rows in exactly this order, in one bundle (so in one batch of the sink). */
  private static PCollection<Row> input(Pipeline p, Schema schema, List<Row> rows) {
    return p.apply("One", Create.of(0)).apply("Rows", ParDo.of(new EmitFn(rows))).setRowSchema(schema);
  }

  private static void write(TestPipeline p, Schema schema, List<Row> rows,
      PTransform<PCollection<Row>, PCollection<Void>> sink) {
    input(p, schema, rows).apply(sink);
    p.run().waitUntilFinish();
  }

  private static final class EmitFn extends DoFn<Integer, Row> {
    private final List<Row> rows;

    EmitFn(List<Row> rows) {
      this.rows = rows;
    }

    @ProcessElement
    public void process(OutputReceiver<Row> out) {
      rows.forEach(out::output);
    }
  }

  /** Every row, with timestamps as java.time.Instant and PostgreSQL arrays as lists. */
  private static List<List<Object>> query(String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData meta = r.getMetaData();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          String type = meta.getColumnTypeName(i);
          if (type.equals("date")) {
            row.add(r.getObject(i, LocalDate.class));
          } else if (type.equals("timestamptz")) {
            OffsetDateTime t = r.getObject(i, OffsetDateTime.class);
            row.add(t == null ? null : t.toInstant());
          } else if (type.startsWith("_")) {
            Array a = r.getArray(i);
            row.add(a == null ? null : Arrays.asList((Object[]) a.getArray()));
          } else {
            row.add(r.getObject(i));
          }
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

  /** A counter's committed value; the direct runner publishes the last bundle's shortly after DONE. */
  private static long counter(PipelineResult result, String name) {
    MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(CleanRecords.METRICS_NAMESPACE, name)).build());
    long total = 0;
    for (MetricResult<Long> c : metrics.getCounters()) {
      total += c.getCommitted();
    }
    return total;
  }

  private static long awaitCounter(PipelineResult result, String name, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long value = counter(result, name);
    while (value != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
      value = counter(result, name);
    }
    return value;
  }

  private static String allMessages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        all.append(s).append('\n');
      }
    }
    return all.toString();
  }

}
