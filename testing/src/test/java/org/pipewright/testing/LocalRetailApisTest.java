package org.pipewright.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.After;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

public class LocalRetailApisTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final LocalDate DAY = LocalDate.parse("2017-03-02");
  private static LocalRetailApis apis;

  @BeforeClass
  public static void startApis() {
    apis = LocalRetailApis.start();
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

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(apis.url() + pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode products(String path, LocalDate date) throws Exception {
    HttpResponse<String> response = get(path + "?date=" + date + "&apiKey=" + apis.productsKey());
    assertEquals(response.body(), 200, response.statusCode());
    return MAPPER.readTree(response.body());
  }

  private static JsonNode fx(String pathAndQuery) throws Exception {
    HttpResponse<String> response = get(pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?")
        + "access_key=" + apis.fxKey());
    assertEquals(200, response.statusCode());
    return MAPPER.readTree(response.body());
  }

  @Test
  public void trendsAndValueOfTheDayHaveTheRealShapes() throws Exception {
    JsonNode trends = products("/v1/trends", DAY);
    assertTrue(trends.get("time").isIntegralNumber());
    long dayStart = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
    assertTrue(trends.get("time").longValue() >= dayStart && trends.get("time").longValue() < dayStart + 86_400_000L);
    assertEquals(25, trends.get("items").size());
    Set<Long> ids = new HashSet<>();
    for (JsonNode item : trends.get("items")) {
      assertTrue(item.get("itemId").isIntegralNumber());
      ids.add(item.get("itemId").longValue());
      assertTrue(item.get("parentItemId").isIntegralNumber());
      assertFalse(item.get("name").asText().isBlank());
      assertTrue(item.get("salePrice").isNumber());
      for (String field : List.of("categoryPath", "brandName", "upc", "shortDescription", "thumbnailImage",
          "productUrl", "stock")) {
        assertTrue(field, item.get(field).isTextual());
      }
      assertTrue(!item.has("customerRating") || item.get("customerRating").isTextual());
      assertTrue(!item.has("msrp") || item.get("msrp").isNumber());
    }
    assertEquals("25 distinct items", 25, ids.size());

    JsonNode vod = products("/v1/vod", DAY);
    assertTrue(vod.get("itemId").isIntegralNumber());
    assertTrue(vod.get("salePrice").isNumber());
    String category = vod.get("categoryPath").asText();
    assertTrue(category, category.startsWith("Home Improvement/") || category.startsWith("Home/Bath/"));
  }

  @Test
  public void ratesHaveCurrencylayersShape() throws Exception {
    JsonNode historical = fx("/api/historical?date=2017-03-02");
    assertTrue(historical.get("success").booleanValue());
    assertTrue(historical.get("historical").booleanValue());
    assertEquals("2017-03-02", historical.get("date").asText());
    assertEquals(1488499199L, historical.get("timestamp").longValue());
    assertEquals("USD", historical.get("source").asText());
    List<String> quotes = new java.util.ArrayList<>();
    historical.get("quotes").fieldNames().forEachRemaining(quotes::add);
    assertEquals(List.of("USDAED", "USDAUD", "USDCAD", "USDCHF", "USDCNY", "USDEUR", "USDGBP", "USDINR",
        "USDJPY", "USDZAR"), quotes);
    for (JsonNode rate : historical.get("quotes")) {
      assertTrue(rate.isNumber() && rate.doubleValue() > 0);
    }

    JsonNode live = fx("/api/live");
    assertTrue(live.get("success").booleanValue());
    assertFalse(live.has("historical"));
    assertEquals(10, live.get("quotes").size());
    // The stand-in's own "today" for live rates gives that day's rates
    assertEquals(historical.get("quotes"), fx("/api/live?date=2017-03-02").get("quotes"));

    JsonNode badDate = fx("/api/historical?date=03/02/2017");
    assertFalse(badDate.get("success").booleanValue());
    assertEquals(302, badDate.get("error").get("code").intValue());
  }

  @Test
  public void everyDateAnswersTheSameEveryTimeAndInEveryServer() throws Exception {
    String trends = get("/v1/trends?date=2017-03-05&apiKey=" + apis.productsKey()).body();
    String vod = get("/v1/vod?date=2017-03-05&apiKey=" + apis.productsKey()).body();
    String rates = get("/api/historical?date=2017-03-05&access_key=" + apis.fxKey()).body();
    assertEquals(trends, get("/v1/trends?date=2017-03-05&apiKey=" + apis.productsKey()).body());
    try (LocalRetailApis other = LocalRetailApis.start(0, "p", "f", RetailData.standard())) {
      HttpResponse<String> again = CLIENT.send(HttpRequest.newBuilder(
          URI.create(other.url() + "/v1/trends?date=2017-03-05&apiKey=p")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(trends, again.body());
      assertEquals(vod, CLIENT.send(HttpRequest.newBuilder(URI.create(other.url() + "/v1/vod?date=2017-03-05&apiKey=p"))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      assertEquals(rates, CLIENT.send(HttpRequest.newBuilder(URI.create(other.url()
          + "/api/historical?date=2017-03-05&access_key=f")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
    assertNotEquals(trends, get("/v1/trends?date=2017-03-06&apiKey=" + apis.productsKey()).body());
    assertNotEquals(rates, get("/api/historical?date=2017-03-06&access_key=" + apis.fxKey()).body());
    assertNotEquals(RetailData.withSeed(1).trends(DAY), RetailData.standard().trends(DAY));
  }

  @Test
  public void theDataIsAsDirtyAndAsSkewedAsTheRealFeed() {
    RetailData data = RetailData.standard();
    Map<Long, Integer> daysTrending = new HashMap<>();
    int noMsrp = 0;
    int msrpNotAbovePrice = 0;
    int noRating = 0;
    boolean quote = false;
    boolean comma = false;
    boolean nonAscii = false;
    for (int d = 0; d < 30; d++) {
      for (JsonNode item : data.trends(DAY.plusDays(d)).get("items")) {
        daysTrending.merge(item.get("itemId").longValue(), 1, Integer::sum);
        noMsrp += item.has("msrp") ? 0 : 1;
        msrpNotAbovePrice += item.has("msrp") && item.get("msrp").decimalValue()
            .compareTo(item.get("salePrice").decimalValue()) <= 0 ? 1 : 0;
        noRating += item.has("customerRating") ? 0 : 1;
        String name = item.get("name").asText();
        quote |= name.contains("\"");
        comma |= name.contains(",");
        nonAscii |= name.chars().anyMatch(c -> c > 127);
        if (item.has("customerRating")) {
          assertTrue(item.get("customerRating").asText(), item.get("customerRating").asText().matches("[345]\\.\\d{1,3}"));
        }
      }
    }
    assertThat(noMsrp, greaterThanOrEqualTo(1));
    assertThat(msrpNotAbovePrice, greaterThanOrEqualTo(1));
    assertThat(noRating, greaterThanOrEqualTo(1));
    assertTrue(quote && comma && nonAscii);
    int most = daysTrending.values().stream().max(Integer::compare).orElseThrow();
    long once = daysTrending.values().stream().filter(n -> n == 1).count();
    assertThat("some items trend on most days", most, greaterThanOrEqualTo(20));
    assertThat("and many only now and then", once, greaterThanOrEqualTo(5L));
    assertEquals(300, data.itemIds().size());
    assertEquals(300, new HashSet<>(data.itemIds()).size());
  }

  @Test
  public void ratesDriftPlausiblyFromDayToDay() {
    RetailData data = RetailData.standard();
    Map<String, java.math.BigDecimal> previous = data.rates(DAY);
    for (int d = 1; d < 120; d++) {
      Map<String, java.math.BigDecimal> rates = data.rates(DAY.plusDays(d));
      for (String ccy : RetailData.CURRENCIES) {
        double change = Math.abs(rates.get(ccy).doubleValue() / previous.get(ccy).doubleValue() - 1);
        assertThat(ccy + " on day " + d, change, lessThan(0.015));
        assertEquals(6, rates.get(ccy).scale());
      }
      assertEquals(3.6725, rates.get("AED").doubleValue(), 0.001);
      previous = rates;
    }
  }

  @Test
  public void checksTheKeysTheWayEachApiDoes() throws Exception {
    assertEquals(401, get("/v1/trends").statusCode());
    HttpResponse<String> wrong = get("/v1/trends?apiKey=nope");
    assertEquals(401, wrong.statusCode());
    assertThat(wrong.body(), containsString("apiKey"));
    assertEquals(401, get("/v1/vod?apiKey=" + apis.fxKey()).statusCode());

    HttpResponse<String> fxWrong = get("/api/live?access_key=nope");
    assertEquals(200, fxWrong.statusCode());
    JsonNode error = MAPPER.readTree(fxWrong.body());
    assertFalse(error.get("success").booleanValue());
    assertEquals(101, error.get("error").get("code").intValue());
    assertEquals("invalid_access_key", error.get("error").get("type").asText());
    JsonNode missing = MAPPER.readTree(get("/api/historical?date=2017-03-02").body());
    assertEquals("missing_access_key", missing.get("error").get("type").asText());
    // The log keeps no key
    for (LocalRetailApis.Request request : apis.requests()) {
      assertFalse(request.toString(), request.query().contains("nope") || request.query().contains(apis.fxKey()));
    }
  }

  @Test
  public void faultsHitTheNextAnswersOnTheirPathOnly() throws Exception {
    apis.fail("/v1/trends", 2, 503).tooManyRequests("/api", 1, 2).malformed("/v1/vod", 1)
        .slow("/api/historical", 1, Duration.ofMillis(50));
    String key = "?date=2017-03-02&apiKey=" + apis.productsKey();
    assertEquals(503, get("/v1/trends" + key).statusCode());
    HttpResponse<String> malformed = get("/v1/vod" + key);
    assertEquals(200, malformed.statusCode());
    String whole = MAPPER.writeValueAsString(apis.data().valueOfTheDay(DAY));
    assertEquals(whole.substring(0, whole.length() / 2), malformed.body());
    assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(malformed.body()));
    assertEquals(503, get("/v1/trends" + key).statusCode());
    assertEquals(200, get("/v1/trends" + key).statusCode());

    HttpResponse<String> limited = get("/api/live?access_key=" + apis.fxKey());
    assertEquals(429, limited.statusCode());
    assertEquals("2", limited.headers().firstValue("Retry-After").orElseThrow());
    JsonNode slow = fx("/api/historical?date=2017-03-02");
    assertTrue(slow.get("success").booleanValue());
    assertEquals(200, get("/api/live?access_key=" + apis.fxKey()).statusCode());

    assertEquals(whole, get("/v1/vod" + key).body());

    assertEquals(8, apis.requestCount());
    assertEquals(3, apis.requestCount("/v1/trends"));
    assertEquals(java.util.Arrays.asList("503@/v1/trends", "malformed@/v1/vod", "503@/v1/trends", null, "429:2@/api",
        "slow:50@/api/historical", null, null), apis.requests().stream().map(LocalRetailApis.Request::fault)
        .collect(java.util.stream.Collectors.toList()));
  }

  @Test
  public void faultsCanBeGivenAsTextOnTheCommandLineOrOverHttp() throws Exception {
    assertEquals("503@/v1/trends", LocalRetailApis.Fault.parse("503*3@/v1/trends").toString());
    assertEquals("429:1", LocalRetailApis.Fault.parse("429").toString());
    assertEquals("slow:5000@/v1/vod", LocalRetailApis.Fault.parse("slow:5000@/v1/vod").toString());
    assertEquals("stalled:300@/v1/vod", LocalRetailApis.Fault.parse("stalled:300@/v1/vod").toString());
    assertEquals("malformed@/api", LocalRetailApis.Fault.parse("malformed*all@/api").toString());
    assertThrows(IllegalArgumentException.class, () -> LocalRetailApis.Fault.parse("boom"));
    assertThrows(IllegalArgumentException.class, () -> LocalRetailApis.Fault.parse("200"));
    assertThrows(IllegalArgumentException.class, () -> LocalRetailApis.Fault.parse("503*0"));
    assertThrows(IllegalArgumentException.class, () -> LocalRetailApis.Fault.parse("slow"));
    assertThrows(IllegalArgumentException.class, () -> LocalRetailApis.Fault.parse("stalled"));

    HttpResponse<String> added = CLIENT.send(HttpRequest.newBuilder(URI.create(apis.url() + "/_faults"))
        .POST(HttpRequest.BodyPublishers.ofString("500*2@/api/live\nmalformed*all@/v1/vod\n")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, added.statusCode());
    String live = "/api/live?access_key=" + apis.fxKey();
    assertEquals(500, get(live).statusCode());
    assertEquals(500, get(live).statusCode());
    assertEquals(200, get(live).statusCode());
    for (int i = 0; i < 3; i++) {
      String body = get("/v1/vod?apiKey=" + apis.productsKey()).body();
      assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(body));
    }
    assertEquals(200, CLIENT.send(HttpRequest.newBuilder(URI.create(apis.url() + "/_faults")).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    MAPPER.readTree(get("/v1/vod?apiKey=" + apis.productsKey()).body());
    JsonNode counts = MAPPER.readTree(get("/_requests").body());
    assertEquals(7, counts.get("count").intValue());
    assertEquals(3, counts.get("byPath").get("/api/live").intValue());
    assertEquals(400, CLIENT.send(HttpRequest.newBuilder(URI.create(apis.url() + "/_faults"))
        .POST(HttpRequest.BodyPublishers.ofString("nonsense")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());
  }
}
