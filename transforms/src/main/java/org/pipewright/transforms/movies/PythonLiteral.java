package org.pipewright.transforms.movies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;

/**
 * A safe reader of Python literals as Python's {@code repr} writes them, the form TMDB's {@code
 * movies_metadata.csv} uses for its nested fields ({@code [{'id': 16, 'name': 'Animation'}]}).
 * It reads, never evaluates: nothing but the literal grammar below is accepted.
 *
 * <ul>
 *   <li>lists {@code [...]} and tuples {@code (...)} become a {@link List} ({@code (x)} is just
 *       {@code x}, {@code (x,)} a one-element list); dicts {@code {k: v, ...}} a {@link Map} in
 *       the literal's order (a repeated key keeps its first position and its last value, as in
 *       Python); a trailing comma is allowed, as in Python;
 *   <li>strings in single or double quotes with Python's escapes ({@code \\ \' \" \n \t \r \b \f
 *       \v \a \0}, octal {@code \ooo}, {@code \xhh}, {@code \\uXXXX}, {@code \UXXXXXXXX}, a
 *       backslash before a line break joins the lines; an unknown escape such as {@code \d} keeps
 *       its backslash, as Python does), so {@code "Lucy's Movie"} and {@code 'He said \"hi\"'}
 *       read as written; a string prefix ({@code u'..'}, {@code b'..'}), triple quotes and {@code
 *       \N{...}} are refused;
 *   <li>whole numbers become {@link Long} (beyond a long: refused), numbers with a fraction or an
 *       exponent {@link Double}; an optional leading {@code -} or {@code +}; {@code nan}, {@code
 *       inf} and underscores in numbers are refused;
 *   <li>{@code True}, {@code False}, {@code None} become {@link Boolean} and null.
 * </ul>
 *
 * <p>Anything else (sets, expressions, names, trailing text, nesting deeper than {@value
 * #MAX_DEPTH}) is a {@link BadValueException} whose message says what was expected where
 * ({@code malformed Python literal at offset 12: expected ',' or ']'}).
 *
 * <pre>{@code
 * List<?> genres = (List<?>) PythonLiteral.parse("[{'id': 16, 'name': 'Animation'}]");
 * }</pre>
 */
public final class PythonLiteral {
  /** How deeply containers may nest: far beyond TMDB's two levels, and well within the stack. */
  public static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private PythonLiteral(String text) {
    this.text = text;
  }

  /** The value of {@code text}, a single Python literal (white space around it is ignored). */
  public static @Nullable Object parse(String text) {
    if (text == null) {
      throw new BadValueException("malformed Python literal: no text");
    }
    PythonLiteral parser = new PythonLiteral(text);
    Object value = parser.value(0);
    parser.skipSpace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected text after the literal");
    }
    return value;
  }

  private @Nullable Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
    skipSpace();
    if (pos >= text.length()) {
      throw error("expected a value, got the end of the text");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '[':
        pos++;
        return sequence(']', depth);
      case '(':
        pos++;
        return tuple(depth);
      case '{':
        pos++;
        return dict(depth);
      case '\'':
      case '"':
        return string();
      default:
        if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
          return number();
        }
        if (Character.isLetter(c) || c == '_') {
          return keyword();
        }
        throw error("expected a value, got '" + c + "'");
    }
  }

  private List<Object> sequence(char close, int depth) {
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek(close)) {
        pos++;
        return items;
      }
      items.add(value(depth + 1));
      skipSpace();
      if (peek(',')) {
        pos++;
      } else if (peek(close)) {
        pos++;
        return items;
      } else {
        throw error("expected ',' or '" + close + "'");
      }
    }
  }

  private @Nullable Object tuple(int depth) {
    skipSpace();
    if (peek(')')) {
      pos++;
      return new ArrayList<>();
    }
    Object first = value(depth + 1);
    skipSpace();
    if (peek(')')) {
      // (x) is x in parentheses, not a tuple.
      pos++;
      return first;
    }
    if (!peek(',')) {
      throw error("expected ',' or ')'");
    }
    pos++;
    List<Object> items = sequence(')', depth);
    items.add(0, first);
    return items;
  }

  private Map<Object, Object> dict(int depth) {
    Map<Object, Object> map = new LinkedHashMap<>();
    while (true) {
      skipSpace();
      if (peek('}')) {
        pos++;
        return map;
      }
      int keyAt = pos;
      Object key = value(depth + 1);
      if (key instanceof List || key instanceof Map) {
        pos = keyAt;
        throw error("a dict key must be a string, number, boolean or None");
      }
      skipSpace();
      if (!peek(':')) {
        throw error(peek(',') || peek('}') ? "sets are not supported; expected ':'" : "expected ':'");
      }
      pos++;
      map.put(key, value(depth + 1));
      skipSpace();
      if (peek(',')) {
        pos++;
      } else if (peek('}')) {
        pos++;
        return map;
      } else {
        throw error("expected ',' or '}'");
      }
    }
  }

  private String string() {
    char quote = text.charAt(pos);
    if (text.startsWith(String.valueOf(quote).repeat(3), pos)) {
      throw error("triple-quoted strings are not supported");
    }
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        return out.toString();
      }
      if (c == '\n' || c == '\r') {
        pos--;
        throw error("line break inside a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char e = text.charAt(pos++);
      switch (e) {
        case '\n':
          break;
        case '\r':
          if (pos < text.length() && text.charAt(pos) == '\n') {
            pos++;
          }
          break;
        case '\\':
        case '\'':
        case '"':
          out.append(e);
          break;
        case 'n':
          out.append('\n');
          break;
        case 't':
          out.append('\t');
          break;
        case 'r':
          out.append('\r');
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'v':
          out.append('\u000b');
          break;
        case 'a':
          out.append('\u0007');
          break;
        case 'x':
          out.append((char) hex(2));
          break;
        case 'u':
          out.append((char) hex(4));
          break;
        case 'U':
          int codePoint = hex(8);
          if (!Character.isValidCodePoint(codePoint)) {
            pos -= 10;
            throw error("\\U escape beyond Unicode");
          }
          out.appendCodePoint(codePoint);
          break;
        case 'N':
          pos -= 2;
          throw error("\\N{...} escapes are not supported");
        default:
          if (e >= '0' && e <= '7') {
            int value = e - '0';
            for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
              value = value * 8 + (text.charAt(pos++) - '0');
            }
            out.append((char) value);
          } else {
            // Python keeps an unknown escape as written.
            out.append('\\').append(e);
          }
      }
    }
  }

  private int hex(int digits) {
    if (pos + digits > text.length()) {
      throw error("truncated \\x, \\u or \\U escape");
    }
    int value = 0;
    for (int i = 0; i < digits; i++) {
      char c = text.charAt(pos + i);
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) {
        throw error("bad hex digit in an escape");
      }
      value = value * 16 + d;
    }
    pos += digits;
    return value;
  }

  private Object number() {
    int start = pos;
    if (peek('-') || peek('+')) {
      pos++;
    }
    int intDigits = digits();
    boolean decimal = false;
    int fractionDigits = 0;
    if (peek('.')) {
      decimal = true;
      pos++;
      fractionDigits = digits();
    }
    if (intDigits == 0 && fractionDigits == 0) {
      pos = start;
      throw error("expected a number");
    }
    if (peek('e') || peek('E')) {
      decimal = true;
      pos++;
      if (peek('-') || peek('+')) {
        pos++;
      }
      if (digits() == 0) {
        throw error("expected the digits of an exponent");
      }
    }
    if (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      throw error("unexpected '" + text.charAt(pos) + "' in a number");
    }
    String number = text.substring(start, pos);
    if (decimal) {
      double value = Double.parseDouble(number);
      if (Double.isInfinite(value)) {
        pos = start;
        throw error("number too large for a double");
      }
      return value;
    }
    int firstDigit = number.charAt(0) == '-' || number.charAt(0) == '+' ? 1 : 0;
    if (number.length() - firstDigit > 1 && number.charAt(firstDigit) == '0') {
      pos = start;
      // Python 3 refuses 012 (it was octal in Python 2).
      throw error("leading zeros in a whole number");
    }
    try {
      return Long.parseLong(number);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("whole number beyond a 64-bit long");
    }
  }

  private int digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos - start;
  }

  private @Nullable Object keyword() {
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    String word = text.substring(start, pos);
    switch (word) {
      case "True":
        return Boolean.TRUE;
      case "False":
        return Boolean.FALSE;
      case "None":
        return null;
      default:
        pos = start;
        throw error(peek('\'', word.length()) || peek('"', word.length()) ? "string prefixes are not supported"
            : "expected a value, got the name '" + shorten(word) + "'");
    }
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean peek(char c) {
    return peek(c, 0);
  }

  private boolean peek(char c, int ahead) {
    return pos + ahead < text.length() && text.charAt(pos + ahead) == c;
  }

  private BadValueException error(String what) {
    return new BadValueException("malformed Python literal at offset " + pos + ": " + what);
  }

  private static String shorten(String word) {
    return word.length() <= 32 ? word : word.substring(0, 32) + "...";
  }
}
