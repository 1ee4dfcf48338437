package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalMongo;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.LocalRetailApis;
import org.pipewright.testing.ServiceRule;

/**
 * RetailStreaming from the bundled jar, polling the local stand-in of the two APIs every second
 * into a real PostgreSQL: killed with SIGKILL and restarted, its tables end up exactly as
 * RetailDaily computes them from the final landing archive (no row lost, none duplicated, the
 * newest answer kept), on the Direct runner and on embedded Flink. The archive also holds a
 * malformed answer and an older answer for today's value of the day, and one poll gets a malformed
 * answer from the API: all three show in the tables as RetailDaily says, or as a failed call. The
 * same runs upsert MongoDB (mongo-java-server): its documents end up as the PostgreSQL rows, the
 * replayed older answers never winning. The rates are a side input refreshed every 2 s.
 */
public class RetailStreamingIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);
  @ClassRule public static final ServiceRule<LocalMongo> MONGO = ServiceRule.of("mongo", LocalMongo::start);
  @ClassRule public static final ServiceRule<LocalRetailApis> APIS = ServiceRule.of("retail-apis", dir -> LocalRetailApis.start());

  private static final List<String> TABLES = List.of("valuation", "discount");
  private static final String FAILED_CALL = " (poll ";

  @After
  public void clearFaults() {
    APIS.get().clearFaults();
  }

  @Test
  public void killedAndRestartedOnDirectItsTablesAreWhatRetailDailyComputes() throws Exception {
    killRestartAndCompare("rsd", List.of("--runner=DirectRunner"));
  }

  @Test
  public void killedAndRestartedOnFlinkItsTablesAreWhatRetailDailyComputes() throws Exception {
    killRestartAndCompare("rsf", List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));
  }

  private void killRestartAndCompare(String name, List<String> runner) throws Exception {
    Path landing = TMP.newFolder(name + "-landing").toPath();
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    // Landed before the job starts: an answer that is not JSON, and an older value of the day that
    // the polled ones must win over (its name sorts before any poll's HHmmssSSS).
    // The poller lands a poll's rates before its items: so does this older "poll".
    Files.writeString(Files.createDirectories(landing.resolve("rates/dt=" + today)).resolve("000000000.json"),
        APIS.get().data().ratesAnswer(LocalDate.parse(today), false,
            java.time.Instant.now().getEpochSecond() - 7200).toString());
    Path vodDay = Files.createDirectories(landing.resolve("vod/dt=" + today));
    ObjectNode older = (ObjectNode) Outputs.parse(APIS.get().data().valueOfTheDay(LocalDate.parse(today)).toString());
    older.put("salePrice", 1.25);
    Files.writeString(vodDay.resolve("000000000.json"), older.toString());
    Files.writeString(Files.createDirectories(landing.resolve("trends/dt=" + today)).resolve("000000000.json"),
        "{\"time\": 1, \"items\": [not json");
    APIS.get().malformed("/v1/vod", 1);

    Warehouse warehouse = new Warehouse(POSTGRES.get());
    Path log = Jobs.logFile("retail-" + name);
    java.util.Set<String> runs = warehouse.runIds();
    Process job = start(name, landing, runner, log, false);
    try {
      Jobs.await("three polls landed and processed", () -> files(landing, "vod").size() >= 4
          && count(warehouse, name + "_valuation") >= 1 && count(warehouse, name + "_discount") >= 25, job, log);
      // The job records its counts itself while it runs, on Flink too (whose metrics are off).
      Jobs.await("the run's counts of those polls", () -> counted(warehouse, runs), job, log);
      job.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertTrue("the killed job exited", job.waitFor(30, TimeUnit.SECONDS));
      int landedBeforeKill = files(landing, "vod").size();
      Files.writeString(log, "---- killed after " + landedBeforeKill + " vod files\n",
          java.nio.file.StandardOpenOption.APPEND);

      job = start(name, landing, runner, log, false);
      Jobs.await("two more polls after the restart", () -> files(landing, "vod").size() >= landedBeforeKill + 2, job, log);
      Jobs.stop(job); // SIGTERM: polling stops, the archive is final
      assertThat(failedCalls(warehouse, name).toString(), failedCalls(warehouse, name).size(), greaterThanOrEqualTo(1));
      assertThat(failedCalls(warehouse, name).get(0), containsString("/v1/vod?date=" + today + "&apiKey=***"));

      // A killed write may have left a temporary file: RetailDaily reads answers (*.json) only.
      BundledJar.runOk("org.pipewright.pipelines.RetailDaily", List.of("--input=" + landing,
          "--output=" + TMP.getRoot().toPath().resolve(name + "-daily"), "--outputFormat=json", "--progressSeconds=0",
          "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(), "--createTables=true",
          "--tablePrefix=" + name + "_daily_"), env());
      Map<String, List<String>> expected = new java.util.TreeMap<>();
      for (String table : TABLES) {
        expected.put(table, warehouse.rows(name + "_daily_" + table));
      }
      expected.put("dead_letter", warehouse.rows(name + "_daily_dead_letter"));
      assertThat(expected.get("valuation").size(), greaterThan(0));
      assertThat("the older value of the day lost", expected.get("valuation").get(0), org.hamcrest.Matchers.not(
          containsString("\"sale_price\":1.25")));
      assertTrue(expected.get("dead_letter").toString(), expected.get("dead_letter").stream()
          .anyMatch(d -> d.contains("000000000.json") && d.contains("\"kind\":\"trends\"")));

      // On RetailDaily's tables without --createTables: one line before the job starts, not a failed write.
      List<String> onDaily = new ArrayList<>(List.of("--input=" + landing, "--watchOnly=true",
          "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
          "--tablePrefix=" + name + "_daily_"));
      onDaily.addAll(runner);
      BundledJar.Result refused = BundledJar.run("org.pipewright.pipelines.RetailStreaming", onDaily, env());
      assertEquals(refused.output, 2, refused.exitCode);
      assertEquals("error: table " + name + "_daily_valuation has no column source (RetailDaily made it): run"
          + " RetailStreaming once with --createTables, which adds it", refused.output.strip());

      // Restarted once more: whatever the earlier runs had not processed yet is read now.
      job = start(name, landing, runner, log, true);
      Process watching = job;
      Jobs.await("the tables RetailDaily computes", () -> expected.equals(streamed(warehouse, name)), job, log);
      assertEquals(expected, streamed(warehouse, name));
      // MongoDB got the same upserts, replays of older answers included, and kept the same newest rows.
      for (String table : TABLES) {
        String collection = name + "_" + table;
        Jobs.await(collection + " in MongoDB as in PostgreSQL",
            () -> documents(collection).equals(sqlRows(warehouse, collection)), job, log);
        assertEquals(collection, sqlRows(warehouse, collection), documents(collection));
      }
      assertTrue(watching.isAlive());
    } finally {
      Jobs.stop(job);
    }
  }

  private static Process start(String name, Path landing, List<String> runner, Path log, boolean watchOnly)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--input=" + landing, "--productsUrl=" + APIS.get().url(),
        "--fxUrl=" + APIS.get().url(), "--pollSeconds=1", "--maxAttempts=2",
        "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(), "--createTables=true",
        "--tablePrefix=" + name + "_", "--progressSeconds=5", "--watchOnly=" + watchOnly,
        "--rateRefreshSeconds=2", "--mongoUri=" + MONGO.get().uri()));
    args.addAll(runner);
    return BundledJar.start("org.pipewright.pipelines.RetailStreaming", args, env(), log);
  }

  private static Map<String, String> env() {
    return Map.of(RetailApiOptions.PRODUCTS_KEY_ENV, APIS.get().productsKey(),
        RetailApiOptions.FX_KEY_ENV, APIS.get().fxKey(),
        "PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
  }

  /** The streaming tables as RetailDaily writes them: without the source column, failed calls aside. */
  private static Map<String, List<String>> streamed(Warehouse warehouse, String name) {
    Map<String, List<String>> tables = new java.util.TreeMap<>();
    try {
      for (String table : TABLES) {
        tables.put(table, warehouse.rows("SELECT * FROM " + name + "_" + table, List.of("source")));
      }
      tables.put("dead_letter", warehouse.rows("SELECT * FROM " + name + "_dead_letter WHERE position('"
          + FAILED_CALL + "' in source) = 0", List.of()));
    } catch (SQLException e) {
      return Map.of(); // a table not created yet
    }
    return tables;
  }

  /** A table's rows (source included) as text, numbers by value: {@link #documents} must give the same. */
  private static java.util.Set<Map<String, String>> sqlRows(Warehouse warehouse, String table) {
    java.util.Set<Map<String, String>> rows = new java.util.HashSet<>();
    try {
      for (String json : warehouse.rows("SELECT * FROM " + table, List.of())) {
        Map<String, String> row = new java.util.TreeMap<>();
        Outputs.parse(json).fields().forEachRemaining(f -> row.put(f.getKey(), f.getValue().isNull() ? null
            : f.getValue().isNumber() ? f.getValue().decimalValue().stripTrailingZeros().toPlainString()
            : f.getValue().asText()));
        rows.add(row);
      }
    } catch (SQLException e) {
      return java.util.Set.of();
    }
    return rows;
  }

  /** The documents of a collection like {@link #sqlRows}, without their _id (it repeats the key fields). */
  private static java.util.Set<Map<String, String>> documents(String collection) {
    java.util.Set<Map<String, String>> rows = new java.util.HashSet<>();
    try (MongoClient client = MongoClients.create(MONGO.get().uri())) {
      for (Document doc : client.getDatabase("pipewright").getCollection(collection).find()) {
        Map<String, String> row = new java.util.TreeMap<>();
        doc.forEach((k, v) -> {
          if (!k.equals("_id")) {
            Object value = v instanceof Decimal128 ? ((Decimal128) v).bigDecimalValue() : v;
            row.put(k, value == null ? null : value instanceof Number
                ? new java.math.BigDecimal(value.toString()).stripTrailingZeros().toPlainString() : value.toString());
          }
        });
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<String> failedCalls(Warehouse warehouse, String name) throws SQLException {
    return warehouse.rows("SELECT * FROM " + name + "_dead_letter WHERE position('" + FAILED_CALL + "' in source) > 0",
        List.of()).stream().map(Outputs::parse).map(d -> d.get("source").asText() + " " + d.get("reason").asText())
        .collect(Collectors.toList());
  }

  /** Whether the run started since {@code runs} has counted the trends of a poll, the refused answer, a value and rates. */
  private static boolean counted(Warehouse warehouse, java.util.Set<String> runs) {
    JsonNode counts;
    try {
      counts = Outputs.parse(warehouse.newRun(runs).get("counts").asText());
    } catch (SQLException | AssertionError e) {
      return false; // no row yet
    }
    return counts.at("/trends/clean").asLong() >= 25 && counts.at("/trends/deadLetter").asLong() >= 1
        && counts.at("/vod/clean").asLong() >= 1 && counts.at("/rates/clean").asLong() >= 1;
  }

  private static long count(Warehouse warehouse, String table) {
    try {
      return warehouse.count("SELECT count(*) FROM " + table);
    } catch (SQLException e) {
      return -1;
    }
  }

  private static List<String> files(Path landing, String kind) {
    try (Stream<Path> walk = Files.walk(landing.resolve(kind))) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".json")).map(Path::toString)
          .collect(Collectors.toList());
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }
}
