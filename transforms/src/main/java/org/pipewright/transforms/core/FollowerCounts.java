package org.pipewright.transforms.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Parses human-readable counts such as {@code 536}, {@code 43k}, {@code 1.5k} or {@code 1M}.
 *
 * <p>The suffix {@code k} multiplies by 1,000 and {@code M} by 1,000,000 (either case); decimals
 * are allowed and the result is rounded half up. Anything else, negative numbers included, is a
 * {@link BadValueException}: a count that cannot be read must not silently become null.
 */
public final class FollowerCounts {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private FollowerCounts() {}

  /** Returns the count, or null for a null input. */
  public static @Nullable Long parse(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String s = Values.trim(text);
    if (s.isEmpty()) {
      throw new BadValueException("empty follower count");
    }
    // Fast path: plain digits, by far the most common shape.
    if (s.length() <= 18 && allDigits(s, 0, s.length())) {
      return Long.parseLong(s);
    }
    BigDecimal multiplier = BigDecimal.ONE;
    int end = s.length();
    char last = s.charAt(end - 1);
    if (last == 'k' || last == 'K') {
      multiplier = THOUSAND;
      end--;
    } else if (last == 'M' || last == 'm') {
      multiplier = MILLION;
      end--;
    }
    String number = Values.trim(s.substring(0, end));
    if (!isDecimal(number)) {
      throw new BadValueException("unreadable follower count '" + text + "'");
    }
    BigDecimal value = new BigDecimal(number).multiply(multiplier).setScale(0, RoundingMode.HALF_UP);
    if (value.compareTo(MAX) > 0) {
      throw new BadValueException("follower count too large '" + text + "'");
    }
    return value.longValueExact();
  }

  private static boolean isDecimal(String s) {
    int dot = s.indexOf('.');
    if (dot < 0) {
      return !s.isEmpty() && allDigits(s, 0, s.length());
    }
    return dot > 0 && dot < s.length() - 1 && allDigits(s, 0, dot) && allDigits(s, dot + 1, s.length());
  }

  private static boolean allDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
