package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.pinterest.GeoCleaner;
import org.pipewright.transforms.pinterest.PinCleaner;
import org.pipewright.transforms.pinterest.PinterestSchemas;
import org.pipewright.transforms.pinterest.UserCleaner;

/**
 * Property-based tests of {@link CleanRecords#cleanOne} with every cleaner that exists: whatever
 * the payload, the record ends in exactly one place, and a dead letter names the kind, the step,
 * a reason, the source and the original payload. Run through a real pipeline in {@code
 * CleanRecordsCorpusTest}.
 */
class CleanRecordsFuzzTest {
  private static final int MAX_PAYLOAD = 50_000;

  static final List<RecordCleaner> CLEANERS = List.of(
      new PinCleaner(), new GeoCleaner(), new UserCleaner(),
      JsonRowCleaner.of("pinRow", PinterestSchemas.PIN),
      JsonRowCleaner.of("geoRow", PinterestSchemas.GEO),
      JsonRowCleaner.of("userRow", PinterestSchemas.USER));

  /** Field names the cleaners look at, so generated objects reach the typing rules. */
  private static final List<String> KEYS = List.of("index", "ind", "unique_id", "title",
      "follower_count", "poster_name", "save_location", "image_src", "img_src", "country",
      "latitude", "longitude", "coordinates", "timestamp", "first_name", "last_name", "age",
      "date_joined", "user_name", "x");

  @Provide
  Arbitrary<RecordCleaner> cleaners() {
    return Arbitraries.of(CLEANERS);
  }

  /** JSON-ish scalar texts: numbers Java reads and JSON does not, white space, escapes, junk. */
  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> nastyText = Arbitraries.of("12d", "0x1p3", "1f", "Infinity", "NaN", "1_000",
        "+5", "-0", "1e999", "\u008512\u0085", "\u00A0\u2007\u202F", "\u0000", "\\u0000", "\uD800",
        "NULL", "null", "", "43k", "1.5M", "2020-08-28 03:52:47", "2020-13-01T00:00:00",
        "Local save in /x", "User Info Error", "9223372036854775808");
    Arbitrary<String> quoted = Arbitraries.oneOf(nastyText, Arbitraries.strings().ofMaxLength(12))
        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    Arbitrary<String> bare = Arbitraries.oneOf(
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(String::valueOf),
        Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(30).negate(),
            java.math.BigInteger.TEN.pow(30)).map(String::valueOf),
        Arbitraries.of("true", "false", "null", "[]", "{}", "[1, 2]", "[1e999, 0]", "[\"1\", null]",
            "1e999", "-1e999", "NaN", "01", "[[[[[[[[", "{\"a\":1,\"a\":2}"),
        nastyText);
    return Arbitraries.oneOf(quoted, bare);
  }

  /** Objects of 0 to 8 fields, keys possibly repeated, values from {@link #values()}. */
  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> field = Combinators.combine(Arbitraries.of(KEYS), values())
        .as((k, v) -> "\"" + k + "\": " + v);
    return field.list().ofMaxSize(8).map(fields -> "{" + String.join(", ", fields) + "}");
  }

  @Provide
  Arbitrary<String> payloads() {
    return Arbitraries.oneOf(objects(), Arbitraries.strings().ofMaxLength(64),
        Arbitraries.of(NastyPayloads.ALL),
        // Mangled objects: cut or spliced anywhere.
        objects().flatMap(o -> Arbitraries.integers().between(0, o.length()).map(i -> o.substring(0, i))));
  }

  @Property(tries = 3000)
  void everyRecordEndsInExactlyOnePlace(
      @ForAll("cleaners") RecordCleaner cleaner, @ForAll("payloads") String payload) {
    Row record = RawRecord.of("f.jsonl:7", payload);
    CleanRecords.Outcome outcome = CleanRecords.cleanOne(cleaner, "Step", MAX_PAYLOAD, record);
    assertTrue("exactly one outcome", (outcome.clean == null) != (outcome.deadLetter == null));
    if (outcome.clean != null) {
      assertEquals(cleaner.cleanSchema(), outcome.clean.getSchema());
      return;
    }
    Row dead = outcome.deadLetter;
    assertEquals(cleaner.kind(), DeadLetter.kind(dead));
    assertEquals("Step", DeadLetter.step(dead));
    assertEquals("f.jsonl:7", DeadLetter.source(dead));
    assertFalse("a reason", DeadLetter.reason(dead).isBlank());
    assertFalse(DeadLetter.reason(dead), DeadLetter.reason(dead).startsWith("unexpected error"));
    if (payload.length() <= MAX_PAYLOAD) {
      assertEquals(payload, DeadLetter.payload(dead));
    } else {
      assertEquals(payload.substring(0, CleanRecords.KEPT_PAYLOAD_CHARS), DeadLetter.payload(dead));
    }
  }

  @Property(tries = 200)
  void aSourceRefusalIsADeadLetterWithTheSourceReason(
      @ForAll("cleaners") RecordCleaner cleaner, @ForAll("payloads") String excerpt) {
    Row record = RawRecord.refused("f.jsonl.gz", excerpt, "truncated gzip stream after 3 lines");
    Row dead = CleanRecords.cleanOne(cleaner, "Step", MAX_PAYLOAD, record).deadLetter;
    assertNotNull(dead);
    assertEquals("truncated gzip stream after 3 lines", DeadLetter.reason(dead));
    assertEquals(excerpt, DeadLetter.payload(dead));
    assertEquals("f.jsonl.gz", DeadLetter.source(dead));
  }

  @Example
  void noNastyPayloadIsAnUnexpectedError() {
    for (RecordCleaner cleaner : CLEANERS) {
      for (String payload : NastyPayloads.ALL) {
        CleanRecords.Outcome outcome = CleanRecords.cleanOne(cleaner, "Step", MAX_PAYLOAD * 4, RawRecord.of("s", payload));
        if (outcome.deadLetter != null) {
          assertFalse(cleaner.kind() + ": " + DeadLetter.reason(outcome.deadLetter),
              DeadLetter.reason(outcome.deadLetter).startsWith("unexpected error"));
        }
      }
    }
  }

  @Example
  void hostilePayloadsAreDeadLettersWithTheirReason() {
    String[][] expected = {
        // kind, payload, reason prefix
        {"geo", "{\"ind\": 1, \"latitude\": \"12d\", \"longitude\": \"1f\"}",
            "wrong type for 'latitude': expected a number, got '12d'"},
        {"geo", "{\"ind\": 1, \"latitude\": \"0x1p3\", \"longitude\": 1}",
            "wrong type for 'latitude': expected a number, got '0x1p3'"},
        {"geo", "{\"ind\": 1, \"latitude\": \"NaN\", \"longitude\": \"Infinity\"}",
            "wrong type for 'latitude': expected a number, got 'NaN'"},
        {"geo", "{\"ind\": 1, \"latitude\": 1e999, \"longitude\": 1}",
            "wrong type for 'latitude': expected a number, got 'Infinity'"},
        {"geoRow", "{\"ind\": 1, \"coordinates\": [1e999, 2]}",
            "'coordinates' is too large for a double: Infinity"},
        {"user", "{\"ind\": 1, \"age\": \"12d\"}",
            "wrong type for 'age': expected a whole number, got '12d'"},
        {"user", "{\"ind\": 1, \"date_joined\": \"+999999999-12-31T23:59:59\"}",
            "timestamp out of range"},
        {"pin", "{\"index\": 1, \"index\": 2}", "unparseable JSON: Duplicate field 'index'"},
        {"geo", "{\"ind\": 1, \"country\": {\"a\": 1, \"a\": 2}}", "unparseable JSON: Duplicate field 'a'"},
        {"pin", "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}",
            "JSON exceeds a safety limit: Depth (1001) exceeds the maximum allowed nesting depth (1000)"},
        {"userRow", "{\"ind\": 9223372036854775808}", "wrong type for 'ind': expected a whole number"},
        {"user", "{\"ind\": 123456789012345678901234567890}", "wrong type for 'ind': expected an id"},
        {"pin", "{\"index\": \"1\u0000\"}", "unparseable JSON: Illegal unquoted character"},
    };
    for (String[] e : expected) {
      RecordCleaner cleaner = CLEANERS.stream().filter(c -> c.kind().equals(e[0])).findFirst().orElseThrow();
      Row dead = CleanRecords.cleanOne(cleaner, "Step", MAX_PAYLOAD, RawRecord.of("s", e[1])).deadLetter;
      assertNotNull(e[0] + " accepted " + abbreviate(e[1]), dead);
      assertTrue(DeadLetter.reason(dead), DeadLetter.reason(dead).startsWith(e[2]));
      assertEquals(e[1], DeadLetter.payload(dead));
    }
  }

  @Example
  void unicodeWhiteSpaceAroundValuesIsTrimmedNotRefused() {
    Row clean = CleanRecords.cleanOne(new UserCleaner(), "Step", MAX_PAYLOAD, RawRecord.of("s",
        "{\"ind\": \"\u008512\u0085\", \"age\": \"\u00A030\u202F\", \"first_name\": \"\u0085Ann\u2007\"}")).clean;
    assertNotNull(clean);
    assertEquals(Long.valueOf(12), clean.getInt64("ind"));
    assertEquals(Integer.valueOf(30), clean.getInt32("age"));
    assertEquals("Ann", clean.getString("user_name"));
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  @Property(tries = 2000)
  void plainDecimalIsExactlyTheDocumentedGrammar(@ForAll("numberish") String s) {
    assertEquals(s, s.matches("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?"), Numbers.isPlainDecimal(s));
  }

  @Provide
  Arbitrary<String> numberish() {
    return Arbitraries.strings().withChars("0123456789+-.eExXpPdDfF_ \u0661").ofMaxLength(10);
  }

  @Property
  void everyFiniteDoubleRoundTrips(@ForAll double d) {
    // Double.toString never writes a Java-only form for a finite value, so none is lost.
    if (Double.isFinite(d)) {
      assertEquals(Double.valueOf(d), Numbers.decimal("x", Double.toString(d), -Double.MAX_VALUE, Double.MAX_VALUE));
    }
  }

  @Property
  void trimRemovesAllSurroundingWhiteSpaceAndNothingElse(
      @ForAll("spaces") String before, @ForAll String text, @ForAll("spaces") String after) {
    String trimmed = Values.trim(before + text + after);
    assertEquals(Values.trim(text), trimmed);
    assertTrue(trimmed.isEmpty() || !Values.isSpace(trimmed.charAt(0)) && !Values.isSpace(trimmed.charAt(trimmed.length() - 1)));
    assertTrue(text.contains(trimmed));
  }

  @Provide
  Arbitrary<String> spaces() {
    return Arbitraries.strings().withChars(" \t\r\n\u000B\u000C\u001C\u0085\u00A0\u1680\u2000\u2007\u200A\u2028\u2029\u202F\u205F\u3000\u200B\uFEFF")
        .ofMaxLength(4);
  }

}
