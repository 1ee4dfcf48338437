package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/** {@link RunLog} against a real PostgreSQL: the row of a run from its start to its end, and a table that is not there. */
public class RunLogIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  @Test
  public void aRunIsRecordedRunningThenWithItsCountsThenFinished() throws Exception {
    WarehouseTables tables = tables();
    JdbcOptions options = options();
    RunLog log = RunLog.start(tables, true, "pinterest", PinterestStreaming.class, options, true);
    Map<String, Object> row = row(log.id());
    assertEquals("pinterest", row.get("pipeline"));
    assertEquals("PinterestStreaming", row.get("job"));
    assertEquals("streaming", row.get("kind"));
    assertEquals(options.getRunner().getSimpleName(), row.get("runner"));
    assertEquals(RunLog.RUNNING, row.get("status"));
    assertNull(row.get("finished_at"));
    assertNull(row.get("quality"));
    assertEquals("{}", row.get("counts"));

    log.progress(Map.of("pin.read", 10L, "pin.clean", 8L, "pin.deadLetter", 2L, "geo.read", 4L), List.of("pin", "geo"));
    JsonNode counts = Outputs.parse((String) row(log.id()).get("counts"));
    assertEquals(10, counts.at("/pin/read").asLong());
    assertEquals(8, counts.at("/pin/clean").asLong());
    assertEquals(2, counts.at("/pin/deadLetter").asLong());
    assertEquals(4, counts.at("/geo/read").asLong());
    assertEquals(0, counts.at("/geo/deadLetter").asLong());
    assertEquals(RunLog.RUNNING, row(log.id()).get("status"));

    log.finish(RunLog.SUCCEEDED, "warn", "{\"pin\":{\"read\":10}}");
    row = row(log.id());
    assertEquals(RunLog.SUCCEEDED, row.get("status"));
    assertEquals("warn", row.get("quality"));
    assertEquals("{\"pin\":{\"read\":10}}", row.get("counts"));
    LocalDateTime started = (LocalDateTime) row.get("started_at");
    LocalDateTime finished = (LocalDateTime) row.get("finished_at");
    assertNotNull(finished);
    assertFalse(finished.isBefore(started));
  }

  @Test
  public void theTimesAreTheInstantsWhateverTheJvmsTimeZone() throws Exception {
    java.util.TimeZone zone = java.util.TimeZone.getDefault();
    java.time.Instant before = java.time.Instant.now();
    RunLog log;
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
      log = RunLog.start(tables(), true, "pinterest", PinterestBatch.class, options(), false);
      log.finish(RunLog.SUCCEEDED, null, null);
    } finally {
      java.util.TimeZone.setDefault(zone);
    }
    java.time.Instant after = java.time.Instant.now();
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT EXTRACT(EPOCH FROM started_at) * 1000, EXTRACT(EPOCH FROM finished_at) * 1000"
            + " FROM " + RunLog.TABLE + " WHERE run_id = '" + log.id() + "'")) {
      assertTrue(r.next());
      for (int column = 1; column <= 2; column++) {
        long millis = r.getBigDecimal(column).longValue();
        // Whole milliseconds may round down: a millisecond of slack at the start.
        assertTrue(column + ": " + millis + " not in " + before + ".." + after,
            millis >= before.toEpochMilli() - 1 && millis <= after.toEpochMilli());
      }
    }
  }

  @Test
  public void aPipelineThatFailsIsRecordedAsFailed() throws Exception {
    RunLog log = RunLog.start(tables(), true, "movies", MoviesWarehouse.class, options(), false);
    Pipeline pipeline = Pipeline.create(options());
    pipeline.apply(Create.of(1, 2)).apply(MapElements.into(TypeDescriptors.integers()).via((Integer i) -> {
      throw new IllegalStateException("broken step " + i);
    }));
    RuntimeException e = assertThrows(RuntimeException.class, () -> Runs.run(pipeline, 0, List.of(), log));
    assertThat(String.valueOf(e.getMessage()) + e.getCause(), containsString("broken step"));
    Map<String, Object> row = row(log.id());
    assertEquals(RunLog.FAILED, row.get("status"));
    assertNotNull(row.get("finished_at"));
  }

  @Test
  public void aMissingTableIsOneWarningAndTheRunGoesOn() throws Exception {
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + RunLog.TABLE);
    }
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    RunLog log;
    try {
      log = RunLog.start(tables(), false, "retail", RetailDaily.class, options(), false);
      log.progress(Map.of("trends.read", 1L), List.of("trends"));
      log.finish(RunLog.SUCCEEDED, "pass", "{}");
    } finally {
      System.setErr(err);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    List<String> warnings = printed.lines().filter(l -> l.startsWith("warning:")).collect(Collectors.toList());
    assertEquals(printed, 1, warnings.size());
    assertThat(warnings.get(0), containsString("warning: this run is not recorded in pipewright_runs on "
        + POSTGRES.get().jdbcUrl()));
    assertThat(warnings.get(0), containsString("--createTables"));
    try (Connection c = POSTGRES.get().connect(); ResultSet r = c.getMetaData().getTables(null, null, RunLog.TABLE, null)) {
      assertFalse("the log did not create the table", r.next());
    }
  }

  private static JdbcOptions options() throws Exception {
    Path password = TMP.getRoot().toPath().resolve("password");
    Files.writeString(password, POSTGRES.get().password());
    return PipelineOptionsFactory.fromArgs("--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + POSTGRES.get().user(), "--jdbcPasswordFile=" + password).as(JdbcOptions.class);
  }

  private static WarehouseTables tables() throws Exception {
    return WarehouseTables.of(options(), "runlog_", List.of(WarehouseTables.DEAD_LETTER));
  }

  private static Map<String, Object> row(String id) throws SQLException {
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT * FROM " + RunLog.TABLE + " WHERE run_id = '" + id + "'")) {
      assertTrue("no row for " + id, r.next());
      Map<String, Object> row = new java.util.HashMap<>();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        Object value = r.getObject(i);
        row.put(r.getMetaData().getColumnName(i),
            value instanceof java.sql.Timestamp ? ((java.sql.Timestamp) value).toLocalDateTime() : value);
      }
      assertFalse(r.next());
      return row;
    }
  }
}
