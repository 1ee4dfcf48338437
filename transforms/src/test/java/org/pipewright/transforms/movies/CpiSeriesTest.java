package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class CpiSeriesTest {
  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  private static Row cpi(String month, String value) {
    return CpiSeries.row(LocalDate.parse(month), d(value));
  }

  /** 2010-01: 200, 2010-02: 250, a gap, 2011-06: 201 (the latest). */
  static List<Row> series() {
    return List.of(cpi("2010-01-01", "200.0"), cpi("2010-02-01", "250"), cpi("2011-06-01", "201.000"));
  }

  @Test
  public void adjustsToTheLatestMonthRoundingHalfUpOnce() {
    CpiSeries s = CpiSeries.of(series());
    assertEquals(LocalDate.parse("2011-06-01"), s.latestMonth());
    // 1001 * 201 / 200 = 1006.005 exactly: half up gives .01 (half even would give .00).
    assertEquals(d("1006.01"), s.realValue(1001L, LocalDate.parse("2010-01-15")));
    // 1 * 201 / 250 = 0.804
    assertEquals(d("0.80"), s.realValue(1L, LocalDate.parse("2010-02-28")));
    assertEquals(d("804.00"), s.realValue(1000L, LocalDate.parse("2010-02-01")));
    // The latest month itself: unchanged, with two decimals.
    assertEquals(d("3.00"), s.realValue(3L, LocalDate.parse("2011-06-30")));
    // A negative amount is arithmetic like any other (half up rounds away from zero).
    assertEquals(d("-1006.01"), s.realValue(-1001L, LocalDate.parse("2010-01-31")));
  }

  @Test
  public void nullWhenTheMonthIsNotInTheSeriesOrTheAmountUnknown() {
    CpiSeries s = CpiSeries.of(series());
    assertNull(s.realValue(100L, LocalDate.parse("2010-03-10")));  // a gap
    assertNull(s.realValue(100L, LocalDate.parse("2009-12-31")));  // before the series
    assertNull(s.realValue(100L, LocalDate.parse("2011-07-01")));  // after the series
    assertNull(s.realValue(null, LocalDate.parse("2010-01-15")));
    assertNull(s.realValue(100L, null));
    assertNull(CpiSeries.empty().realValue(100L, LocalDate.parse("2010-01-15")));
    assertNull(CpiSeries.empty().latestMonth());
  }

  @Test
  public void aRealValueTooLargeToStoreAndSumIsNull() {
    // A month's index near zero against the latest one: the adjustment would have 25 digits.
    CpiSeries s = CpiSeries.of(List.of(CpiSeries.row(LocalDate.parse("2010-01-01"), d("0.000000001")),
        CpiSeries.row(LocalDate.parse("2010-02-01"), d("0.001")), CpiSeries.row(LocalDate.parse("2011-01-01"), d("100"))));
    assertNull(s.realValue(1_000_000_000_000L, LocalDate.parse("2010-01-15")));
    // 20 digits are kept.
    assertEquals(d("10000000000000000000.00"), s.realValue(100_000_000_000_000L, LocalDate.parse("2010-02-15")));
  }

  @Test
  public void conflictingOrNonPositiveMonthsAreLeftOutWhateverTheOrder() {
    List<Row> rows = new ArrayList<>(series());
    rows.add(cpi("2010-02-01", "250.00"));   // the same value again: kept
    rows.add(cpi("2010-01-01", "199"));      // a second, different value: 2010-01 is left out
    rows.add(cpi("2011-07-01", "0"));        // not positive: not the latest month
    rows.add(cpi("2011-08-01", "-5"));
    Map<LocalDate, BigDecimal> expected = new LinkedHashMap<>();
    expected.put(LocalDate.parse("2010-02-01"), d("250"));
    expected.put(LocalDate.parse("2011-06-01"), d("201.000"));
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(rows, random);
      CpiSeries s = CpiSeries.of(rows);
      assertEquals(expected, s.months());
      assertEquals(LocalDate.parse("2011-06-01"), s.latestMonth());
      assertNull(s.realValue(1001L, LocalDate.parse("2010-01-15")));
      assertNull(s.realValue(1001L, LocalDate.parse("2011-07-15")));
      assertEquals(d("804.00"), s.realValue(1000L, LocalDate.parse("2010-02-01")));
    }
  }

  @Test
  public void anyDayNamesItsMonth() {
    CpiSeries s = CpiSeries.of(List.of(cpi("2010-01-20", "200"), cpi("2010-02-01", "201")));
    assertEquals(d("1006.01"), s.realValue(1001L, LocalDate.parse("2010-01-01")));
    assertEquals(LocalDate.parse("2010-02-01"), s.latestMonth());
  }

  @Test
  public void coderRoundTrips() throws Exception {
    CpiSeries s = CpiSeries.of(series());
    byte[] bytes = CoderUtils.encodeToByteArray(CpiSeries.coder(), s);
    assertEquals(s, CoderUtils.decodeFromByteArray(CpiSeries.coder(), bytes));
    byte[] empty = CoderUtils.encodeToByteArray(CpiSeries.coder(), CpiSeries.empty());
    assertEquals(CpiSeries.empty(), CoderUtils.decodeFromByteArray(CpiSeries.coder(), empty));
  }
}
