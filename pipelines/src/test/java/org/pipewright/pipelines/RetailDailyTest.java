package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** RetailDaily end to end on landed answers written by the test (no services), and on the real data. */
public class RetailDailyTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @Test
  public void answersAreValuedDeduplicatedAndEveryRecordAccountedFor() throws Exception {
    Path in = TMP.newFolder("small").toPath();
    land(in, "rates/dt=2017-03-01/historical.json", "{\"success\": true, \"timestamp\": 1488412799, "
        + "\"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.9, \"USDGBP\": 0.8, \"USDINR\": 66.5, \"USDJPY\": 110}}");
    land(in, "rates/dt=2017-03-03/historical.json", "{\"success\": false, \"error\": {\"code\": 106, \"info\": \"x\"}}");
    // Value of the day on the 3rd: no rates that day (the answer is an error), so the 1st's are used.
    land(in, "vod/dt=2017-03-03/vod.json", "{\"itemId\": 7, \"name\": \"Lamp\", \"salePrice\": 10.005}");
    // On the 8th the newest rates are 7 days old: a dead letter (missing_rates).
    land(in, "vod/dt=2017-03-08/vod.json", "{\"itemId\": 8, \"name\": \"Desk\", \"salePrice\": 5}");
    land(in, "trends/dt=2017-03-03/0800.json", trends(item(1, "Chair", "20", "15", "4.5"),
        item(2, "Table", null, "30", null), "{\"itemId\": 3, \"name\": \"No price\"}"));
    // A later poll of the same day: item 1 again at a new price (kept), item 4 new.
    land(in, "trends/dt=2017-03-03/2000.json", trends(item(1, "Chair", "20", "16", "4.5"), item(4, "Bed", "0", "99", "3")));
    land(in, "trends/dt=2017-03-04/0800.json", trends(item(1, "Chair v2", "20", "10", "4.5")));
    land(in, "trends/dt=2017-03-05/0800.json", "{\"items\": [");
    Path out = TMP.getRoot().toPath().resolve("small-out");
    RetailDaily.main(new String[] {"--input=" + in, "--output=" + out, "--outputFormat=json", "--progressSeconds=0",
        "--currencies=USD,EUR,JPY"});

    JsonNode summary = Outputs.summary(out);
    assertEquals(Outputs.parse("{\"trends\": {\"read\": 7, \"clean\": 4, \"duplicates\": 1, \"deadLetter\": 2},"
        + " \"vod\": {\"read\": 2, \"clean\": 1, \"duplicates\": 0, \"deadLetter\": 1},"
        + " \"rates\": {\"read\": 2, \"clean\": 1, \"duplicates\": 0, \"deadLetter\": 1}}"), summary);
    assertEquals(List.of("{\"date\":\"2017-03-03\",\"item_id\":\"7\",\"name\":\"Lamp\",\"sale_price\":10.005,"
        + "\"rate_date\":\"2017-03-01\",\"value_USD\":10.005,\"value_EUR\":9.0045,\"value_JPY\":1100.55}"),
        rows(out, "valuation"));
    Map<String, String> discounts = new TreeMap<>();
    for (JsonNode d : Outputs.rows(out.resolve("discount"))) {
      discounts.put(d.get("date").asText() + "/" + d.get("item_id").asText(), d.get("sale_price").asText() + " "
          + (d.get("discount").isNull() ? "null" : new BigDecimal(d.get("discount").asText()).stripTrailingZeros()
          .toPlainString()));
    }
    assertEquals(Map.of("2017-03-03/1", "16 20", "2017-03-03/2", "30 null", "2017-03-03/4", "99 null",
        "2017-03-04/1", "10 50"), discounts);
    assertEquals(List.of(
        "{\"item_id\":\"1\",\"name\":\"Chair v2\",\"days\":2,\"first_date\":\"2017-03-03\",\"last_date\":\"2017-03-04\"}",
        "{\"item_id\":\"2\",\"name\":\"Table\",\"days\":1,\"first_date\":\"2017-03-03\",\"last_date\":\"2017-03-03\"}",
        "{\"item_id\":\"4\",\"name\":\"Bed\",\"days\":1,\"first_date\":\"2017-03-03\",\"last_date\":\"2017-03-03\"}"),
        rows(out, "trending_frequency"));
    assertEquals(List.of("{\"rank\":1,\"item_id\":\"1\",\"name\":\"Chair v2\",\"days\":2}",
        "{\"rank\":2,\"item_id\":\"4\",\"name\":\"Bed\",\"days\":1}",
        "{\"rank\":3,\"item_id\":\"2\",\"name\":\"Table\",\"days\":1}"), rows(out, "trending_top"));
    Map<String, String> reasons = new TreeMap<>();
    for (JsonNode d : Outputs.rows(out.resolve("dead-letter"))) {
      reasons.put(d.get("kind").asText() + " " + d.get("reason").asText().replaceAll(":.*", ""),
          d.get("source").asText().replace(in.toString(), ""));
    }
    assertEquals(Map.of("trends missing_sale_price", "/trends/dt=2017-03-03/0800.json#items[2]",
        "trends malformed_json", "/trends/dt=2017-03-05/0800.json",
        "vod missing_rates", "/vod/dt=2017-03-08/vod.json",
        "rates api_error", "/rates/dt=2017-03-03/historical.json"), reasons);
    // Quality results are warnings; the dead-letter ratios are the summary's deadLetter / read.
    assertEquals(List.of(
        "discount | not_null(item_id, date) | warn | pass | 0 of 4 rows | 0",
        "discount | unique(item_id, date) | warn | pass | 0 of 4 rows | 0",
        "rates_read | dead_letter_ratio <= 1% | warn | fail | 1 of 2 records (50%) | <= 1%",
        "rates_read | dead_letter_ratio <= 5% | warn | fail | 1 of 2 records (50%) | <= 5%",
        "trends_read | dead_letter_ratio <= 1% | warn | fail | 2 of 7 records (28.57%) | <= 1%",
        "trends_read | dead_letter_ratio <= 5% | warn | fail | 2 of 7 records (28.57%) | <= 5%",
        "valuation | not_null(item_id, date) | warn | pass | 0 of 1 row | 0",
        "valuation | unique(item_id, date) | warn | pass | 0 of 1 row | 0",
        "vod_read | dead_letter_ratio <= 1% | warn | fail | 1 of 2 records (50%) | <= 1%",
        "vod_read | dead_letter_ratio <= 5% | warn | fail | 1 of 2 records (50%) | <= 5%"),
        Outputs.quality(out, "retail"));

    // One day: only that day's answers, with rates from up to 3 days before.
    Path day = TMP.getRoot().toPath().resolve("day-out");
    RetailDaily.main(new String[] {"--input=" + in, "--output=" + day, "--outputFormat=json", "--progressSeconds=0",
        "--date=2017-03-03"});
    assertEquals(Outputs.parse("{\"trends\": {\"read\": 5, \"clean\": 3, \"duplicates\": 1, \"deadLetter\": 1},"
        + " \"vod\": {\"read\": 1, \"clean\": 1, \"duplicates\": 0, \"deadLetter\": 0},"
        + " \"rates\": {\"read\": 2, \"clean\": 1, \"duplicates\": 0, \"deadLetter\": 1}}"), Outputs.summary(day));
  }

  @Test
  public void aDayRunNeedsEachKindsAnswersOfThatDayAndKeepsAnAnswerOfAnUnreadableDay() throws Exception {
    Path in = TMP.newFolder("days").toPath();
    land(in, "rates/dt=2017-03-02/historical.json", "{\"success\": true, \"timestamp\": 1488412799, "
        + "\"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.9}}");
    // Within the look-back's folders as text, but not a day: a dead letter, not a failed run.
    land(in, "rates/dt=2017-02-30/historical.json", "{\"success\": true, \"source\": \"USD\", \"quotes\": {}}");
    land(in, "trends/dt=2017-03-03/0800.json", trends(item(1, "Chair", "20", "15", "4.5")));
    land(in, "vod/dt=2017-03-03/vod.json", "{\"itemId\": 7, \"name\": \"Lamp\", \"salePrice\": 10}");
    Path out = TMP.getRoot().toPath().resolve("days-out");
    String[] day2 = {"--input=" + in, "--output=" + out, "--outputFormat=json", "--progressSeconds=0",
        "--date=2017-03-02", "--currencies=USD,EUR"};
    String[] day3 = day2.clone();
    day3[4] = "--date=2017-03-03";

    // The 2nd has no trends: the run stops before it replaces anything.
    RetailDaily.run(day3);
    assertEquals("7", Outputs.rows(out.resolve("valuation")).get(0).get("item_id").asText());
    UsageException noTrends = assertThrows(UsageException.class, () -> RetailDaily.run(day2));
    assertTrue(noTrends.getMessage(), noTrends.getMessage().startsWith("no trends answers for 2017-03-02 at "));
    assertEquals(1, Outputs.rows(out.resolve("valuation")).size());

    Map<String, String> reasons = new TreeMap<>();
    for (JsonNode d : Outputs.rows(out.resolve("dead-letter"))) {
      reasons.put(d.get("source").asText().replace(in.toString(), ""), d.get("reason").asText().replaceAll(":.*", ""));
    }
    assertEquals(Map.of("/rates/dt=2017-02-30/historical.json", "bad_date"), reasons);

    land(in, "trends/dt=2017-03-04/0800.json", trends(item(1, "Chair", "20", "15", "4.5")));
    String[] day4 = day2.clone();
    day4[4] = "--date=2017-03-04";
    UsageException noVod = assertThrows(UsageException.class, () -> RetailDaily.run(day4));
    assertTrue(noVod.getMessage(), noVod.getMessage().startsWith("no vod answers for 2017-03-04 at "));
  }

  /** The retail source project's real data (../shared) landed as answers: its published tables come out. */
  @Test
  public void theSourceProjectsDataReproducesItsResults() throws Exception {
    Path retail = SharedData.require("retail");
    Path expected = SharedData.require("expected");
    Path in = TMP.newFolder("real").toPath();
    Map<String, String> ids = new HashMap<>();
    for (JsonNode r : jsonLines(retail.resolve("currency-rates.jsonl"))) {
      ObjectNode answer = Outputs.JSON.createObjectNode().put("success", true).put("source", "USD");
      answer.set("quotes", r.get("quotes"));
      land(in, "rates/dt=" + r.get("timestamp").asText() + "/historical.json", answer.toString());
    }
    for (JsonNode v : jsonLines(retail.resolve("vod.jsonl"))) {
      ObjectNode item = Outputs.JSON.createObjectNode().put("itemId", id(ids, v.get("name").asText()))
          .put("name", v.get("name").asText());
      item.set("salePrice", v.get("salePrice"));
      land(in, "vod/dt=" + v.get("date").asText() + "/vod.json", item.toString());
    }
    ArrayNode items = Outputs.JSON.createArrayNode();
    for (JsonNode d : jsonLines(retail.resolve("trending-discount-rows.jsonl"))) {
      ObjectNode item = items.addObject().put("itemId", d.get("row_index").asInt()).put("name", d.get("name").asText());
      item.set("msrp", d.get("msrp"));
      item.set("salePrice", d.get("salePrice"));
      item.set("customerRating", d.get("customerRating"));
    }
    land(in, "trends/dt=2017-03-03/trends.json", "{\"items\": " + items + "}");
    Path out = TMP.getRoot().toPath().resolve("real-out");
    RetailDaily.main(new String[] {"--input=" + in, "--output=" + out, "--outputFormat=json", "--progressSeconds=0"});

    assertEquals(List.of(), Outputs.rows(out.resolve("dead-letter")));
    Map<String, JsonNode> valuation = new HashMap<>();
    Outputs.rows(out.resolve("valuation")).forEach(v -> valuation.put(v.get("date").asText(), v));
    List<JsonNode> want = jsonLines(expected.resolve("retail-valuation.jsonl"));
    assertEquals(want.size(), valuation.size());
    for (JsonNode w : want) {
      JsonNode got = valuation.get(w.get("date").asText());
      for (String ccy : List.of("USD", "EUR", "GBP", "INR", "JPY")) {
        BigDecimal exact = new BigDecimal(got.get("value_" + ccy).asText());
        BigDecimal published = new BigDecimal(w.get("value_" + ccy + "_display").asText());
        // The source multiplied in double: one published value (2017-03-08, INR) is 1e-6 below the exact one.
        assertEquals(w.get("date") + " " + ccy, 0,
            exact.subtract(published).abs().compareTo(new BigDecimal("0.000001")) <= 0 ? 0 : 1);
      }
    }
    Map<String, String> discounts = new TreeMap<>();
    Outputs.rows(out.resolve("discount")).forEach(d -> discounts.put(d.get("item_id").asText(),
        d.get("discount").isNull() ? "null" : new BigDecimal(d.get("discount").asText()).stripTrailingZeros()
            .toPlainString()));
    Map<String, String> published = new TreeMap<>();
    jsonLines(expected.resolve("retail-discount.jsonl")).forEach(d -> published.put(d.get("row_index").asText(),
        d.get("discount").isNull() ? "null" : new BigDecimal(d.get("discount_display").asText()).stripTrailingZeros()
            .toPlainString()));
    assertEquals(60, discounts.size());
    assertEquals(published, discounts);
  }

  private static String item(int id, String name, String msrp, String price, String rating) {
    return "{\"itemId\": " + id + ", \"name\": \"" + name + "\"" + (msrp == null ? "" : ", \"msrp\": " + msrp)
        + ", \"salePrice\": " + price + (rating == null ? "" : ", \"customerRating\": \"" + rating + "\"") + "}";
  }

  private static String trends(String... items) {
    return "{\"time\": 1488528000000, \"items\": [" + String.join(", ", items) + "]}";
  }

  private static void land(Path root, String name, String body) throws Exception {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, body, StandardCharsets.UTF_8);
  }

  private static String id(Map<String, String> ids, String name) {
    return ids.computeIfAbsent(name, n -> Integer.toString(1000 + ids.size()));
  }

  private static List<String> rows(Path out, String table) {
    return Outputs.rows(out.resolve(table)).stream().map(Warehouse::canonical).sorted().collect(Collectors.toList());
  }

  private static List<JsonNode> jsonLines(Path file) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        rows.add(Outputs.parse(line));
      }
    }
    return rows;
  }
}
