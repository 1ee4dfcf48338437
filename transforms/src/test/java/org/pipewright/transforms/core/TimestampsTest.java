package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.joda.time.Instant;
import org.junit.Test;

public class TimestampsTest {
  /** 2020-08-28T03:52:47Z. */
  private static final Instant AUG_28 = new Instant(1_598_586_767_000L);

  @Test
  public void nullIsNull() {
    assertNull(Timestamps.parseUtc(null));
  }

  @Test
  public void isoLocalIsUtc() {
    assertEquals(AUG_28, Timestamps.parseUtc("2020-08-28T03:52:47"));
  }

  @Test
  public void spaceSeparatedIsUtc() {
    assertEquals(AUG_28, Timestamps.parseUtc("2020-08-28 03:52:47"));
  }

  @Test
  public void surroundingWhiteSpaceIsIgnored() {
    assertEquals(AUG_28, Timestamps.parseUtc(" 2020-08-28 03:52:47 "));
  }

  @Test
  public void zuluSuffix() {
    assertEquals(AUG_28, Timestamps.parseUtc("2020-08-28T03:52:47Z"));
  }

  @Test
  public void fractionAndCompactOffset() {
    assertEquals(
        new Instant(1_515_558_500_000L), Timestamps.parseUtc("2018-01-10T04:28:20.000+0000"));
  }

  @Test
  public void nonZeroOffsetsAreConvertedToUtc() {
    assertEquals(AUG_28, Timestamps.parseUtc("2020-08-28T05:52:47+02:00"));
    assertEquals(AUG_28, Timestamps.parseUtc("2020-08-28T01:52:47-0200"));
  }

  @Test
  public void millisecondsAreKept() {
    assertEquals(new Instant(1_598_586_767_123L), Timestamps.parseUtc("2020-08-28T03:52:47.123"));
  }

  @Test
  public void leapDayIsValid() {
    assertEquals(new Instant(1_582_970_400_000L), Timestamps.parseUtc("2020-02-29 10:00:00"));
  }

  @Test
  public void impossibleMonthIsBadValue() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-13-01T00:00:00"));
    assertThat(e.getMessage(), containsString("2020-13-01T00:00:00"));
  }

  @Test
  public void impossibleDayIsBadValue() {
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-02-30 10:00:00"));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2019-02-29 10:00:00"));
  }

  @Test
  public void hour24IsBadValue() {
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-01-01T24:00:00"));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-01-01T23:60:00"));
  }

  @Test
  public void otherShapesAreBadValues() {
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc(""));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("yesterday"));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-08-28"));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("28/08/2020 03:52:47"));
    assertThrows(BadValueException.class, () -> Timestamps.parseUtc("2020-08-28T03:52:47 junk"));
  }

  @Test
  public void formatWholeSeconds() {
    assertEquals("2020-08-28T03:52:47Z", Timestamps.format(AUG_28));
    assertEquals(
        "2020-08-28T03:52:47Z", Timestamps.format(Timestamps.parseUtc("2020-08-28 03:52:47")));
  }

  @Test
  public void formatKeepsMilliseconds() {
    assertEquals("2020-08-28T03:52:47.123Z", Timestamps.format(new Instant(1_598_586_767_123L)));
  }

  @Test
  public void formatParsesBack() {
    Instant t = new Instant(1_598_586_767_123L);
    assertEquals(t, Timestamps.parseUtc(Timestamps.format(t)));
    assertEquals(AUG_28, Timestamps.parseUtc(Timestamps.format(AUG_28)));
  }

  @Test
  public void utcYear() {
    assertEquals(2020, Timestamps.utcYear(AUG_28));
    assertEquals(2021, Timestamps.utcYear(Timestamps.parseUtc("2020-12-31T23:30:00-01:00")));
    assertEquals(2017, Timestamps.utcYear(Timestamps.parseUtc("2017-12-31T23:59:59")));
    assertEquals(2018, Timestamps.utcYear(Timestamps.parseUtc("2018-01-01T00:00:00")));
  }

  @Test
  public void separatorMustBeExactlyOneTOrSpace() {
    for (String bad : new String[] {"2020-08-2803:52:47", "2020-08-28T 03:52:47", "2020-08-28  03:52:47"}) {
      assertThrows(bad, BadValueException.class, () -> Timestamps.parseUtc(bad));
    }
  }

  @Test
  public void parseDateTriesIsoTheGivenFormatsThenATimestamp() {
    java.time.format.DateTimeFormatter dotted = java.time.format.DateTimeFormatter
        .ofPattern("dd.MM.uuuu").withResolverStyle(java.time.format.ResolverStyle.STRICT);
    org.junit.Assert.assertNull(Timestamps.parseDate(null, dotted));
    org.junit.Assert.assertEquals(java.time.LocalDate.of(2026, 3, 1), Timestamps.parseDate(" 2026-03-01 "));
    org.junit.Assert.assertEquals(java.time.LocalDate.of(2026, 3, 3), Timestamps.parseDate("03.03.2026", dotted));
    // A timestamp with an offset is taken at its UTC date.
    org.junit.Assert.assertEquals(java.time.LocalDate.of(2026, 3, 1),
        Timestamps.parseDate("2026-03-02T01:00:00+02:00"));
    for (String bad : new String[] {"2026-13-01", "2026-02-30", "03.03.2026", "yesterday"}) {
      BadValueException e = org.junit.Assert.assertThrows(
          BadValueException.class, () -> Timestamps.parseDate(bad));
      org.junit.Assert.assertEquals("unreadable date '" + bad + "'", e.getMessage());
    }
  }

  @Test
  public void yearsBeyondEpochMillisAreBadValuesNotCrashes() {
    BadValueException e = assertThrows(BadValueException.class,
        () -> Timestamps.parseUtc("+999999999-12-31T23:59:59"));
    assertEquals("timestamp out of range '+999999999-12-31T23:59:59'", e.getMessage());
  }

  @Test
  public void onlyYearsOneTo9999AreAccepted() {
    for (String bad : new String[] {"+300000-01-01T00:00:00", "+10000-01-01T00:00:00Z", "0000-12-31 23:59:59",
        "9999-12-31T23:00:00-01:00"}) {
      BadValueException e = assertThrows(bad, BadValueException.class, () -> Timestamps.parseUtc(bad));
      assertEquals("timestamp out of range '" + bad + "'", e.getMessage());
    }
    assertEquals(new Instant(-62135596800000L), Timestamps.parseUtc("0001-01-01 00:00:00"));
    assertEquals(new Instant(253402300799999L), Timestamps.parseUtc("9999-12-31T23:59:59.999Z"));
  }

  @Test
  public void unicodeWhiteSpaceIsTrimmed() {
    assertEquals(Timestamps.parseUtc("2020-08-28T03:52:47"), Timestamps.parseUtc("\u00852020-08-28 03:52:47\u202F"));
  }

  /**
   * The plain {@code yyyy-MM-dd HH:mm:ss} form is read without a formatter: it must accept and
   * refuse exactly what a strict {@code uuuu-MM-dd'T'HH:mm:ss} formatter does, for any digits.
   */
  @Test
  public void plainSecondsAgreeWithAStrictFormatterForAnyDigits() {
    java.time.format.DateTimeFormatter strict = java.time.format.DateTimeFormatter
        .ofPattern("uuuu-MM-dd'T'HH:mm:ss").withResolverStyle(java.time.format.ResolverStyle.STRICT);
    java.util.Random random = new java.util.Random(7);
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      // Year 0 is out of range (onlyYearsOneTo9999AreAccepted): this compares the field checks.
      String text = String.format("%04d-%02d-%02d%s%02d:%02d:%02d", 1 + random.nextInt(9_999), random.nextInt(14),
          random.nextInt(33), random.nextBoolean() ? "T" : " ", random.nextInt(26), random.nextInt(62), random.nextInt(62));
      Instant expected;
      try {
        expected = new Instant(java.time.LocalDateTime.parse(text.replace(' ', 'T'), strict)
            .toEpochSecond(java.time.ZoneOffset.UTC) * 1000);
      } catch (java.time.format.DateTimeParseException e) {
        expected = null;
      }
      if (expected == null) {
        assertThrows(text, BadValueException.class, () -> Timestamps.parseUtc(text));
      } else {
        assertEquals(text, expected, Timestamps.parseUtc(text));
        accepted++;
      }
    }
    assertThat("both outcomes must be exercised", accepted, org.hamcrest.Matchers.allOf(
        org.hamcrest.Matchers.greaterThan(10_000), org.hamcrest.Matchers.lessThan(45_000)));
  }
}
