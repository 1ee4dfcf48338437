package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;

public class CurrencyConverterTest {
  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  private static Row day(String date, String eur, String jpy) {
    return RateTable.row(date, "USD", null, jpy == null
        ? Map.of("EUR", d(eur)) : Map.of("EUR", d(eur), "JPY", d(jpy)));
  }

  /** Rates on the 1st (EUR, JPY), the 5th (EUR only) and the 10th (EUR, JPY). */
  private static final RateTable TABLE = RateTable.of(List.of(
      day("2017-03-01", "0.9", "110"),
      day("2017-03-05", "0.95", null),
      day("2017-03-10", "0.8", "100")));

  private static final CurrencyConverter EUR = CurrencyConverter.of("USD", List.of("USD", "EUR"), 3);

  private static String reason(Runnable r) {
    return assertThrows(BadValueException.class, r::run).getMessage();
  }

  @Test
  public void usesTheRecordsOwnDay() {
    CurrencyConverter.Conversion c = EUR.convert(TABLE, d("10"), "2017-03-10");
    assertEquals("2017-03-10", c.rateDate());
    assertEquals(List.of(d("10.000000"), d("8.000000")), c.values());
  }

  @Test
  public void fallsBackOneToThreeDaysAndRecordsTheDayUsed() {
    for (String date : List.of("2017-03-11", "2017-03-12", "2017-03-13")) {
      CurrencyConverter.Conversion c = EUR.convert(TABLE, d("10"), date);
      assertEquals(date, "2017-03-10", c.rateDate());
      assertEquals(List.of(d("10.000000"), d("8.000000")), c.values());
    }
  }

  @Test
  public void fourDaysOldIsMissingRates() {
    assertEquals("missing_rates: no USD rates on 2017-03-14 or up to 3 days before",
        reason(() -> EUR.convert(TABLE, d("10"), "2017-03-14")));
  }

  @Test
  public void laterDatesAreNeverUsed() {
    // The 10th is the nearest day, but after the record's: not used.
    assertEquals("missing_rates: no USD rates on 2017-02-28 or up to 3 days before",
        reason(() -> EUR.convert(TABLE, d("10"), "2017-02-28")));
    assertEquals("2017-03-05", EUR.convert(TABLE, d("10"), "2017-03-08").rateDate());
  }

  @Test
  public void maxAgeZeroMeansTheSameDayOnly() {
    CurrencyConverter sameDay = CurrencyConverter.of("USD", List.of("EUR"), 0);
    assertEquals("2017-03-05", sameDay.convert(TABLE, d("1"), "2017-03-05").rateDate());
    assertEquals("missing_rates: no USD rates on 2017-03-06",
        reason(() -> sameDay.convert(TABLE, d("1"), "2017-03-06")));
  }

  @Test
  public void aCurrencyMissingOnTheChosenDayIsMissingRatesNamingIt() {
    CurrencyConverter jpy = CurrencyConverter.of("USD", List.of("EUR", "JPY"), 3);
    // On the 4th the chosen day is the 1st, which has JPY. On the 6th it is the 5th, which has
    // none: refused, not mixed with the 1st's JPY (the 1st is within reach of the 4th only).
    assertEquals("2017-03-01", jpy.convert(TABLE, d("1"), "2017-03-04").rateDate());
    assertEquals("missing_rates: no USDJPY rate on 2017-03-05",
        reason(() -> jpy.convert(TABLE, d("1"), "2017-03-06")));
  }

  @Test
  public void theSourceCurrencyNeedsNoQuoteAndHasScaleSix() {
    CurrencyConverter usd = CurrencyConverter.of("USD", List.of("USD"), 3);
    assertEquals(List.of(d("9.990000")), usd.convert(TABLE, d("9.99"), "2017-03-01").values());
    assertEquals(List.of(d("0.000001")), usd.convert(TABLE, d("0.0000005"), "2017-03-01").values());
  }

  @Test
  public void negativeAmountsConvert() {
    assertEquals(List.of(d("-10.000000"), d("-8.000000")),
        EUR.convert(TABLE, d("-10"), "2017-03-10").values());
  }

  @Test
  public void missingAmountOrDateAndBadDates() {
    assertEquals("missing_amount", reason(() -> EUR.convert(TABLE, null, "2017-03-10")));
    assertEquals("missing_date", reason(() -> EUR.convert(TABLE, d("1"), null)));
    assertEquals("bad_date: '2017-02-30' is not a yyyy-MM-dd date",
        reason(() -> EUR.convert(TABLE, d("1"), "2017-02-30")));
    assertEquals("bad_date: '2017-3-10' is not a yyyy-MM-dd date",
        reason(() -> EUR.convert(TABLE, d("1"), "2017-3-10")));
    assertEquals("bad_date: ' 2017-03-1' is not a yyyy-MM-dd date",
        reason(() -> EUR.convert(TABLE, d("1"), " 2017-03-1")));
  }

  @Test
  public void otherSourceCurrenciesAreSeparateTables() {
    RateTable table = RateTable.of(List.of(
        RateTable.row("2017-03-01", "EUR", null, Map.of("USD", d("1.1")))));
    assertEquals(List.of(d("11.000000")),
        CurrencyConverter.of("EUR", List.of("USD"), 3).convert(table, d("10"), "2017-03-01").values());
    assertEquals("missing_rates: no USD rates on 2017-03-01 or up to 3 days before",
        reason(() -> EUR.convert(table, d("10"), "2017-03-01")));
  }

  @Test
  public void aDayGivenTwiceKeepsTheLaterTimestampWhateverTheOrder() {
    Row early = RateTable.row("2017-03-01", "USD", 100L, Map.of("EUR", d("0.5")));
    Row late = RateTable.row("2017-03-01", "USD", 200L, Map.of("EUR", d("0.7")));
    Row none = RateTable.row("2017-03-01", "USD", null, Map.of("EUR", d("0.9")));
    Row tieA = RateTable.row("2017-03-01", "USD", 200L, Map.of("EUR", d("0.6")));
    List<Row> rows = new ArrayList<>(List.of(early, late, none));
    for (int i = 0; i < 3; i++) {
      Collections.rotate(rows, 1);
      assertEquals(d("0.7"), RateTable.of(rows).find("USD", "2017-03-01", 0).rate("EUR"));
    }
    // An exact tie goes to the quotes that sort first as text, in either order.
    assertEquals(d("0.6"), RateTable.of(List.of(late, tieA)).find("USD", "2017-03-01", 0).rate("EUR"));
    assertEquals(d("0.6"), RateTable.of(List.of(tieA, late)).find("USD", "2017-03-01", 0).rate("EUR"));
  }

  @Test
  public void emptyTableFindsNothing() {
    assertNull(RateTable.empty().find("USD", "2017-03-01", 3));
    assertEquals(List.of(), RateTable.empty().rows());
  }

  @Test
  public void coderRoundTrips() throws CoderException {
    byte[] bytes = CoderUtils.encodeToByteArray(RateTable.coder(), TABLE);
    RateTable back = CoderUtils.decodeFromByteArray(RateTable.coder(), bytes);
    assertEquals(TABLE, back);
    assertEquals(List.of("2017-03-01", "2017-03-05", "2017-03-10"), back.dates("USD"));
  }

  @Test
  public void badRowsAreABugNotData() {
    assertThrows(IllegalArgumentException.class,
        () -> RateTable.of(List.of(day("2017-13-01", "1", null))));
  }

  @Test
  public void configurationIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> CurrencyConverter.of("usd", List.of("EUR"), 3));
    assertThrows(IllegalArgumentException.class, () -> CurrencyConverter.of("USD", List.of(), 3));
    assertThrows(IllegalArgumentException.class,
        () -> CurrencyConverter.of("USD", Arrays.asList("EUR", "EUR"), 3));
    assertThrows(IllegalArgumentException.class, () -> CurrencyConverter.of("USD", List.of("EURO"), 3));
    assertThrows(IllegalArgumentException.class, () -> CurrencyConverter.of("USD", List.of("EUR"), -1));
  }
}
