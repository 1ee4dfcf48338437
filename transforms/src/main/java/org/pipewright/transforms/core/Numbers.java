package org.pipewright.transforms.core;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Strict number parsing for raw text values; failures are {@link BadValueException}s. */
public final class Numbers {
  private Numbers() {}

  /** A required non-negative whole-number id. */
  public static long id(String field, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      throw new BadValueException("missing id '" + field + "'");
    }
    Long value = wholeNumber(field, text);
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
    Long value = wholeNumber(field, text);
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
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new BadValueException("wrong type for '" + field + "': expected a number, got '" + text + "'");
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
    String s = text.trim();
    if (s.length() > 64 || !GROUPED_DECIMAL.matcher(s).matches()) {
      throw new BadValueException(
          "wrong type for '" + field + "': expected an amount like 1,299.00, got '" + text + "'");
    }
    return new BigDecimal(s.replace(",", ""));
  }

  private static @Nullable Long wholeNumber(String field, String text) {
    String s = text.trim();
    int start = s.startsWith("-") ? 1 : 0;
    if (s.length() == start || s.length() > 18) {
      return null;
    }
    for (int i = start; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(s);
  }
}
