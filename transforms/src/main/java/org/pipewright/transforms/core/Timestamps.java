package org.pipewright.transforms.core;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * Parses the timestamp shapes seen in the source data. Values without a zone are UTC.
 *
 * <p>Accepted: {@code 2020-08-28T03:52:47}, {@code 2020-08-28 03:52:47}, optional fractional
 * seconds, and an optional zone ({@code Z}, {@code +00:00}, {@code +0000}). Resolution is strict,
 * so {@code 2020-13-01} or {@code 24:00:00} is a {@link BadValueException}, not a rolled-over date.
 * So is an instant outside the years 1 to 9999 (UTC): java.time reads {@code +300000-01-01T00:00:00},
 * but warehouses do not store it (PostgreSQL ends in 294276, MySQL in 9999), and one such row
 * would fail a whole batch of upserts instead of becoming one dead letter.
 */
public final class Timestamps {
  private static final DateTimeFormatter LOCAL =
      new DateTimeFormatterBuilder()
          .appendPattern("uuuu-MM-dd")
          .appendLiteral('T')
          .appendPattern("HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final DateTimeFormatter ZONED =
      new DateTimeFormatterBuilder()
          .append(LOCAL)
          .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
          .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
          .toFormatter()
          .withResolverStyle(ResolverStyle.STRICT);

  private static final DateTimeFormatter ISO_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** The first and last instant accepted (years 1 to 9999, UTC). */
  private static final long MIN_MILLIS = LocalDateTime.of(1, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
  private static final long MAX_MILLIS =
      LocalDateTime.of(10000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli() - 1;

  /** Returns the instant, or null for a null input. */
  public static @Nullable Instant parseUtc(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String s = Values.trim(text);
    // The two raw forms differ only in the separator; accept exactly one of them.
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    long millis;
    try {
      if (isPlainSeconds(s)) {
        // The form nearly every record has, read without the formatter (which cost 8% of the
        // streaming job's CPU); LocalDateTime.of checks the fields as strictly as ZONED does.
        millis = LocalDateTime.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10),
            digits(s, 11, 13), digits(s, 14, 16), digits(s, 17, 19)).toEpochSecond(ZoneOffset.UTC) * 1000;
      } else {
        java.time.temporal.TemporalAccessor parsed = ZONED.parse(s);
        LocalDateTime local = LocalDateTime.from(parsed);
        ZoneOffset offset =
            parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : ZoneOffset.UTC;
        millis = OffsetDateTime.of(local, offset).toInstant().toEpochMilli();
      }
    } catch (java.time.DateTimeException e) {
      throw new BadValueException("unreadable timestamp '" + text + "'");
    } catch (ArithmeticException e) {
      // A legal year such as +999999999 has no epoch millisecond: out of range, not a crash.
      throw new BadValueException("timestamp out of range '" + text + "'");
    }
    if (!isInRange(millis)) {
      throw new BadValueException("timestamp out of range '" + text + "'");
    }
    return new Instant(millis);
  }

  /** True for an instant within the years 1 to 9999 (UTC), the range {@link #parseUtc} accepts. */
  public static boolean isInRange(long epochMillis) {
    return epochMillis >= MIN_MILLIS && epochMillis <= MAX_MILLIS;
  }

  /** {@code dddd-dd-ddTdd:dd:dd}, ASCII digits only: no fraction, no offset. */
  private static boolean isPlainSeconds(String s) {
    if (s.length() != 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return false;
    }
    for (int i = 0; i < 19; i++) {
      if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
        return false;
      }
    }
    return true;
  }

  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (s.charAt(i) - '0');
    }
    return value;
  }

  private static final DateTimeFormatter ISO_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  /**
   * Parses a calendar date: ISO {@code 2026-03-01}, any of {@code otherFormats} (tried in order),
   * or a full timestamp that {@link #parseUtc} accepts, whose UTC date is taken. Null in, null out.
   * Resolution is strict, so {@code 2026-02-30} is refused rather than rolled over.
   *
   * <p>Pass only formats that cannot be confused with each other: with both {@code dd/MM/uuuu} and
   * {@code MM/dd/uuuu}, {@code 03/04/2026} would silently depend on their order.
   *
   * <pre>{@code
   * DateTimeFormatter dotted = DateTimeFormatter.ofPattern("dd.MM.uuuu")
   *     .withResolverStyle(ResolverStyle.STRICT);
   * Timestamps.parseDate("03.03.2026", dotted);   // 2026-03-03
   * }</pre>
   *
   * @throws BadValueException when no format reads the text
   */
  public static @Nullable LocalDate parseDate(@Nullable String text, DateTimeFormatter... otherFormats) {
    if (text == null) {
      return null;
    }
    String s = Values.trim(text);
    try {
      return LocalDate.parse(s, ISO_DATE);
    } catch (java.time.DateTimeException e) {
      // not ISO; try the others
    }
    for (DateTimeFormatter format : otherFormats) {
      try {
        return LocalDate.parse(s, format);
      } catch (java.time.DateTimeException e) {
        // try the next one
      }
    }
    try {
      Instant instant = parseUtc(s);
      return java.time.Instant.ofEpochMilli(instant.getMillis()).atZone(ZoneOffset.UTC).toLocalDate();
    } catch (BadValueException e) {
      throw new BadValueException("unreadable date '" + text + "'");
    }
  }

  /** ISO-8601 UTC, without fractional seconds when they are zero: {@code 2020-08-28T03:52:47Z}. */
  public static String format(org.joda.time.ReadableInstant instant) {
    long millis = instant.getMillis();
    java.time.Instant t = java.time.Instant.ofEpochMilli(millis);
    return millis % 1000 == 0 ? ISO_SECONDS.format(t) : t.toString();
  }

  /** The UTC calendar year of an instant. */
  public static int utcYear(org.joda.time.ReadableInstant instant) {
    return java.time.Instant.ofEpochMilli(instant.getMillis()).atZone(ZoneOffset.UTC).getYear();
  }
}
