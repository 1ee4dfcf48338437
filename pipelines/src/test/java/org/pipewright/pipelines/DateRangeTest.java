package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.Test;

public class DateRangeTest {
  @Test
  public void oneDayARangeOrEveryDay() {
    assertEquals(List.of(LocalDate.parse("2017-03-03")), DateRange.of("2017-03-03", null, null).days());
    DateRange range = DateRange.of(null, "2017-02-27", "2017-03-02");
    assertEquals(List.of("2017-02-27", "2017-02-28", "2017-03-01", "2017-03-02"),
        range.days().stream().map(LocalDate::toString).toList());
    assertEquals("2017-02-25", range.days(2).get(0).toString());
    assertTrue(range.contains("2017-02-27"));
    assertTrue(range.contains("2017-03-02"));
    assertFalse(range.contains("2017-02-26"));
    assertFalse(range.contains("2017-03-03"));
    assertTrue(DateRange.of(null, null, null).isAll());
    assertTrue(DateRange.of(null, null, null).contains("1999-01-01"));
  }

  @Test
  public void badOptionsGetOneClearMessage() {
    assertMessage("--date must be YYYY-MM-DD, got '2017-Mar-03'", "2017-Mar-03", null, null);
    assertMessage("give either --date or --from/--to, not both", "2017-03-03", "2017-03-01", null);
    assertMessage("--from and --to go together (both days included)", null, "2017-03-01", null);
    assertMessage("--to (2017-03-01) is before --from (2017-03-02)", null, "2017-03-02", "2017-03-01");
    assertMessage("--from/--to span more than 3660 days", null, "2000-01-01", "2017-03-01");
  }

  private static void assertMessage(String message, String date, String from, String to) {
    assertEquals(message, assertThrows(UsageException.class, () -> DateRange.of(date, from, to)).getMessage());
  }
}
