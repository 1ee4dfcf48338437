package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.pipewright.testing.NastyFiles;

/** The line splitter under every line reader: a reference model, examples and a 50 MB line. */
class BoundedLinesTest {

  /** What a reader saw for one line: text, or a refusal with its excerpt. */
  private static final class Seen {
    final long number;
    final String text;
    final String refusal;

    Seen(long number, String text, String refusal) {
      this.number = number;
      this.text = text;
      this.refusal = refusal;
    }

    @Override
    public String toString() {
      return number + (refusal == null ? ": " + text : " refused: " + refusal);
    }
  }

  private static List<Seen> read(byte[] bytes, int max) throws IOException {
    BoundedLines lines = new BoundedLines(new ByteArrayInputStream(bytes), max);
    List<Seen> seen = new ArrayList<>();
    while (lines.next()) {
      seen.add(new Seen(lines.number(), lines.text(), lines.refusal()));
      assertTrue(lines.bufferCapacity() <= max + 1);
    }
    return seen;
  }

  /** The slow, obvious model of the rules in {@link BoundedLines}' Javadoc. */
  private static List<Seen> model(byte[] bytes, int max) {
    List<Seen> seen = new ArrayList<>();
    boolean bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF;
    int start = bom ? 3 : 0;
    long number = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      number++;
      int from = start;
      int to = end > from && bytes[end - 1] == '\r' ? end - 1 : end;
      if (to - from > max) {
        seen.add(new Seen(number, null, "too long"));
      } else {
        try {
          String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
          seen.add(new Seen(number, text, null));
        } catch (CharacterCodingException e) {
          seen.add(new Seen(number, null, "invalid"));
        }
      }
      start = end + 1;
    }
    return seen;
  }

  @Provide
  Arbitrary<byte[]> streams() {
    Arbitrary<byte[]> pieces = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(NastyFiles::utf8),
        Arbitraries.of(new byte[] {'\n'}, new byte[] {'\r', '\n'}, new byte[] {'\r'},
            new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, new byte[] {0},
            new byte[] {(byte) 0xC3}, new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            NastyFiles.utf8("\u0085\u00A0€😀")),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(8));
    return pieces.list().ofMaxSize(30).map(list -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      list.forEach(p -> out.write(p, 0, p.length));
      return out.toByteArray();
    });
  }

  @Property(tries = 3000)
  void agreesWithTheModel(@ForAll("streams") byte[] bytes, @ForAll @IntRange(min = 1, max = 40) int max)
      throws IOException {
    List<Seen> actual = read(bytes, max);
    List<Seen> expected = model(bytes, max);
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Seen e = expected.get(i);
      Seen a = actual.get(i);
      assertEquals(e.number, a.number);
      assertEquals(e.toString(), e.refusal == null, a.refusal == null);
      if (e.refusal == null) {
        assertEquals(e.text, a.text);
      } else {
        assertTrue(a.refusal, a.refusal.startsWith(e.refusal.equals("invalid") ? "invalid UTF-8 at byte " : "line too long: "));
        assertTrue(a.text.length() <= BoundedLines.EXCERPT_BYTES);
      }
    }
  }

  @Example
  void bomCrLfAndInvalidUtf8() throws IOException {
    List<Seen> seen = read(NastyFiles.BYTE_LEVEL.get("bom.jsonl"), 100);
    assertEquals("[1: {\"ind\": 1}, 2: {\"ind\": 2}]", seen.toString());
    assertEquals("[1: {\"ind\": 1}, 2: {\"ind\": 2}]", read(NastyFiles.BYTE_LEVEL.get("crlf.jsonl"), 100).toString());
    // A BOM is only noise at the start of the stream; anywhere else it is data.
    assertEquals("[1: a, 2: \uFEFFb]", read(NastyFiles.utf8("a\n\uFEFFb"), 100).toString());
    // Only one CR at the end of a line goes, also on a last line without LF.
    assertEquals("[1: a\r, 2: b]", read(NastyFiles.utf8("a\r\r\nb\r"), 100).toString());
    seen = read(NastyFiles.BYTE_LEVEL.get("invalid-utf8.jsonl"), 100);
    assertEquals(3, seen.size());
    assertEquals("invalid UTF-8 at byte 18 of the line; payload shows U+FFFD for the bad bytes", seen.get(1).refusal);
    assertEquals("{\"ind\": 2, \"x\": \"\uFFFD(\uFFFD\"}", seen.get(1).text);
    assertEquals("{\"ind\": 3}", seen.get(2).text);
    // The encoder's own traps: an overlong "/" and a UTF-16 surrogate encoded in UTF-8.
    assertFalse(read(NastyFiles.BYTE_LEVEL.get("overlong-utf8.jsonl"), 100).get(0).refusal == null);
    assertFalse(read(NastyFiles.BYTE_LEVEL.get("lone-surrogate-utf8.jsonl"), 100).get(0).refusal == null);
    assertNull(read(NastyFiles.BYTE_LEVEL.get("nul-bytes.jsonl"), 100).get(1).refusal);
  }

  @Example
  void emptyStreamsHaveNoLines() throws IOException {
    assertEquals(0, read(new byte[0], 10).size());
    // A byte order mark alone is no line at all.
    assertEquals("[]", read(NastyFiles.BYTE_LEVEL.get("bom-only.jsonl"), 10).toString());
  }

  @Example
  void fiftyMegabyteLineIsRefusedWithBoundedMemory() throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "huge-line"));
    Path file = NastyFiles.writeHugeLine(dir.resolve("huge.jsonl"), "{\"ind\": 1}\n", 50L << 20, "{\"ind\": 3}\n");
    int max = ReadJsonLines.DEFAULT_MAX_LINE_BYTES;
    try (InputStream in = Files.newInputStream(file)) {
      BoundedLines lines = new BoundedLines(in, max);
      assertTrue(lines.next());
      assertEquals("{\"ind\": 1}", lines.text());
      assertTrue(lines.next());
      assertEquals(2, lines.number());
      assertEquals("line too long: 52428800 bytes (limit 4194304); payload is the first 4096 bytes", lines.refusal());
      assertEquals(4096, lines.text().length());
      assertTrue(lines.text().startsWith("{\"x\": \"xxx"));
      // The point of the class: the 50 MB never sat in memory, only the limit (plus one byte).
      assertTrue(lines.bufferCapacity() <= max + 1);
      assertTrue(lines.next());
      assertEquals("{\"ind\": 3}", lines.text());
      assertFalse(lines.next());
    } finally {
      Files.delete(file);
    }
  }
}
