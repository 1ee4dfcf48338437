package org.pipewright.pipelines;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The days a batch run covers, from {@code --date} or {@code --from}/{@code --to} (both ends
 * included). With neither, the run covers every day it finds ({@link #all()}).
 */
final class DateRange implements java.io.Serializable {
  /** Runs over more days than this are almost certainly a typo in a year. */
  static final int MAX_DAYS = 3660;

  private final @Nullable LocalDate from;
  private final @Nullable LocalDate to;

  private DateRange(@Nullable LocalDate from, @Nullable LocalDate to) {
    this.from = from;
    this.to = to;
  }

  static DateRange all() {
    return new DateRange(null, null);
  }

  /** Parses the options; one clear {@link UsageException} for anything it cannot use. */
  static DateRange of(@Nullable String date, @Nullable String from, @Nullable String to) {
    if (date != null) {
      if (from != null || to != null) {
        throw new UsageException("give either --date or --from/--to, not both");
      }
      LocalDate day = parse("--date", date);
      return new DateRange(day, day);
    }
    if (from == null && to == null) {
      return all();
    }
    if (from == null || to == null) {
      throw new UsageException("--from and --to go together (both days included)");
    }
    LocalDate first = parse("--from", from);
    LocalDate last = parse("--to", to);
    if (last.isBefore(first)) {
      throw new UsageException("--to (" + to + ") is before --from (" + from + ")");
    }
    if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
      throw new UsageException("--from/--to span more than " + MAX_DAYS + " days");
    }
    return new DateRange(first, last);
  }

  private static LocalDate parse(String option, String value) {
    try {
      return LocalDate.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new UsageException(option + " must be YYYY-MM-DD, got '" + value + "'");
    }
  }

  boolean isAll() {
    return from == null;
  }

  /** The days, in order; {@code lookBackDays} more before the first (for reference data). */
  List<LocalDate> days(int lookBackDays) {
    if (isAll()) {
      throw new IllegalStateException("an open range has no list of days");
    }
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from.minusDays(lookBackDays); !d.isAfter(to); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }

  List<LocalDate> days() {
    return days(0);
  }

  /** Whether {@code isoDate} ({@code yyyy-MM-dd}) is in the range; every day is in an open one. */
  boolean contains(String isoDate) {
    if (isAll()) {
      return true;
    }
    LocalDate day = LocalDate.parse(isoDate);
    return !day.isBefore(from) && !day.isAfter(to);
  }

  /** This range with {@code days} more days before its first; an open range stays open. */
  DateRange extendedBack(int days) {
    return isAll() ? this : new DateRange(from.minusDays(days), to);
  }

  /** The only day of a one-day range, else null. */
  @Nullable LocalDate singleDay() {
    return from != null && from.equals(to) ? from : null;
  }

  @Override
  public String toString() {
    return isAll() ? "every day" : from.equals(to) ? from.toString() : from + " to " + to;
  }
}
