package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.values.KV;
import org.junit.Test;

public class RevenueTotalsTest {
  private static KV<Long, BigDecimal> movie(long revenue, String real) {
    return KV.of(revenue, real == null ? null : new BigDecimal(real));
  }

  @Test
  public void partialTotalsMergeToTheSameResultInAnyOrder() {
    List<KV<Long, BigDecimal>> movies = new ArrayList<>(List.of(movie(1001, "1006.01"), movie(1000, "804.00"),
        movie(500, null), movie(1, "0.80"), movie(3_000_000_000L, "3015000000.00"), movie(7, null)));
    RevenueTotals expected = new RevenueTotals(6, 3_000_002_509L, new BigDecimal("3015001810.81"));
    RevenueTotals.SumFn fn = new RevenueTotals.SumFn();
    Random random = new Random(11);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(movies, random);
      int cut = random.nextInt(movies.size() + 1);
      RevenueTotals a = fn.createAccumulator();
      RevenueTotals b = fn.createAccumulator();
      movies.subList(0, cut).forEach(m -> fn.addInput(a, m));
      movies.subList(cut, movies.size()).forEach(m -> fn.addInput(b, m));
      assertEquals(expected, fn.mergeAccumulators(List.of(a, b, fn.createAccumulator())));
    }
  }

  @Test
  public void realSumIsNullUntilOneIsKnown() {
    RevenueTotals.SumFn fn = new RevenueTotals.SumFn();
    RevenueTotals t = fn.addInput(fn.addInput(fn.createAccumulator(), movie(500, null)), movie(1, null));
    assertEquals(new RevenueTotals(2, 501, null), t);
  }

  @Test
  public void monthsAndQuarters() {
    assertEquals("2010-01", RevenueByMonth.month(CpiSeries.monthNumber(LocalDate.parse("2010-01-31"))));
    assertEquals("0999-12", RevenueByMonth.month(CpiSeries.monthNumber(LocalDate.parse("0999-12-01"))));
    assertEquals(2010 * 4, RevenueByQuarter.quarterNumber(LocalDate.parse("2010-03-31")));
    assertEquals(2010 * 4 + 1, RevenueByQuarter.quarterNumber(LocalDate.parse("2010-04-01")));
    assertEquals(2010 * 4 + 3, RevenueByQuarter.quarterNumber(LocalDate.parse("2010-12-31")));
  }
}
