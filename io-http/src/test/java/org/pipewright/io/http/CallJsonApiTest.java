package org.pipewright.io.http;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.GraphScan;
import org.pipewright.testing.LocalRetailApis;
import org.pipewright.testing.RetailData;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/**
 * {@link CallJsonApi} against the retail API stand-in over real HTTP on 127.0.0.1. The stand-in's
 * keys are marked secrets: no response, dead letter, display data or error may contain them.
 */
public class CallJsonApiTest {
  static final String PRODUCTS_KEY = "S3CRET-products-4711";
  static final String FX_KEY = "S3CRET-fx-4711";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final LocalDate MONDAY = LocalDate.parse("2017-03-06");

  private static LocalRetailApis apis;

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  @BeforeClass
  public static void startApis() {
    apis = LocalRetailApis.start(0, PRODUCTS_KEY, FX_KEY, RetailData.standard());
  }

  @AfterClass
  public static void stopApis() {
    apis.close();
  }

  @After
  public void reset() {
    apis.clearFaults();
    apis.clearRequests();
  }

  /** The products API with the key from a file (as a main would read it), quick back-off for tests. */
  private CallJsonApi products() throws Exception {
    Path keyFile = tmp.newFile().toPath();
    Files.writeString(keyFile, PRODUCTS_KEY + "\n");
    return CallJsonApi.at(apis.url()).withApiName("products")
        .withApiKey(ApiKey.fromFile(keyFile.toString()).inQuery("apiKey"))
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
        .withRateLimit(0);
  }

  private CallJsonApi fx(String key) {
    return CallJsonApi.at(apis.url()).withApiName("fx")
        .withApiKey(ApiKey.ofValue(key).inQuery("access_key"))
        .withApiErrorCheck(ApiErrorCheck.currencylayer())
        .withBackoff(Duration.ofMillis(5), Duration.ofMillis(40));
  }

  private PCollection<Row> requests(String step, List<Row> rows) {
    return pipeline.apply(step, Create.of(rows).withRowSchema(ApiRequest.SCHEMA));
  }

  /** name | url | status | body: everything of a response but the time it arrived. */
  private static PCollection<String> described(PCollection<Row> responses) {
    return responses.apply("Describe " + responses.getName(), MapElements.into(TypeDescriptors.strings())
        .via(r -> ApiResponse.name(r) + " | " + ApiResponse.url(r) + " | " + ApiResponse.status(r) + " | "
            + ApiResponse.body(r)));
  }

  private static String json(Object node) throws Exception {
    return MAPPER.writeValueAsString(node);
  }

  private static List<Row> week(String pathPrefix) {
    List<Row> rows = new ArrayList<>();
    for (int d = 0; d < 7; d++) {
      LocalDate date = MONDAY.plusDays(d);
      rows.add(ApiRequest.of(date.toString(), pathPrefix + (pathPrefix.contains("?") ? "" : "?date=") + date));
    }
    return rows;
  }

  @Test
  public void fetchesAWeekOfTrendsValueOfTheDayAndRates() throws Exception {
    List<Row> productRequests = new ArrayList<>();
    List<Row> rateRequests = new ArrayList<>();
    List<String> expectedProducts = new ArrayList<>();
    List<String> expectedRates = new ArrayList<>();
    RetailData data = apis.data();
    for (int d = 0; d < 7; d++) {
      LocalDate date = MONDAY.plusDays(d);
      productRequests.add(ApiRequest.of("trends/" + date, "/v1/trends?date=" + date));
      productRequests.add(ApiRequest.of("vod/" + date, "/v1/vod?date=" + date));
      rateRequests.add(ApiRequest.of("rates/" + date, "/api/historical?date=" + date));
      expectedProducts.add("trends/" + date + " | " + apis.url() + "/v1/trends?date=" + date + "&apiKey=*** | 200 | "
          + json(data.trends(date)));
      expectedProducts.add("vod/" + date + " | " + apis.url() + "/v1/vod?date=" + date + "&apiKey=*** | 200 | "
          + json(data.valueOfTheDay(date)));
      expectedRates.add("rates/" + date + " | " + apis.url() + "/api/historical?date=" + date
          + "&access_key=*** | 200 | " + json(data.ratesAnswer(date, true, RetailData.endOfDay(date))));
    }
    CleanResult products = requests("Product requests", productRequests).apply("Fetch products", products());
    CleanResult rates = requests("Rate requests", rateRequests).apply("Fetch rates", fx(FX_KEY).withRateLimit(50));

    PAssert.that(described(products.output())).containsInAnyOrder(expectedProducts);
    PAssert.that(described(rates.output())).containsInAnyOrder(expectedRates);
    PAssert.that(products.deadLetters()).empty();
    PAssert.that(rates.deadLetters()).empty();
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertEquals(21, apis.requestCount());
    assertEquals(Map.of("products.requests", 14L, "products.responses", 14L, "products.deadLetter", 0L,
        "products.retries", 0L), counters(result, "products"));
  }

  @Test
  public void aWrongKeyStopsTheJobAtOnceWithTheKeyMasked() {
    String wrongKey = "S3CRET-wrong-0815";
    requests("Requests", List.of(ApiRequest.of("d", "/v1/trends?date=2017-03-06")))
        .apply(CallJsonApi.at(apis.url()).withApiName("products").withApiKey(ApiKey.ofValue(wrongKey)));
    Exception failure = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());

    assertEquals("products API refused the key (HTTP 401) for GET " + apis.url()
        + "/v1/trends?date=2017-03-06&apiKey=***", HttpAuthException.find(failure));
    assertThat(stackTrace(failure), not(containsString(wrongKey)));
    assertEquals("one call, no retries", 1, apis.requestCount());
  }

  @Test
  public void aWrongKeyStopsTheJobEvenWhenItsAnswerIsOverTheBodyLimit() {
    requests("Requests", List.of(ApiRequest.of("d", "/v1/trends?date=2017-03-06")))
        .apply(CallJsonApi.at(apis.url()).withApiName("products").withApiKey(ApiKey.ofValue("wrong"))
            .withMaxBodyBytes(5));
    Exception failure = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertEquals("products API refused the key (HTTP 401) for GET " + apis.url()
        + "/v1/trends?date=2017-03-06&apiKey=***", HttpAuthException.find(failure));
  }

  @Test
  public void aKeyErrorInsideACurrencylayerAnswerStopsTheJobToo() {
    requests("Requests", List.of(ApiRequest.of("d", "/api/live")))
        .apply(fx("S3CRET-wrong-0815"));
    Exception failure = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());

    assertEquals("fx API refused the key (api_error 101: You have not supplied a valid API Access Key. "
        + "[Technical Support: support@apilayer.com]) for GET " + apis.url() + "/api/live?access_key=***",
        HttpAuthException.find(failure));
    assertEquals(1, apis.requestCount());
  }

  @Test
  public void burstsOf5xxAnd429AreRetriedAndNothingIsLost() throws Exception {
    apis.fail("/v1", 3, 500).fail("/v1", 2, 503).tooManyRequests("/v1", 3, 1);
    List<Row> rows = new ArrayList<>(week("/v1/trends"));
    for (Row vod : week("/v1/vod")) {
      rows.add(ApiRequest.of("vod " + ApiRequest.name(vod), ApiRequest.path(vod)));
    }
    // Enough attempts even if all eight faults hit one request
    CleanResult result = requests("Requests", rows).apply(products().withMaxAttempts(9));

    List<String> names = new ArrayList<>();
    for (Row row : rows) {
      names.add(ApiRequest.name(row));
    }
    PAssert.that(result.output().apply(MapElements.into(TypeDescriptors.strings()).via(ApiResponse::name)))
        .containsInAnyOrder(names);
    PAssert.that(result.deadLetters()).empty();
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    assertEquals("14 requests and 8 retries", 22, apis.requestCount());
    assertEquals(Map.of("products.requests", 14L, "products.responses", 14L, "products.deadLetter", 0L,
        "products.retries", 8L), counters(run, "products"));
  }

  @Test
  public void badAnswersBecomeDeadLettersWithTheirMaskedUrl() throws Exception {
    apis.malformed("/v1/vod", 1).fail("/v1/trends", 3, 503);
    String vodBody = json(apis.data().valueOfTheDay(MONDAY));
    CleanResult products = requests("Product requests", List.of(
            ApiRequest.of("vod", "/v1/vod?date=2017-03-06"),
            ApiRequest.of("trends", "/v1/trends?date=2017-03-06"),
            ApiRequest.of("nothing", "/v1/nothing"),
            ApiRequest.of("relative", "v1/trends")))
        .apply("Fetch products", products().withMaxAttempts(3));
    CleanResult rates = requests("Rate requests", List.of(ApiRequest.of("bad date", "/api/historical?date=2017-13-01")))
        .apply("Fetch rates", fx(FX_KEY));

    String base = apis.url();
    PAssert.that(products.output()).empty();
    PAssert.that(products.deadLetters()).satisfies(dead -> {
      Map<String, Row> bySource = new TreeMap<>();
      dead.forEach(d -> bySource.put(String.valueOf(DeadLetter.source(d)), d));
      assertEquals(4, bySource.size());
      Row malformed = bySource.get(base + "/v1/vod?date=2017-03-06&apiKey=***");
      assertEquals("products", DeadLetter.kind(malformed));
      assertEquals("call-products", DeadLetter.step(malformed));
      assertThat(DeadLetter.reason(malformed), startsWith("malformed_json (HTTP 200): Unexpected end-of-input"));
      assertEquals(vodBody.substring(0, vodBody.length() / 2), DeadLetter.payload(malformed));

      assertEquals(DeadLetter.of("products", "call-products", "http_status 503 after 3 attempts",
          base + "/v1/trends?date=2017-03-06&apiKey=***", "{\"errors\":[{\"code\":503,\"message\":\"injected fault: HTTP 503\"}]}"),
          bySource.get(base + "/v1/trends?date=2017-03-06&apiKey=***"));
      assertEquals(DeadLetter.of("products", "call-products", "http_status 404", base + "/v1/nothing?apiKey=***",
          "{\"errors\":[{\"code\":404,\"message\":\"Not found\"}]}"), bySource.get(base + "/v1/nothing?apiKey=***"));
      assertEquals(DeadLetter.of("products", "call-products", "bad_request: path must start with /", "v1/trends", null),
          bySource.get("v1/trends"));
      return null;
    });
    PAssert.that(rates.deadLetters()).containsInAnyOrder(DeadLetter.of("fx", "call-fx",
        "api_error 302: You have entered an invalid date. [Required format: date=YYYY-MM-DD] (HTTP 200)",
        base + "/api/historical?date=2017-13-01&access_key=***",
        "{\"success\":false,\"error\":{\"code\":302,\"type\":\"invalid_date\",\"info\":\"You have entered an invalid"
            + " date. [Required format: date=YYYY-MM-DD]\"}}"));
    pipeline.run().waitUntilFinish();
    assertEquals("404 and bad bodies are not retried", 1 + 3 + 1 + 1, apis.requestCount());
  }

  @Test
  public void aBodyExcerptIsBounded() throws Exception {
    // A trends answer is far longer than the excerpt; cut in half it is still longer
    apis.malformed("/v1/trends", 1);
    CleanResult result = requests("Requests", List.of(ApiRequest.of("t", "/v1/trends?date=2017-03-06")))
        .apply(products());
    String body = json(apis.data().trends(MONDAY));
    PAssert.that(result.deadLetters().apply(MapElements.into(TypeDescriptors.strings()).via(DeadLetter::payload)))
        .containsInAnyOrder(body.substring(0, CallJsonApi.EXCERPT_CHARS));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aBodyOverTheLimitIsADeadLetterWithItsStart() throws Exception {
    CleanResult result = requests("Requests", List.of(ApiRequest.of("t", "/v1/trends?date=2017-03-06")))
        .apply(products().withMaxBodyBytes(100));
    String body = json(apis.data().trends(MONDAY));
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).satisfies(letters -> {
      org.apache.beam.sdk.values.Row letter = letters.iterator().next();
      assertEquals("body_too_large (HTTP 200): over 100 bytes", DeadLetter.reason(letter));
      assertEquals(body.substring(0, 101), DeadLetter.payload(letter));
      return null;
    });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aTimeoutIsRetriedThenDeadLettered() throws Exception {
    apis.slow("/v1/trends", 2, Duration.ofSeconds(3));
    CleanResult result = requests("Requests", List.of(ApiRequest.of("t", "/v1/trends?date=2017-03-06")))
        .apply(products().withTimeout(Duration.ofMillis(300)).withMaxAttempts(2));
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).containsInAnyOrder(DeadLetter.of("products", "call-products",
        "timeout after 2 attempts", apis.url() + "/v1/trends?date=2017-03-06&apiKey=***", null));
    pipeline.run().waitUntilFinish();
    assertEquals(2, apis.requestCount());
  }

  @Test
  public void aServerThatStallsMidBodyTimesOutToo() throws Exception {
    // The headers come at once: the request's own timeout alone would wait for the body for ever.
    apis.stalled("/v1/trends", 2, Duration.ofSeconds(3));
    CleanResult result = requests("Requests", List.of(ApiRequest.of("t", "/v1/trends?date=2017-03-06")))
        .apply(products().withTimeout(Duration.ofMillis(300)).withMaxAttempts(2));
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).containsInAnyOrder(DeadLetter.of("products", "call-products",
        "timeout after 2 attempts", apis.url() + "/v1/trends?date=2017-03-06&apiKey=***", null));
    pipeline.run().waitUntilFinish();
    assertEquals(2, apis.requestCount());
  }

  @Test
  public void aBodyNotInItsCharsetIsADeadLetterAndAByteOrderMarkIsDropped() throws Exception {
    byte[] latin1 = "{\"name\": \"Caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    byte[] bom = ("\uFEFF{\"name\": \"Caf\u00e9\"}").getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serve(server, "/undeclared", "application/json", latin1);
    serve(server, "/declared", "application/json; charset=ISO-8859-1", latin1);
    serve(server, "/bom", "application/json", bom);
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      CleanResult result = requests("Requests", List.of(ApiRequest.of("u", "/undeclared"),
          ApiRequest.of("d", "/declared"), ApiRequest.of("b", "/bom")))
          .apply(CallJsonApi.at(url).withApiName("shop").withMaxAttempts(1).withRateLimit(0));
      PAssert.that(described(result.output())).containsInAnyOrder(
          "d | " + url + "/declared | 200 | {\"name\": \"Caf\u00e9\"}",
          "b | " + url + "/bom | 200 | {\"name\": \"Caf\u00e9\"}");
      PAssert.that(result.deadLetters()).containsInAnyOrder(DeadLetter.of("shop", "call-shop",
          "bad_encoding (HTTP 200): the body is not valid UTF-8", url + "/undeclared", "{\"name\": \"Caf\uFFFD\"}"));
      pipeline.run().waitUntilFinish();
    } finally {
      server.stop(0);
    }
  }

  private static void serve(HttpServer server, String path, String type, byte[] body) {
    server.createContext(path, exchange -> {
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
  }

  @Test
  public void aTimeoutFollowedByAGoodAnswerIsAResponse() throws Exception {
    apis.slow("/v1/vod", 1, Duration.ofSeconds(3));
    CleanResult result = requests("Requests", List.of(ApiRequest.of("v", "/v1/vod?date=2017-03-06")))
        .apply(products().withTimeout(Duration.ofMillis(300)).withMaxAttempts(2));
    PAssert.that(described(result.output())).containsInAnyOrder("v | " + apis.url()
        + "/v1/vod?date=2017-03-06&apiKey=*** | 200 | " + json(apis.data().valueOfTheDay(MONDAY)));
    PAssert.that(result.deadLetters()).empty();
    pipeline.run().waitUntilFinish();
    assertEquals(2, apis.requestCount());
  }

  @Test
  public void theKeyAppearsInNoResponseDeadLetterDisplayDataOrShippedGraph() throws Exception {
    apis.malformed("/v1/vod", 1).fail("/v1/trends", 2, 500).slow("/api/live", 1, Duration.ofSeconds(2));
    CallJsonApi products = products().withMaxAttempts(2).withTimeout(Duration.ofMillis(300));
    CleanResult fetched = requests("Product requests", List.of(
            ApiRequest.of("a", "/v1/vod?date=2017-03-06"),
            ApiRequest.of("b", "/v1/trends?date=2017-03-06"),
            ApiRequest.of("d", "/v1/nothing?x=" + PRODUCTS_KEY)))
        .apply("Fetch products", products);
    Path fxKeyFile = tmp.newFile().toPath();
    Files.writeString(fxKeyFile, FX_KEY);
    CleanResult rates = requests("Rate requests", List.of(ApiRequest.of("e", "/api/live"),
            ApiRequest.of("f", "/api/historical?date=2017-03-06")))
        .apply("Fetch rates", fx(FX_KEY).withApiKey(ApiKey.fromFile(fxKeyFile.toString()).inQuery("access_key"))
            .withMaxAttempts(1).withTimeout(Duration.ofMillis(300)));

    for (PCollection<Row> rows : List.of(fetched.output(), fetched.deadLetters(), rates.output(),
        rates.deadLetters())) {
      PAssert.that(rows).satisfies(all -> {
        for (Row row : all) {
          assertThat(row.toString(), not(containsString("S3CRET")));
        }
        return null;
      });
    }
    // Every request accounted for: 3 products (all dead letters), 2 rates (one each)
    PAssert.that(fetched.deadLetters()).satisfies(r -> {
      assertEquals(3, count(r));
      return null;
    });
    PAssert.that(described(rates.output())).satisfies(r -> {
      assertEquals(List.of("f | " + apis.url() + "/api/historical?date=2017-03-06&access_key=*** | 200"),
          List.of(r.iterator().next().substring(0, r.iterator().next().lastIndexOf(" | "))));
      return null;
    });
    PAssert.that(rates.deadLetters()).satisfies(r -> {
      assertEquals(1, count(r));
      return null;
    });

    String display = GraphScan.displayData(pipeline);
    assertThat(display, containsString("query parameter apiKey=*** from file"));
    assertThat(display, containsString("query parameter access_key=*** from file"));
    assertThat(display, not(containsString("S3CRET")));
    String shipped = GraphScan.serialized(pipeline);
    assertThat(shipped, containsString(fxKeyFile.toString()));
    assertThat(shipped, not(containsString(FX_KEY)));
    assertThat(products.toString(), not(containsString("S3CRET")));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void refusesNonsenseConfiguration() {
    assertThrows(IllegalArgumentException.class, () -> CallJsonApi.at("ftp://host"));
    IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
        () -> CallJsonApi.at("https://host/api?access_key=S3CRET-x"));
    assertThat(query.getMessage(), not(containsString("S3CRET")));
    CallJsonApi api = CallJsonApi.at("https://host/");
    assertEquals("https://host", api.baseUrl());
    assertThrows(IllegalArgumentException.class, () -> api.withMaxAttempts(0));
    assertThrows(IllegalArgumentException.class, () -> api.withRateLimit(-1));
    assertThrows(IllegalArgumentException.class, () -> api.withTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> api.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> api.withApiName("two words"));
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void nameSetsKindAndStepUnlessTheyWereSet() {
    CallJsonApi named = CallJsonApi.at("https://h").withApiName("fx");
    assertEquals("fx", named.kind);
    assertEquals("call-fx", named.stepName);
    CallJsonApi custom = CallJsonApi.at("https://h").withDeadLetterKind("rates").withStepName("fetch-rates")
        .withApiName("fx");
    assertEquals("rates", custom.kind);
    assertEquals("fetch-rates", custom.stepName);
    pipeline.enableAbandonedNodeEnforcement(false);
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  private static Map<String, Long> counters(PipelineResult result, String api) {
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter : result.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(CleanRecords.METRICS_NAMESPACE)).build()).getCounters()) {
      if (counter.getName().getName().startsWith(api + ".")) {
        counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
    }
    for (String name : List.of("requests", "responses", "deadLetter", "retries")) {
      counters.putIfAbsent(api + "." + name, 0L);
    }
    return counters;
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
