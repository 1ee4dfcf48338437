package org.pipewright.transforms.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Strict number parsing for raw text values; failures are {@link BadValueException}s.
 *
 * <p>Only plain decimal text is a number: an optional sign ({@code -} or {@code +}), one or more
 * ASCII digits, an optional fraction ({@code .} and one or more digits) and, for decimals, an
 * optional exponent ({@code e} or {@code E}, optional sign, digits). Java's own parsers accept
 * more ({@code 12d}, {@code 1f}, {@code 0x1p3}, {@code Infinity}, {@code NaN}, and Unicode digits
 * in {@code Long.parseLong}); a source that sends those is sending something we cannot vouch for,
 * so it is refused. Surrounding white space is removed with {@link Values#trim}.
 */
public final class Numbers {
  /** Digits in a long that always fit: 18 nines are below {@link Long#MAX_VALUE}. */
  private static final int SAFE_LONG_DIGITS = 18;

  /**
   * The most digits, and the largest scale either way, that {@link #isTame} lets through: far more
   * than any amount, rate or index needs.
   */
  public static final int MAX_DIGITS = 100;

  /**
   * Integer digits of the largest decimal a sink stores: Parquet's {@code decimal(38, 9)} and the
   * warehouses' {@code NUMERIC(38, 9)} hold 29. A value with more cannot be written anywhere, so a
   * step that makes one refuses it ({@link #storable}) instead of failing the job at the writer.
   */
  public static final int MAX_STORED_INTEGER_DIGITS = 29;

  private Numbers() {}

  /** Decimals a sink keeps: Parquet's {@code decimal(38, 9)}, {@code NUMERIC(38, 9)}; more are rounded half up. */
  public static final int MAX_STORED_SCALE = 9;

  /**
   * True when {@code value}, rounded half up to {@link #MAX_STORED_SCALE} decimals as the sinks
   * round it, has at most {@link #MAX_STORED_INTEGER_DIGITS} digits before the point: rounding can
   * carry into a 30th digit ({@code 99...9.9999999995}).
   */
  public static boolean isStorable(BigDecimal value) {
    int integerDigits = value.precision() - value.scale();
    if (integerDigits < MAX_STORED_INTEGER_DIGITS) {
      return true;
    }
    BigDecimal stored = value.setScale(MAX_STORED_SCALE, RoundingMode.HALF_UP);
    return stored.precision() - stored.scale() <= MAX_STORED_INTEGER_DIGITS;
  }

  /**
   * {@code value}, or a {@link BadValueException} with reason {@code <reason>: <value>} when it has
   * more integer digits than any sink stores ({@link #MAX_STORED_INTEGER_DIGITS}).
   */
  public static BigDecimal storable(String reason, BigDecimal value) {
    if (!isStorable(value)) {
      String text = value.toString();
      throw new BadValueException(reason + ": " + (text.length() > 64 ? text.substring(0, 64) + "..." : text)
          + " has more than " + MAX_STORED_INTEGER_DIGITS + " digits before the point");
    }
    return value;
  }

  /**
   * True when {@code value} has at most {@link #MAX_DIGITS} digits and a scale within {@code
   * ±MAX_DIGITS}. An exponent makes a short text an enormous number ({@code 1e-999999999} has a
   * billion decimals): rescaling it, subtracting it from another amount or writing it as a
   * fixed-scale decimal would take minutes and gigabytes, so such values are refused on reading.
   */
  public static boolean isTame(BigDecimal value) {
    return value.precision() <= MAX_DIGITS && Math.abs(value.scale()) <= MAX_DIGITS;
  }

  /** A required non-negative whole-number id. */
  public static long id(String field, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      throw new BadValueException("missing id '" + field + "'");
    }
    Long value = wholeNumber(text);
    if (value == null || value < 0) {
      throw new BadValueException("wrong type for '" + field + "': expected an id, got '" + text + "'");
    }
    return value;
  }

  /** An optional int; null in, null out. */
  public static @Nullable Integer integer(String field, @Nullable String text) {
    if (text == null) {
      return null;
    }
    Long value = wholeNumber(text);
    if (value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new BadValueException(
          "wrong type for '" + field + "': expected a whole number, got '" + text + "'");
    }
    return value.intValue();
  }

  /** An optional finite double within [min, max]; null in, null out. */
  public static @Nullable Double decimal(String field, @Nullable String text, double min, double max) {
    if (text == null) {
      return null;
    }
    String s = Values.trim(text);
    if (!isPlainDecimal(s)) {
      throw new BadValueException("wrong type for '" + field + "': expected a number, got '" + text + "'");
    }
    // Safe: the grammar above is a subset of what parseDouble accepts.
    double value = Double.parseDouble(s);
    if (Double.isInfinite(value)) {
      throw new BadValueException("'" + field + "' is too large for a double: " + text);
    }
    if (!(value >= min && value <= max)) {
      throw new BadValueException("'" + field + "' out of range [" + min + ", " + max + "]: " + text);
    }
    return value;
  }

  // Plain digits, or digits grouped by commas in threes ("1,299"); an optional fraction after a dot.
  private static final Pattern GROUPED_DECIMAL =
      Pattern.compile("[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?");

  /**
   * An optional exact decimal, as amounts are written by people and spreadsheets: {@code 12.50},
   * {@code 1,299.00}, {@code -3}. Commas are accepted only as thousands separators in groups of
   * three ({@code 1,29.00} is refused, as is a decimal comma {@code 12,5}: guessing would turn a
   * European {@code 1,299} into 1.299). The scale is kept as written ({@code 12.50} has scale 2).
   * Null in, null out; surrounding white space is ignored.
   */
  public static @Nullable BigDecimal decimalAmount(String field, @Nullable String text) {
    if (text == null) {
      return null;
    }
    String s = Values.trim(text);
    if (s.length() > 64 || !GROUPED_DECIMAL.matcher(s).matches()) {
      throw new BadValueException(
          "wrong type for '" + field + "': expected an amount like 1,299.00, got '" + text + "'");
    }
    return new BigDecimal(s.replace(",", ""));
  }

  /**
   * The whole number in {@code text} (trimmed), or null when it is not a plain whole number of at
   * most 18 digits (longer ones may not fit a long; ids and counts never need them).
   */
  public static @Nullable Long wholeNumber(String text) {
    String s = Values.trim(text);
    int start = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
    int digits = digits(s, start);
    if (digits == 0 || digits > SAFE_LONG_DIGITS || start + digits != s.length()) {
      return null;
    }
    return Long.parseLong(s);
  }

  /**
   * True for {@code [+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?}, checked by hand because this runs
   * for every coordinate of every record.
   */
  public static boolean isPlainDecimal(String s) {
    int i = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
    int n = digits(s, i);
    if (n == 0) {
      return false;
    }
    i += n;
    if (i < s.length() && s.charAt(i) == '.') {
      n = digits(s, i + 1);
      if (n == 0) {
        return false;
      }
      i += 1 + n;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        i++;
      }
      n = digits(s, i);
      if (n == 0) {
        return false;
      }
      i += n;
    }
    return i == s.length();
  }

  /** How many ASCII digits start at {@code from}. */
  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i - from;
  }
}
