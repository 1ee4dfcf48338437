package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;

public class PythonLiteralTest {
  private static Object parse(String text) {
    return PythonLiteral.parse(text);
  }

  private static String refused(String text) {
    return assertThrows(BadValueException.class, () -> PythonLiteral.parse(text)).getMessage();
  }

  private static Map<Object, Object> map(Object... keysAndValues) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static List<Object> list(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  @Test
  public void tmdbGenres() {
    assertEquals(list(map("id", 16L, "name", "Animation"), map("id", 35L, "name", "Comedy")),
        parse("[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]"));
    assertEquals(list(), parse("[]"));
  }

  @Test
  public void dictsKeepTheLiteralsOrder() {
    Map<?, ?> m = (Map<?, ?>) parse("{'z': 1, 'a': 2, 'm': 3}");
    assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
    // A repeated key keeps its first position and its last value, as Python's dict does.
    Map<?, ?> repeated = (Map<?, ?>) parse("{'a': 1, 'b': 2, 'a': 3}");
    assertEquals(List.of("a", "b"), new ArrayList<>(repeated.keySet()));
    assertEquals(3L, repeated.get("a"));
    // Keys may be any scalar.
    assertEquals(map(1L, "one", null, "none", true, "yes", 2.5, "x"), parse("{1: 'one', None: 'none', True: 'yes', 2.5: 'x'}"));
  }

  @Test
  public void apostrophesAndQuotesInsideStrings() {
    assertEquals("Lucy's Movie", parse("\"Lucy's Movie\""));
    assertEquals("He said \"hi\"", parse("'He said \\\"hi\\\"'"));
    assertEquals("He said \"hi\"", parse("'He said \"hi\"'"));
    assertEquals("It's", parse("'It\\'s'"));
    assertEquals(list(map("name", "Lucy's Movie", "id", 1L), map("name", "\"Q\" Films", "id", 2L)),
        parse("[{'name': \"Lucy's Movie\", 'id': 1}, {'name': '\"Q\" Films', 'id': 2}]"));
    // A comma, a colon and brackets inside a string are text, not structure.
    assertEquals(list("a, b: [c]}", "{'x'"), parse("['a, b: [c]}', \"{'x'\"]"));
  }

  @Test
  public void escapes() {
    assertEquals("a\\b", parse("'a\\\\b'"));
    assertEquals("\n\t\r\b\f\u000b\u0007\0", parse("'\\n\\t\\r\\b\\f\\v\\a\\0'"));
    assertEquals("é", parse("'\\xe9'"));
    assertEquals("é", parse("'\\u00e9'"));
    assertEquals("😀", parse("'\\U0001F600'"));
    assertEquals("A", parse("'\\101'"));
    assertEquals("ab", parse("'a\\\nb'"));
    // An unknown escape keeps its backslash, as in Python.
    assertEquals("\\d", parse("'\\d'"));
  }

  @Test
  public void unicodeAsIs() {
    assertEquals(list(map("iso_639_1", "ja", "name", "日本語")), parse("[{'iso_639_1': 'ja', 'name': '日本語'}]"));
    assertEquals("Amélie 😀", parse("'Amélie 😀'"));
  }

  @Test
  public void numbers() {
    assertEquals(16L, parse("16"));
    assertEquals(-3L, parse("-3"));
    assertEquals(3L, parse("+3"));
    assertEquals(0L, parse("0"));
    assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
    assertEquals(1.5, parse("1.5"));
    assertEquals(0.5, parse(".5"));
    assertEquals(5.0, parse("5."));
    assertEquals(-1.0e-3, parse("-1e-3"));
    assertEquals(2.0e10, parse("2E10"));
  }

  @Test
  public void keywordsTuplesAndNesting() {
    assertEquals(Boolean.TRUE, parse("True"));
    assertEquals(Boolean.FALSE, parse("False"));
    assertNull(parse("None"));
    assertNull(parse("  None \n"));
    assertEquals(list(), parse("()"));
    assertEquals(list(1L), parse("(1,)"));
    assertEquals(1L, parse("(1)"));
    assertEquals(list(1L, "a", null), parse("(1, 'a', None)"));
    assertEquals(list(1L, 2L), parse("[1, 2,]"));
    assertEquals(map("a", 1L), parse("{'a': 1,}"));
    assertEquals(map("a", list(map("b", list(list(), map())), 1.0)), parse("{'a': [{'b': [[], {}]}, 1.0]}"));
    assertEquals(list(list(1L, 2L), map()), parse("[\n  (1, 2),\n\t{}\n]"));
  }

  @Test
  public void malformedLiteralsAreClearErrors() {
    assertEquals("malformed Python literal at offset 32: expected ',' or ']'",
        refused("[{'id': 16, 'name': 'Animation'}"));
    assertEquals("malformed Python literal at offset 10: unterminated string", refused("['abc', 'd"));
    assertTrue(refused("['Lucy's Movie']").startsWith("malformed Python literal at offset 7: expected ',' or ']'"));
    assertEquals("malformed Python literal: no text", refused(null));
    assertEquals("malformed Python literal at offset 0: expected a value, got the end of the text", refused(""));
    assertEquals("malformed Python literal at offset 3: unexpected text after the literal", refused("[] []"));
    assertEquals("malformed Python literal at offset 0: expected a value, got the name 'os'", refused("os.system('rm -rf /')"));
    assertEquals("malformed Python literal at offset 0: expected a value, got the name '__import__'",
        refused("__import__('os')"));
    assertEquals("malformed Python literal at offset 0: expected a value, got the name 'true'", refused("true"));
    assertEquals("malformed Python literal at offset 0: expected a value, got the name 'nan'", refused("nan"));
    assertEquals("malformed Python literal at offset 2: sets are not supported; expected ':'", refused("{1, 2}"));
    assertEquals("malformed Python literal at offset 1: a dict key must be a string, number, boolean or None",
        refused("{[1]: 2}"));
    assertEquals("malformed Python literal at offset 0: string prefixes are not supported", refused("u'x'"));
    assertEquals("malformed Python literal at offset 0: triple-quoted strings are not supported", refused("'''x'''"));
    assertEquals("malformed Python literal at offset 1: \\N{...} escapes are not supported", refused("'\\N{DASH}'"));
    assertEquals("malformed Python literal at offset 3: bad hex digit in an escape", refused("'\\xg1'"));
    assertEquals("malformed Python literal at offset 3: truncated \\x, \\u or \\U escape", refused("'\\u12'"));
    assertEquals("malformed Python literal at offset 2: line break inside a string", refused("'a\nb'"));
    assertEquals("malformed Python literal at offset 0: whole number beyond a 64-bit long", refused("9223372036854775808"));
    assertEquals("malformed Python literal at offset 0: leading zeros in a whole number", refused("012"));
    assertEquals("malformed Python literal at offset 1: unexpected '_' in a number", refused("1_000"));
    assertEquals("malformed Python literal at offset 1: unexpected 'x' in a number", refused("0x10"));
    assertEquals("malformed Python literal at offset 0: number too large for a double", refused("1e999"));
    assertEquals("malformed Python literal at offset 0: expected a number", refused("-"));
    assertEquals("malformed Python literal at offset 1: unterminated string", refused("'"));
    assertEquals("malformed Python literal at offset 5: expected ':'", refused("{'a' 1}"));
    assertEquals("malformed Python literal at offset 3: expected ',' or ')'", refused("(1 2)"));
    assertEquals("malformed Python literal at offset 0: expected a value, got '*'", refused("*"));
  }

  @Test
  public void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "[".repeat(PythonLiteral.MAX_DEPTH) + "]".repeat(PythonLiteral.MAX_DEPTH);
    assertEquals(PythonLiteral.MAX_DEPTH, depth(parse(deep)));
    String tooDeep = "[".repeat(100_000);
    assertTrue(refused(tooDeep).endsWith("nested deeper than " + PythonLiteral.MAX_DEPTH + " levels"));
  }

  private static int depth(Object value) {
    int depth = 0;
    while (value instanceof List) {
      depth++;
      List<?> list = (List<?>) value;
      value = list.isEmpty() ? null : list.get(0);
    }
    return depth;
  }
}
