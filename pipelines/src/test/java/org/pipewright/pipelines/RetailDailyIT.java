package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.Document;
import org.junit.After;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalMongo;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.LocalRetailApis;
import org.pipewright.testing.ServiceRule;

/**
 * RetailDaily against the local stand-in of the two APIs, a real PostgreSQL and a MongoDB server
 * (mongo-java-server: no real mongod can be installed here): a week fetched, landed, valued and
 * stored; a re-run changes nothing; a wrong key stops the job; faults are retried or dead-lettered.
 */
public class RetailDailyIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);
  @ClassRule public static final ServiceRule<LocalMongo> MONGO = ServiceRule.of("mongo", LocalMongo::start);
  @ClassRule public static final ServiceRule<LocalRetailApis> APIS = ServiceRule.of("retail-apis", dir -> LocalRetailApis.start());

  private static final List<String> TABLES = List.of("valuation", "discount", "trending_frequency", "trending_top");

  @After
  public void clearFaults() {
    APIS.get().clearFaults();
  }

  @Test
  public void aWeekIsFetchedValuedAndStoredAndARerunChangesNothing() throws Exception {
    Path landing = TMP.newFolder("week-landing").toPath();
    Path out = TMP.getRoot().toPath().resolve("week-out");
    run(landing, out, "2017-03-02", "2017-03-08", "wk_", keys());

    List<String> files = files(landing);
    assertEquals(21, files.size());
    for (String day : List.of("2017-03-02", "2017-03-05", "2017-03-08")) {
      for (String kind : RetailDaily.KINDS) {
        assertTrue(files.contains(kind + "/dt=" + day + "/" + RetailLanding.FETCHED));
      }
    }
    JsonNode summary = Outputs.summary(out);
    for (String kind : RetailDaily.KINDS) {
      JsonNode t = summary.get(kind);
      assertEquals(kind, t.get("read").asLong(),
          t.get("clean").asLong() + t.get("duplicates").asLong() + t.get("deadLetter").asLong());
    }
    assertEquals(7, summary.get("rates").get("clean").asLong());
    assertEquals(7, summary.get("vod").get("read").asLong());
    assertEquals(7 * 25, summary.get("trends").get("read").asLong());
    List<JsonNode> valuation = Outputs.rows(out.resolve("valuation"));
    List<JsonNode> discount = Outputs.rows(out.resolve("discount"));
    assertEquals(summary.get("vod").get("clean").asLong(), valuation.size());
    assertEquals(summary.get("trends").get("clean").asLong(), discount.size());
    long deadLetters = 0;
    for (String kind : RetailDaily.KINDS) {
      deadLetters += summary.get(kind).get("deadLetter").asLong();
    }
    assertEquals(deadLetters, Outputs.rows(out.resolve("dead-letter")).size());

    // Each value of the day against the landed answers, worked out here from the raw JSON.
    for (JsonNode row : valuation) {
      String day = row.get("date").asText();
      JsonNode vod = Outputs.parse(Files.readString(landing.resolve("vod/dt=" + day + "/" + RetailLanding.FETCHED)));
      JsonNode rates = Outputs.parse(Files.readString(landing.resolve("rates/dt=" + day + "/" + RetailLanding.FETCHED)));
      assertEquals(vod.get("itemId").asText(), row.get("item_id").asText());
      assertEquals(day, row.get("rate_date").asText());
      BigDecimal price = new BigDecimal(vod.get("salePrice").asText());
      for (String ccy : List.of("EUR", "GBP", "INR", "JPY")) {
        BigDecimal want = price.multiply(new BigDecimal(rates.get("quotes").get("USD" + ccy).asText()))
            .setScale(6, RoundingMode.HALF_UP);
        assertEquals(day + " " + ccy, 0, want.compareTo(new BigDecimal(row.get("value_" + ccy).asText())));
      }
    }

    Warehouse warehouse = new Warehouse(POSTGRES.get());
    for (String table : TABLES) {
      assertEquals(table, Warehouse.numbersAsDecimals(Outputs.rows(out.resolve(table))),
          Warehouse.numbersAsDecimals(warehouse.rows("wk_" + table).stream().map(Outputs::parse).collect(Collectors.toList())));
    }
    // The quality results also land in the one table all pipelines share (no prefix).
    assertEquals(Outputs.quality(out, "retail"), Outputs.quality(warehouse.rows(WarehouseTables.QUALITY).stream()
        .map(Outputs::parse).collect(Collectors.toList()), "retail"));
    Map<String, List<String>> tables = warehouse.snapshot(tableNames("wk_"));
    try (MongoClient client = MongoClients.create(MONGO.get().uri())) {
      MongoCollection<Document> docs = client.getDatabase("pipewright").getCollection("wk_valuation");
      assertEquals(valuation.size(), docs.countDocuments());
      JsonNode first = valuation.get(0);
      Document doc = docs.find(new Document("_id", new Document("item_id", first.get("item_id").asText())
          .append("date", first.get("date").asText()))).first();
      assertEquals(first.get("name").asText(), doc.getString("name"));
      assertEquals(discount.size(), client.getDatabase("pipewright").getCollection("wk_discount").countDocuments());
    }

    // What the README shows for looking at a collection without a MongoDB shell.
    String shown = BundledJar.runOk("org.pipewright.pipelines.ShowTable",
        List.of(MONGO.get().uri().replaceAll("/$", "") + "/pipewright/wk_valuation", "--limit=2"), Map.of());
    assertThat(shown, containsString("(2 of " + valuation.size() + " documents)"));
    assertEquals(shown, 2, shown.lines().filter(l -> l.startsWith("{\"_id\": {\"item_id\"")).count());

    Map<String, String> landed = contents(landing);
    run(landing, TMP.getRoot().toPath().resolve("week-out-again"), "2017-03-02", "2017-03-08", "wk_", keys());
    assertEquals("a re-run lands the same files", landed, contents(landing));
    assertEquals("a re-run changes no row", tables, warehouse.snapshot(tableNames("wk_")));
    try (MongoClient client = MongoClients.create(MONGO.get().uri())) {
      assertEquals(valuation.size(), client.getDatabase("pipewright").getCollection("wk_valuation").countDocuments());
    }

    // One day of the same archive: the frequency and the top list are that day's, not a mix of runs.
    Path oneDay = TMP.getRoot().toPath().resolve("week-one-day");
    run(landing, oneDay, "2017-03-08", "2017-03-08", "wk_", keys());
    for (String table : List.of("trending_frequency", "trending_top")) {
      assertEquals(table, Warehouse.numbersAsDecimals(Outputs.rows(oneDay.resolve(table))),
          Warehouse.numbersAsDecimals(warehouse.rows("wk_" + table).stream().map(Outputs::parse).collect(Collectors.toList())));
    }
  }

  @Test
  public void aWrongKeyStopsTheJobAtOnceWithOneErrorLine() throws Exception {
    APIS.get().clearRequests();
    Map<String, String> env = new TreeMap<>(keys());
    env.put(RetailApiOptions.PRODUCTS_KEY_ENV, "wrong-key-4711");
    BundledJar.Result result = BundledJar.run("org.pipewright.pipelines.RetailDaily",
        args(TMP.newFolder("wrong-key").toPath(), TMP.getRoot().toPath().resolve("wrong-key-out"),
            "2017-03-02", "2017-03-08", null), env);
    assertThat(result.output, result.exitCode, not(0));
    List<String> errors = result.output.lines().filter(l -> l.startsWith("error:")).collect(Collectors.toList());
    assertEquals(result.output, 1, errors.size());
    assertThat(errors.get(0), containsString("HTTP 401"));
    assertThat(result.output, not(containsString("wrong-key-4711")));
    // Stopped at the first refusals, not after calling for each of the 7 days (14 products calls).
    // How many calls are already under way when the first 401 stops the job depends on the
    // runner's threads (CI once saw 8), so the test asks for fewer than all of them, not a number.
    assertThat(APIS.get().requestCount("/v1/"), lessThan(14));
  }

  @Test
  public void serverErrorsAndRateLimitsAreRetriedAndNothingIsLost() throws Exception {
    APIS.get().clearRequests();
    APIS.get().fail("/v1/trends", 3, 503).tooManyRequests("/api/historical", 2, 1).fail("/v1/vod", 2, 500);
    Path landing = TMP.newFolder("faults-landing").toPath();
    Path out = TMP.getRoot().toPath().resolve("faults-out");
    run(landing, out, "2017-04-01", "2017-04-03", null, keys());
    assertEquals(9, files(landing).size());
    assertEquals(List.of(), failedCalls(out));
    assertThat(APIS.get().requestCount(), greaterThan(9 + 3 + 2 + 2 - 1));
    assertEquals(3, Outputs.summary(out).get("vod").get("read").asLong());
  }

  @Test
  public void aMalformedAnswerIsADeadLetterWithItsUrlAndTheKeyMasked() throws Exception {
    APIS.get().malformed("/v1/vod", 1);
    Path landing = TMP.newFolder("malformed-landing").toPath();
    Path out = TMP.getRoot().toPath().resolve("malformed-out");
    run(landing, out, "2017-05-01", "2017-05-02", null, keys());
    List<JsonNode> failed = failedCalls(out);
    assertEquals(failed.toString(), 1, failed.size());
    String source = failed.get(0).get("source").asText();
    assertThat(source, startsWith(APIS.get().url() + "/v1/vod?"));
    assertThat(source, containsString("apiKey=***"));
    assertFalse(failed.get(0).toString().contains(APIS.get().productsKey()));
    assertEquals("the other day's answer landed", 1,
        files(landing).stream().filter(f -> f.startsWith("vod/")).count());
    assertEquals(1, Outputs.summary(out).get("vod").get("read").asLong());
  }

  private static Map<String, String> keys() {
    return Map.of(RetailApiOptions.PRODUCTS_KEY_ENV, APIS.get().productsKey(),
        RetailApiOptions.FX_KEY_ENV, APIS.get().fxKey(),
        "PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
  }

  private static List<String> args(Path landing, Path out, String from, String to, String prefix) {
    List<String> args = new ArrayList<>(List.of("--input=" + landing, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0", "--fetch=true", "--from=" + from, "--to=" + to,
        "--productsUrl=" + APIS.get().url(), "--fxUrl=" + APIS.get().url()));
    if (prefix != null) {
      args.addAll(List.of("--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
          "--createTables=true", "--tablePrefix=" + prefix, "--mongoUri=" + MONGO.get().uri()));
    }
    return args;
  }

  private static void run(Path landing, Path out, String from, String to, String prefix, Map<String, String> env)
      throws Exception {
    BundledJar.runOk("org.pipewright.pipelines.RetailDaily", args(landing, out, from, to, prefix), env);
  }

  private static List<String> tableNames(String prefix) {
    return TABLES.stream().map(t -> prefix + t).collect(Collectors.toList());
  }

  /** The failed calls of a fetch; the folder is only there when some call failed. */
  private static List<JsonNode> failedCalls(Path out) {
    Path dir = out.resolve(RetailLanding.FETCH_DEAD_LETTER);
    return Files.isDirectory(dir) ? Outputs.rows(dir) : List.of();
  }

  private static List<String> files(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
          .collect(Collectors.toList());
    }
  }

  private static Map<String, String> contents(Path root) throws Exception {
    Map<String, String> all = new TreeMap<>();
    for (String file : files(root)) {
      all.put(file, Files.readString(root.resolve(file), StandardCharsets.UTF_8));
    }
    return all;
  }
}
