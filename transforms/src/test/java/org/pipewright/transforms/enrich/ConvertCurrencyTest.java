package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.InstantCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

public class ConvertCurrencyTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema ITEM = Schema.builder()
      .addStringField("date")
      .addStringField("item_id")
      .addNullableField("sale_price", FieldType.DECIMAL)
      .build();
  private static final List<String> CURRENCIES = List.of("USD", "EUR", "GBP");
  private static final Schema OUT = ConvertCurrency.outputSchema(ITEM, CURRENCIES);

  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  private static Row item(String date, String id, String price) {
    return Row.withSchema(ITEM).addValues(date, id, price == null ? null : d(price)).build();
  }

  private static Row valued(Row item, String rateDate, String usd, String eur, String gbp) {
    return Row.withSchema(OUT).addValues(item.getString(0), item.getString(1), item.getDecimal(2),
        rateDate, d(usd), d(eur), d(gbp)).build();
  }

  private static Row dead(Row item, String reason) {
    return DeadLetter.of("vod", "ConvertCurrency", reason, null, RowJson.format(item));
  }

  /** 2017-03-03 with EUR and GBP; 2017-03-07 with EUR only. */
  static List<Row> rateRows() {
    return List.of(
        RateTable.row("2017-03-03", "USD", 1488499199L, Map.of("EUR", d("0.951044"), "GBP", d("0.814301"))),
        RateTable.row("2017-03-07", "USD", 1488931199L, Map.of("EUR", d("0.945502"))));
  }

  @Test
  public void outputSchemaAppendsRateDateAndValues() {
    assertEquals(List.of("date", "item_id", "sale_price", "rate_date", "value_USD", "value_EUR", "value_GBP"),
        OUT.getFieldNames());
    assertEquals(FieldType.DECIMAL, OUT.getField("value_EUR").getType());
  }

  @Test
  public void batchConvertsWithTheRatesOfTheDayOrUpToThreeDaysBefore() {
    Row exact = item("2017-03-03", "1", "9.99");
    Row twoDaysLate = item("2017-03-05", "2", "10");
    Row noGbp = item("2017-03-07", "3", "1");
    Row tooEarly = item("2017-03-02", "4", "1");
    Row fourDaysLate = item("2017-03-11", "5", "1");
    Row noPrice = item("2017-03-03", "6", null);
    Row badDate = item("03/03/2017", "7", "1");

    PCollectionView<RateTable> rates = pipeline
        .apply("Rates", Create.of(rateRows())).setRowSchema(RateTable.SCHEMA)
        .apply("Table", RateTable.fromRows());
    CleanResult result = pipeline
        .apply("Items", Create.of(exact, twoDaysLate, noGbp, tooEarly, fourDaysLate, noPrice, badDate))
        .setRowSchema(ITEM)
        .apply(ConvertCurrency.using(rates).withCurrencies(CURRENCIES).withKind("vod"));

    PAssert.that(result.output()).containsInAnyOrder(
        valued(exact, "2017-03-03", "9.990000", "9.500930", "8.134867"),
        valued(twoDaysLate, "2017-03-03", "10.000000", "9.510440", "8.143010"));
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        dead(noGbp, "missing_rates: no USDGBP rate on 2017-03-07"),
        dead(tooEarly, "missing_rates: no USD rates on 2017-03-02 or up to 3 days before"),
        dead(fourDaysLate, "missing_rates: no USD rates on 2017-03-11 or up to 3 days before"),
        dead(noPrice, "missing_amount"),
        dead(badDate, "bad_date: '03/03/2017' is not a yyyy-MM-dd date"));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void noRatesAtAllMakesEveryRecordADeadLetter() {
    Row one = item("2017-03-03", "1", "9.99");
    PCollectionView<RateTable> rates = pipeline
        .apply("No rates", Create.empty(RowCoder.of(RateTable.SCHEMA))).setRowSchema(RateTable.SCHEMA)
        .apply("Table", RateTable.fromRows());
    CleanResult result = pipeline.apply("Items", Create.of(one)).setRowSchema(ITEM)
        .apply(ConvertCurrency.using(rates).withCurrencies(CURRENCIES).withKind("vod"));
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        dead(one, "missing_rates: no USD rates on 2017-03-03 or up to 3 days before"));
    pipeline.run().waitUntilFinish();
  }

  /** The table a load for the window ending at {@code end} gives: EUR is that minute, so each load is recognisable. */
  private static RateTable tableAt(Instant end) {
    return RateTable.of(List.of(RateTable.row("2017-03-03", "USD", end.getMillis() / 1000,
        Map.of("EUR", BigDecimal.valueOf(end.getMillis() / 60_000)))));
  }

  private static TimestampedValue<Instant> tick(long seconds) {
    Instant at = new Instant(seconds * 1000);
    return TimestampedValue.of(at, at);
  }

  @Test
  public void refreshingLoadsOneTablePerWindowAtItsEndAndAFailedLoadGivesNoRatesNotACrash() {
    TestStream<Instant> ticks = TestStream.create(InstantCoder.of())
        .addElements(tick(10))
        .advanceWatermarkTo(new Instant(65_000))
        .addElements(tick(70), tick(90))
        .advanceWatermarkTo(new Instant(125_000))
        .addElements(tick(130))
        .advanceWatermarkToInfinity();
    PCollection<RateTable> tables = pipeline.apply(ticks).apply(RateTable.loadPerWindow(Duration.standardMinutes(1),
        end -> {
          if (end.getMillis() == 60_000) {
            throw new IllegalStateException("rates store down");
          }
          return tableAt(end);
        }));
    // [0, 1 min) failed and had no earlier table: empty; two ticks in [1, 2 min): one load, at its end.
    PAssert.that(tables).containsInAnyOrder(RateTable.empty(), tableAt(new Instant(120_000)),
        tableAt(new Instant(180_000)));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void refreshingViewFeedsConvertCurrency() {
    Instant start = new Instant(0);
    PCollectionView<RateTable> rates = pipeline.apply("Rates", RateTable
        // Every load gives the same table, so the result cannot depend on which load a record sees.
        .refreshing(Duration.standardMinutes(1), end -> RateTable.of(rateRows()))
        .withStart(start)
        .withStop(start.plus(Duration.standardMinutes(3))));
    Row exact = item("2017-03-03", "1", "9.99");
    Row tooEarly = item("2017-03-02", "4", "1");
    CleanResult result = pipeline.apply("Items", Create.timestamped(
            TimestampedValue.of(exact, new Instant(30_000)), TimestampedValue.of(tooEarly, new Instant(90_000))))
        .setRowSchema(ITEM)
        .apply(ConvertCurrency.using(rates).withCurrencies(CURRENCIES).withKind("vod"));
    PAssert.that(result.output()).containsInAnyOrder(
        valued(exact, "2017-03-03", "9.990000", "9.500930", "8.134867"));
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        dead(tooEarly, "missing_rates: no USD rates on 2017-03-02 or up to 3 days before"));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void ratesLandedAfterTheStartAreUsedForLaterRecords() {
    // The rates store as the loads see it: 2017-03-05 lands at 1:30, after the first load (at 1:00).
    Row day5 = RateTable.row("2017-03-05", "USD", 1488758399L, Map.of("EUR", d("0.9"), "GBP", d("0.8")));
    PCollectionView<RateTable> rates = pipeline.apply("Rates", RateTable
        .refreshing(Duration.standardMinutes(1), end -> RateTable.of(end.getMillis() <= 60_000
            ? List.of(rateRows().get(0)) : List.of(rateRows().get(0), day5)))
        .withStart(new Instant(0))
        .withStop(new Instant(180_000)));
    Row item = item("2017-03-05", "9", "10");
    CleanResult result = pipeline.apply("Items", Create.timestamped(
            TimestampedValue.of(item, new Instant(30_000)), TimestampedValue.of(item, new Instant(150_000))))
        .setRowSchema(ITEM)
        .apply(ConvertCurrency.using(rates).withCurrencies(CURRENCIES).withKind("vod"));
    // Before 2017-03-05's rates landed: the day before's (within 3 days); after: its own day's.
    PAssert.that(result.output()).containsInAnyOrder(
        valued(item, "2017-03-03", "10.000000", "9.510440", "8.143010"),
        valued(item, "2017-03-05", "10.000000", "9.000000", "8.000000"));
    PAssert.that(result.deadLetters()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void fieldsAreCheckedWhenApplied() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollectionView<RateTable> rates = p.apply("Rates", Create.of(rateRows())).setRowSchema(RateTable.SCHEMA)
        .apply("Table", RateTable.fromRows());
    PCollection<Row> items = p.apply("Items", Create.of(item("2017-03-03", "1", "1"))).setRowSchema(ITEM);
    assertThrows(IllegalArgumentException.class,
        () -> items.apply("Wrong amount", ConvertCurrency.using(rates).withAmountField("item_id")));
    assertThrows(IllegalArgumentException.class,
        () -> items.apply("No date", ConvertCurrency.using(rates).withDateField("day")));
    Schema clash = Schema.builder().addFields(ITEM.getFields()).addStringField("rate_date").build();
    assertThrows(IllegalArgumentException.class, () -> ConvertCurrency.outputSchema(clash, CURRENCIES));
    assertThrows(IllegalArgumentException.class,
        () -> ConvertCurrency.using(rates).withCurrencies(List.of("usd")));
    assertThrows(IllegalArgumentException.class, () -> ConvertCurrency.using(rates).withMaxRateAgeDays(-1));
  }
}
