package org.pipewright.transforms.core;

import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Null-like and white-space rules shared by every cleansing step. */
public final class Values {
  private static final Set<String> NULL_LIKE = Set.of("", "NULL", "null");

  private Values() {}

  /**
   * Trims leading and trailing Unicode white space (including U+00A0 and other no-break spaces,
   * which {@link String#strip()} keeps) and turns empty, {@code NULL} and {@code null} into null.
   * Inner text is never changed.
   */
  public static @Nullable String clean(@Nullable String value) {
    if (value == null) {
      return null;
    }
    int start = 0;
    int end = value.length();
    while (start < end && isSpace(value.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(value.charAt(end - 1))) {
      end--;
    }
    String trimmed = (start == 0 && end == value.length()) ? value : value.substring(start, end);
    return NULL_LIKE.contains(trimmed) ? null : trimmed;
  }

  /** Like {@link #clean(String)}, and also null when the value is one of {@code placeholders}. */
  public static @Nullable String clean(@Nullable String value, Set<String> placeholders) {
    String cleaned = clean(value);
    return cleaned == null || placeholders.contains(cleaned) ? null : cleaned;
  }

  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u200B' || c == '\uFEFF';
  }
}
