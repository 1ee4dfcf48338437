package org.pipewright.transforms.retail;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.Counters;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.enrich.RateTable;

public class ParseRetailAnswersTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String T1 = "/land/trends/dt=2017-03-03/trends-0800.json";
  private static final String T2 = "/land/trends/dt=2017-03-04/trends-0800.json";
  private static final String TRENDS_1 = "{\"time\": 1488528000000, \"items\": ["
      + "{\"itemId\": 1, \"name\": \"Desk\", \"msrp\": 59.99, \"salePrice\": 42.95, \"customerRating\": \"3.836\"},"
      + "{\"itemId\": 2, \"name\": \"Lamp\"},"
      + "7,"
      + "{\"itemId\": 3, \"name\": \"Chair\", \"salePrice\": 10}]}";
  private static final String TRENDS_EMPTY = "{\"time\": 1488528000000, \"items\": []}";
  private static final String TRENDS_NO_ITEMS = "{\"time\": 1488528000000}";
  private static final String CUT_OFF = "{\"time\": 1488528000000, \"items\": [{\"itemId\": 1,";

  private static Row item(String source, String date, String id, String name, String msrp, String price,
      Double rating) {
    return Row.withSchema(RetailAnswers.ITEM).addValues(date, id, null, name,
        msrp == null ? null : new BigDecimal(msrp), new BigDecimal(price), rating, null, null, null, source).build();
  }

  private static long counter(PipelineResult result, String name) {
    return Counters.total(result, name);
  }

  @Test
  public void trendsItemsAreRecordsAndBrokenAnswersAreOne() {
    CleanResult trends = pipeline
        .apply(Create.of(
            RawRecord.of(T1, TRENDS_1),
            RawRecord.of(T2, TRENDS_EMPTY),
            RawRecord.of("/land/trends/dt=2017-03-05/a.json", TRENDS_NO_ITEMS),
            RawRecord.of("/land/trends/dt=2017-03-06/b.json", CUT_OFF),
            RawRecord.of("/land/trends/c.json", TRENDS_1),
            RawRecord.refused("/land/trends/dt=2017-03-07/d.json", "{\"time\"", "file cut off: unexpected end of gzip")))
        .setRowSchema(RawRecord.SCHEMA)
        .apply(ParseRetailAnswers.trends());

    PAssert.that(trends.output()).containsInAnyOrder(
        item(T1, "2017-03-03", "1", "Desk", "59.99", "42.95", 3.836),
        item(T1, "2017-03-03", "3", "Chair", null, "10", null));
    PAssert.that(trends.deadLetters()).containsInAnyOrder(
        DeadLetter.of("trends", "ParseTrends", "missing_sale_price", T1 + "#items[1]",
            "{\"itemId\":2,\"name\":\"Lamp\"}"),
        DeadLetter.of("trends", "ParseTrends", "malformed_item: expected an object, got NUMBER",
            T1 + "#items[2]", "7"),
        DeadLetter.of("trends", "ParseTrends", "malformed_answer: no \"items\" array",
            "/land/trends/dt=2017-03-05/a.json", TRENDS_NO_ITEMS),
        DeadLetter.of("trends", "ParseTrends",
            "malformed_json: unparseable JSON: Unexpected end-of-input within/between Object entries",
            "/land/trends/dt=2017-03-06/b.json", CUT_OFF),
        DeadLetter.of("trends", "ParseTrends", "missing_date: no dt=yyyy-MM-dd folder in the source path",
            "/land/trends/c.json", TRENDS_1),
        DeadLetter.of("trends", "ParseTrends", "file cut off: unexpected end of gzip",
            "/land/trends/dt=2017-03-07/d.json", "{\"time\""));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    // 4 items of the first answer + 4 answers refused whole; the empty answer adds nothing.
    assertEquals(8, counter(result, "trends.read"));
    assertEquals(2, counter(result, "trends.clean"));
    assertEquals(6, counter(result, "trends.deadLetter"));
  }

  @Test
  public void vodAnswersAreOneItemEach() {
    String good = "{\"itemId\": 55, \"name\": \"Bostitch 7\\\" Turbo\", \"salePrice\": 9.99}";
    String bad = "{\"name\": \"no id\", \"salePrice\": 1}";
    CleanResult vod = pipeline
        .apply(Create.of(
            RawRecord.of("/land/vod/dt=2017-03-03/vod.json", good),
            RawRecord.of("/land/vod/dt=2017-03-04/vod.json", bad),
            RawRecord.of("/land/vod/dt=2017-03-05/vod.json", "[" + good + "]")))
        .setRowSchema(RawRecord.SCHEMA)
        .apply(ParseRetailAnswers.vod());
    PAssert.that(vod.output()).containsInAnyOrder(
        item("/land/vod/dt=2017-03-03/vod.json", "2017-03-03", "55", "Bostitch 7\" Turbo", null, "9.99", null));
    PAssert.that(vod.deadLetters()).containsInAnyOrder(
        DeadLetter.of("vod", "ParseVod", "missing_item_id", "/land/vod/dt=2017-03-04/vod.json", bad),
        DeadLetter.of("vod", "ParseVod", "malformed_json: expected a JSON object, got ARRAY",
            "/land/vod/dt=2017-03-05/vod.json", "[" + good + "]"));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    assertEquals(3, counter(result, "vod.read"));
    assertEquals(1, counter(result, "vod.clean"));
    assertEquals(2, counter(result, "vod.deadLetter"));
  }

  @Test
  public void ratesAnswersAreRateRowsOrApiErrors() {
    String error = "{\"success\": false, \"error\": {\"code\": 106,"
        + " \"info\": \"Your query did not return any results.\"}}";
    CleanResult rates = pipeline
        .apply(Create.of(
            RawRecord.of("/land/rates/dt=2017-03-03/historical.json", RetailAnswersTest.RATES),
            RawRecord.of("/land/rates/dt=2017-03-04/historical.json", error)))
        .setRowSchema(RawRecord.SCHEMA)
        .apply(ParseRetailAnswers.rates());
    Map<String, BigDecimal> quotes = new HashMap<>();
    quotes.put("EUR", new BigDecimal("0.951044"));
    quotes.put("GBP", new BigDecimal("0.814301"));
    quotes.put("USD", new BigDecimal("1"));
    PAssert.that(rates.output()).containsInAnyOrder(RateTable.row("2017-03-03", "USD", 1488585599L, quotes));
    PAssert.that(rates.deadLetters()).containsInAnyOrder(
        DeadLetter.of("rates", "ParseRates", "api_error: 106 Your query did not return any results.",
            "/land/rates/dt=2017-03-04/historical.json", error));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void oversizedAnswersAreRefusedUnparsed() {
    String big = "{\"pad\": \"" + "x".repeat(5000) + "\"}";
    CleanResult vod = pipeline
        .apply(Create.of(RawRecord.of("/land/vod/dt=2017-03-03/vod.json", big)))
        .setRowSchema(RawRecord.SCHEMA)
        .apply(ParseRetailAnswers.vod().withMaxPayloadChars(4500));
    PAssert.that(vod.output()).empty();
    PAssert.that(vod.deadLetters()).containsInAnyOrder(DeadLetter.of("vod", "ParseVod",
        "answer too large: 5011 characters (limit 4500); payload cut to the first 4096 characters",
        "/land/vod/dt=2017-03-03/vod.json", big.substring(0, 4096)));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void kindsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> ParseRetailAnswers.of("movies"));
    assertThrows(IllegalArgumentException.class, () -> ParseRetailAnswers.vod().withMaxPayloadChars(0));
    assertEquals(RateTable.SCHEMA, ParseRetailAnswers.schema("rates"));
    assertEquals(RetailAnswers.ITEM, ParseRetailAnswers.schema("trends"));
  }
}
