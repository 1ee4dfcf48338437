package org.pipewright.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A corpus of hostile input files for reader tests, as raw bytes: what a reader of lines (JSON
 * lines today; CSV and HTTP answers later) meets in the wild. Each reader's test decides what it
 * expects of each file; the one rule for all is that every record ends as output or as a dead
 * letter, and nothing crashes or hangs. Records are JSON objects so the corpus can also feed the
 * cleaners; a CSV reader test can use the byte-level entries ({@link #BYTE_LEVEL}) with its own
 * lines.
 */
public final class NastyFiles {
  private NastyFiles() {}

  /** A good record, {@code {"ind": n}}. */
  public static String record(int n) {
    return "{\"ind\": " + n + "}";
  }

  /** Entries whose trouble is in the bytes, not the JSON: name to file content. */
  public static final Map<String, byte[]> BYTE_LEVEL = byteLevel();

  private static Map<String, byte[]> byteLevel() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("empty.jsonl", new byte[0]);
    files.put("only-newlines.jsonl", utf8("\n\n\r\n\n"));
    files.put("bom.jsonl", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(record(1) + "\n" + record(2) + "\n")));
    files.put("bom-only.jsonl", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    files.put("crlf.jsonl", utf8(record(1) + "\r\n" + record(2) + "\r\n"));
    files.put("cr-inside.jsonl", utf8("{\"ind\": 1,\r\"x\": 2}\n"));
    files.put("no-final-newline.jsonl", utf8(record(1) + "\n" + record(2)));
    files.put("nul-bytes.jsonl", utf8(record(1) + "\n\u0000\n{\"ind\": 2\u0000}\n" + record(3) + "\n"));
    files.put("invalid-utf8.jsonl", concat(utf8(record(1) + "\n{\"ind\": 2, \"x\": \""),
        new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, utf8("\"}\n" + record(3) + "\n")));
    files.put("overlong-utf8.jsonl", concat(utf8("{\"ind\": 1, \"x\": \""), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}\n")));
    files.put("lone-surrogate-utf8.jsonl", concat(utf8("{\"ind\": 1, \"x\": \""),
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}\n")));
    files.put("truncated-utf8-at-eof.jsonl", concat(utf8(record(1) + "\n{\"ind\": 2"), new byte[] {(byte) 0xE2, (byte) 0x82}));
    files.put("unicode-blank-lines.jsonl", utf8(record(1) + "\n\u00A0\u0085\u2007\n \t \n" + record(2) + "\n"));
    files.put("duplicate-keys.jsonl", utf8("{\"ind\": 1, \"ind\": 2}\n" + record(3) + "\n"));
    files.put("deep-nesting.jsonl", utf8("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}\n" + record(2) + "\n"));
    files.put("big-numbers.jsonl", utf8("{\"ind\": 123456789012345678901234567890}\n{\"ind\": 1, \"latitude\": 1e999, "
        + "\"longitude\": 1}\n{\"ind\": 1, \"age\": 1e400}\n"));
    return files;
  }

  /** {@code content} gzipped and cut after {@code keepFraction} of its compressed bytes. */
  public static byte[] truncatedGzip(byte[] content, double keepFraction) {
    byte[] gz = gzip(content);
    return Arrays.copyOf(gz, (int) (gz.length * keepFraction));
  }

  /** {@code content} gzipped whole. */
  public static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes {@code before}, then one line of {@code lineBytes} bytes (a JSON string of 'x's, no
   * newline inside), then {@code after}, streaming, so the test itself never holds the line.
   */
  public static Path writeHugeLine(Path file, String before, long lineBytes, String after) throws IOException {
    byte[] block = new byte[1 << 16];
    Arrays.fill(block, (byte) 'x');
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(utf8(before));
      out.write(utf8("{\"x\": \""));
      long left = lineBytes - 9;
      while (left > 0) {
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
      out.write(utf8("\"}\n"));
      out.write(utf8(after));
    }
    return file;
  }

  /** Writes every {@link #BYTE_LEVEL} entry into {@code dir}. */
  public static void writeAll(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> e : BYTE_LEVEL.entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }
}
