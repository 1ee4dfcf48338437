package org.pipewright.io.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Splits a UTF-8 byte stream into lines without ever holding more than {@code maxLineBytes} of
 * one line, so a 50 MB line (or a file with no newline at all) costs a bounded buffer, not a 50 MB
 * string. The rules, shared by every line-oriented reader:
 *
 * <ul>
 *   <li>a line ends at {@code \n} (or at the end of the stream); one {@code \r} at its end is
 *       removed (CRLF files), other {@code \r}s are data;
 *   <li>a UTF-8 byte order mark at the start of the stream is removed (it is encoding noise, not
 *       data; anywhere else it is data);
 *   <li>a line longer than {@code maxLineBytes} is refused: {@link #refusal()} says so and {@link
 *       #text()} is its first {@value #EXCERPT_BYTES} bytes;
 *   <li>a line that is not valid UTF-8 is refused rather than decoded with replacement characters,
 *       which would silently change the data: the excerpt shows U+FFFD where the bad bytes were,
 *       and the reason gives the byte offset of the first one.
 * </ul>
 *
 * Not thread-safe; one instance per stream.
 */
final class BoundedLines {
  /** How much of a refused line is kept for its dead letter. */
  static final int EXCERPT_BYTES = 4096;

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkEnd;
  private boolean eof;
  private boolean started;

  private byte[] line;
  private int lineLength;
  private long lineBytesSeen;

  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private CharBuffer chars = CharBuffer.allocate(1024);

  private long number;
  private String text;
  private @Nullable String refusal;

  BoundedLines(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, 1);
  }

  /**
   * Lines of a stream that starts at line {@code firstLine} of a file (a range of it, starting right
   * after a {@code \n}): numbers count on from there, and only a stream at line 1 can have a byte
   * order mark.
   */
  BoundedLines(InputStream in, int maxLineBytes, long firstLine) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[Math.min(1024, maxLineBytes + 1)];
    this.number = firstLine - 1;
    this.started = firstLine > 1;
  }

  /**
   * Advances to the next line; false at the end of the stream. A last line without {@code \n} is
   * a line. I/O errors (a truncated gzip stream, say) propagate; {@link #linesRead()} and {@link
   * #pendingExcerpt()} then describe what was read before.
   */
  boolean next() throws IOException {
    lineLength = 0;
    lineBytesSeen = 0;
    while (true) {
      if (chunkPos == chunkEnd) {
        if (!fill()) {
          if (lineBytesSeen == 0) {
            return false;
          }
          finishLine();
          return true;
        }
      }
      int newline = indexOfNewline(chunk, chunkPos, chunkEnd);
      int end = newline < 0 ? chunkEnd : newline;
      append(chunk, chunkPos, end - chunkPos);
      if (newline < 0) {
        chunkPos = chunkEnd;
      } else {
        chunkPos = newline + 1;
        finishLine();
        return true;
      }
    }
  }

  /** The 1-based number of the current line, counting every line of the stream (blank ones too). */
  long number() {
    return number;
  }

  /** The current line, or for a refused line its excerpt. */
  String text() {
    return text;
  }

  /** Why the current line was refused, or null for a good line. */
  @Nullable String refusal() {
    return refusal;
  }

  /** Complete lines read so far (from the start of the file, for a range). */
  long linesRead() {
    return number;
  }

  /** The start of a line cut off by an I/O error, decoded leniently; empty if there is none. */
  String pendingExcerpt() {
    return lenient(line, 0, Math.min(lineLength, EXCERPT_BYTES));
  }

  /** Capacity of the line buffer, for tests that check memory stays bounded. */
  int bufferCapacity() {
    return line.length;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = 0;
    // The first fill reads at least the three bytes a byte order mark needs, however short the
    // stream's reads, so that the mark is removed before any line limit applies.
    int want = started ? 1 : BOM.length;
    while (n < want) {
      int r = in.read(chunk, n, chunk.length - n);
      if (r < 0) {
        eof = true;
        break;
      }
      n += r;
    }
    chunkPos = 0;
    chunkEnd = n;
    if (!started) {
      started = true;
      if (n >= BOM.length && chunk[0] == BOM[0] && chunk[1] == BOM[1] && chunk[2] == BOM[2]) {
        chunkPos = BOM.length;
      }
    }
    return chunkPos < chunkEnd || (!eof && fill());
  }

  private void append(byte[] bytes, int from, int length) {
    lineBytesSeen += length;
    int keep = (int) Math.min(length, (long) maxLineBytes + 1 - lineLength);
    if (keep <= 0) {
      return;
    }
    if (lineLength + keep > line.length) {
      line = Arrays.copyOf(line, (int) Math.min((long) maxLineBytes + 1,
          Math.max((long) line.length * 2, lineLength + keep)));
    }
    System.arraycopy(bytes, from, line, lineLength, keep);
    lineLength += keep;
  }

  private void finishLine() {
    number++;
    int from = 0;
    int length = lineLength;
    long size = lineBytesSeen;
    if (size <= maxLineBytes + 1L && length > 0 && line[from + length - 1] == '\r') {
      length--;
      size--;
    }
    if (size > maxLineBytes) {
      refusal = "line too long: " + size + " bytes (limit " + maxLineBytes + "); payload is the first "
          + EXCERPT_BYTES + " bytes";
      text = lenient(line, from, Math.min(length, EXCERPT_BYTES));
      return;
    }
    decode(from, length);
  }

  private void decode(int from, int length) {
    if (chars.capacity() < length) {
      chars = CharBuffer.allocate(Math.max(length, chars.capacity() * 2));
    }
    chars.clear();
    decoder.reset();
    ByteBuffer bytes = ByteBuffer.wrap(line, from, length);
    CoderResult result = decoder.decode(bytes, chars, true);
    if (!result.isError()) {
      result = decoder.flush(chars);
    }
    if (result.isError()) {
      refusal = "invalid UTF-8 at byte " + (bytes.position() - from + 1) + " of the line; payload shows"
          + " U+FFFD for the bad bytes" + (length > EXCERPT_BYTES ? " and is the first " + EXCERPT_BYTES + " bytes" : "");
      text = lenient(line, from, Math.min(length, EXCERPT_BYTES));
      return;
    }
    refusal = null;
    chars.flip();
    text = chars.toString();
  }

  private static String lenient(byte[] bytes, int from, int length) {
    return new String(bytes, from, length, StandardCharsets.UTF_8);
  }

  private static int indexOfNewline(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
