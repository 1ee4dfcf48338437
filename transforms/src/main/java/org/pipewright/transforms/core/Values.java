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
    String trimmed = trim(value);
    return trimmed == null || NULL_LIKE.contains(trimmed) ? null : trimmed;
  }

  /**
   * Removes leading and trailing white space as {@link #isSpace} defines it; null in, null out.
   * Every step that trims (numbers, timestamps, counts) uses this, so one value never means two
   * things in two places: {@link String#trim()} would keep U+0085 and U+00A0, for example.
   */
  public static @Nullable String trim(@Nullable String value) {
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
    return (start == 0 && end == value.length()) ? value : value.substring(start, end);
  }

  /** True when {@code text} is empty or only white space as {@link #isSpace} defines it. */
  public static boolean isBlank(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (!isSpace(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Like {@link #clean(String)}, and also null when the value is one of {@code placeholders}. */
  public static @Nullable String clean(@Nullable String value, Set<String> placeholders) {
    String cleaned = clean(value);
    return cleaned == null || placeholders.contains(cleaned) ? null : cleaned;
  }

  /**
   * Orders strings by Unicode code point, as SQL's binary collation and most other systems do;
   * {@link String#compareTo} compares UTF-16 units instead, which puts characters above U+FFFF
   * (emoji, say) before U+E000..U+FFFF. Every deterministic ranking by name uses this.
   */
  public static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * The white space that trimming removes: Java white space ({@link Character#isWhitespace}, the
   * ASCII controls), Unicode space separators ({@link Character#isSpaceChar}: U+00A0, U+2007,
   * U+202F and the other no-break spaces included), U+0085 NEXT LINE (Unicode white space that
   * neither Java method counts), and the invisible U+200B and U+FEFF that copy-paste leaves behind.
   */
  public static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c)
        || c == '\u0085' || c == '\u200B' || c == '\uFEFF';
  }
}
