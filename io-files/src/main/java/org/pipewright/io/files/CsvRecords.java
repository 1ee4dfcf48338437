package org.pipewright.io.files;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.ZipException;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.pipewright.transforms.core.DeadLetter;

/**
 * The rules of {@link ReadCsv} for one file, without a pipeline: turns a character stream into rows
 * ({@code source} then the declared columns) and dead letters, with the raw text and the first
 * physical line of every record. commons-csv does the parsing; a {@link Tape} under it keeps the
 * characters of the record being parsed, which commons-csv does not give back, so that a refused
 * record's payload is exactly what the file held. Memory stays bounded: the tape holds one record
 * plus the parser's read-ahead, and refuses a record longer than {@code maxRecordChars}.
 *
 * <p>Not thread-safe; one instance per file.
 */
final class CsvRecords {
  private final String name;
  private final CSVFormat format;
  private final List<String> columns;
  private final Schema schema;
  private final String kind;
  private final String step;
  private final int maxPayloadChars;
  private final Tape tape;

  /** Where the line count stands: {@code line} is the 1-based line holding character {@code pos}. */
  private long pos;
  private long line = 1;

  private long records;
  private long deadLetters;

  CsvRecords(String name, InputStream in, CSVFormat format, List<String> columns, Schema schema, String kind,
      String step, int maxRecordChars, int maxPayloadChars) {
    this.name = name;
    this.format = format;
    this.columns = columns;
    this.schema = schema;
    this.kind = kind;
    this.step = step;
    this.maxPayloadChars = maxPayloadChars;
    this.tape = new Tape(in, maxRecordChars);
  }

  /** Records read (good and refused, a malformed rest of a file counting one). */
  long records() {
    return records;
  }

  long deadLetters() {
    return deadLetters;
  }

  /** Reads the whole stream; never throws on bad data, only passes on what {@code out} throws. */
  void read(Consumer<Row> out, Consumer<Row> dead) {
    // A parser per stretch of the file: after a malformed record, a new one starts on the next line.
    long posBase = 0;
    long lineBase = 0;
    int[] index = null;
    String refusal = null;
    int headerSize = 0;
    while (true) {
      CSVParser parser;
      try {
        parser = CSVParser.builder().setReader(tape).setFormat(format).get();
      } catch (IOException | UncheckedIOException e) {
        malformed(dead, e);
        return;
      }
      Iterator<CSVRecord> it = parser.iterator();
      boolean resumed = false;
      while (!resumed) {
        CSVRecord record;
        try {
          if (!it.hasNext()) {
            return;
          }
          record = it.next();
        } catch (RuntimeException e) {
          Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
          if (index == null || !(cause instanceof CSVException) || !skipBadRecord(dead, cause, lineBase
              + parser.getCurrentLineNumber())) {
            // Bytes that are not UTF-8, a record too long (an unclosed quote), a bad header, or a bad
            // record that runs to the end: where a next record would start is unknowable, so
            // everything from here on is one dead letter.
            malformed(dead, e);
            return;
          }
          // A stray quote: the record ends with the line the parser stopped in, the next one starts after.
          tape.rewind(pos);
          posBase = pos;
          lineBase = line - 1;
          resumed = true;
          continue;
        }
        long start = startOf(record, posBase);
        long first = line;
        long end = endOf(lineBase + parser.getCurrentLineNumber());
        if (isEmptyLine(record, start, end)) {
          tape.release(end);
          continue;
        }
        if (index == null) {
          List<String> header = new ArrayList<>(record.size());
          for (String h : record) {
            header.add(h == null ? "" : h.trim());
          }
          headerSize = header.size();
          index = new int[columns.size()];
          List<String> absent = new ArrayList<>();
          List<String> repeated = new ArrayList<>();
          for (int i = 0; i < columns.size(); i++) {
            index[i] = header.indexOf(columns.get(i));
            if (index[i] < 0) {
              absent.add(columns.get(i));
            } else if (header.lastIndexOf(columns.get(i)) != index[i]) {
              // Which of the two holds the values is anyone's guess; a column nobody reads may repeat.
              repeated.add(columns.get(i));
            }
          }
          List<String> problems = new ArrayList<>();
          if (!absent.isEmpty()) {
            problems.add("missing_columns: " + String.join(", ", absent));
          }
          if (!repeated.isEmpty()) {
            problems.add("ambiguous_columns: " + String.join(", ", repeated));
          }
          refusal = problems.isEmpty() ? null : String.join("; ", problems);
          tape.release(end);
          continue;
        }
        records++;
        String source = name + ":" + first;
        if (refusal != null) {
          refuse(dead, refusal, source, start, end);
        } else if (record.size() != headerSize) {
          refuse(dead, "wrong_field_count: " + record.size() + " of " + headerSize, source, start, end);
        } else {
          Object[] values = new Object[index.length + 1];
          values[0] = source;
          for (int i = 0; i < index.length; i++) {
            String value = record.get(index[i]);
            values[i + 1] = value == null || value.isEmpty() ? null : value;
          }
          out.accept(Row.withSchema(schema).attachValues(Arrays.asList(values)));
        }
        tape.release(end);
      }
    }
  }

  /**
   * After the parser failed inside physical line {@code lastLine} (a character after a closing
   * quote): the record, from its start to the end of that line, is one dead letter, and the line
   * count moves past it; true. False, changing nothing, when the bad record runs to the end of the
   * stream (an unclosed quote): it is then the malformed rest of the file.
   */
  private boolean skipBadRecord(Consumer<Row> dead, Throwable cause, long lastLine) {
    skipLineEnds(tape.end());
    long start = pos;
    long first = line;
    try {
      // The parser reads ahead in blocks, which need not hold the rest of the line.
      advance(tape.end(), lastLine);
      while (line <= lastLine && tape.readTo(tape.end() + (1 << 14))) {
        advance(tape.end(), lastLine);
      }
      advance(tape.end(), lastLine);
      if (pos >= tape.end()) {
        tape.readTo(tape.end() + 1);
      }
    } catch (IOException | RuntimeException e) {
      pos = start;
      line = first;
      return false;
    }
    if (line <= lastLine || pos >= tape.end()) {
      pos = start;
      line = first;
      return false;
    }
    long end = Math.min(pos, start + maxPayloadChars);
    records++;
    deadLetters++;
    dead.accept(DeadLetter.of(kind, step, "malformed_csv: " + cause.getMessage()
        + (end < pos ? " (payload: the first " + maxPayloadChars + " characters)" : ""), name + ":" + first,
        withoutLineEnd(tape.text(start, end))));
    tape.release(pos);
    return true;
  }

  /**
   * An empty physical line, which commons-csv returns as a record of one empty field when it keeps
   * empty lines. A quoted empty field {@code ""} or a line of spaces gives the same field but is a
   * record: in a one-column file it is an empty value.
   */
  private boolean isEmptyLine(CSVRecord record, long start, long end) {
    return record.size() == 1 && withoutLineEnd(tape.text(start, end)).isEmpty();
  }

  private void refuse(Consumer<Row> dead, String reason, String source, long start, long end) {
    deadLetters++;
    dead.accept(DeadLetter.of(kind, step, reason, source, withoutLineEnd(tape.text(start, end))));
  }

  /**
   * The rest of the stream from the record that failed: one dead letter, its payload capped at
   * {@code maxPayloadChars}, since where records start is unknowable after a quote went wrong.
   */
  private void malformed(Consumer<Row> dead, Exception e) {
    Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    skipLineEnds(tape.end());
    long start = pos;
    boolean cut;
    boolean readable = cause instanceof CSVException || cause instanceof Tape.RecordTooLongException;
    boolean said = readable || cause instanceof Tape.TapeException;
    try {
      cut = readable && tape.readTo(start + maxPayloadChars + 1L);
    } catch (IOException | RuntimeException again) {
      cut = false;
    }
    long end = Math.min(tape.end(), start + maxPayloadChars);
    cut |= tape.end() > end;
    String payload = tape.text(start, end);
    String code = readable ? "malformed_csv" : "read_error";
    // The parser's messages say what and where; an I/O error's class says more than its message.
    String detail = said ? cause.getMessage() : cause.toString();
    boolean gzip = name.endsWith(".gz") || name.endsWith(".gzip");
    if (gzip && cause instanceof EOFException) {
      detail = "truncated gzip stream: " + detail;
    } else if (gzip && cause instanceof ZipException) {
      detail = "corrupt gzip stream: " + detail;
    }
    String reason = code + ": " + detail + " (payload: the rest of the file"
        + (cut ? ", first " + maxPayloadChars + " characters" : "") + ")";
    records++;
    deadLetters++;
    dead.accept(DeadLetter.of(kind, step, reason, name + ":" + line, payload));
  }

  /**
   * Moves the line count to the record's first character, past the blank lines before it; {@code
   * posBase}: where its parser started.
   */
  private long startOf(CSVRecord record, long posBase) {
    advance(posBase + record.getCharacterPosition(), Long.MAX_VALUE);
    skipLineEnds(tape.end());
    if (record.hasComment()) {
      // The comment lines before the record (with a format that has a comment marker) are its own.
      long commentLines = record.getComment().chars().filter(c -> c == '\n').count() + 1;
      advance(tape.end(), line + commentLines - 1);
      skipLineEnds(tape.end());
    }
    return pos;
  }

  /** Moves the line count past the end of physical line {@code lastLine}, or to what has been read. */
  private long endOf(long lastLine) {
    advance(tape.end(), lastLine);
    return pos;
  }

  private void skipLineEnds(long limit) {
    while (pos < limit) {
      char c = tape.charAt(pos);
      if (c != '\n' && c != '\r') {
        return;
      }
      step(c);
    }
  }

  /** Counts line breaks up to {@code to}, stopping early once line {@code lastLine} has ended. */
  private void advance(long to, long lastLine) {
    while (pos < to && line <= lastLine) {
      step(tape.charAt(pos));
    }
  }

  /** As commons-csv counts: {@code \n}, {@code \r\n} and a lone {@code \r} each end a line. */
  private void step(char c) {
    pos++;
    if (c == '\n' || (c == '\r' && (pos >= tape.end() || tape.charAt(pos) != '\n'))) {
      line++;
    }
  }

  private static String withoutLineEnd(String text) {
    int n = text.length();
    if (n > 0 && text.charAt(n - 1) == '\n') {
      n--;
    }
    if (n > 0 && text.charAt(n - 1) == '\r') {
      n--;
    }
    return text.substring(0, n);
  }

  /**
   * A reader that remembers what it has handed out from the last {@link #release} on, by absolute
   * character position, and drops a UTF-8 byte order mark at the start.
   */
  static final class Tape extends Reader {
    /** A problem of the bytes themselves, said in its message: the parse of the file stops there. */
    static class TapeException extends IOException {
      TapeException(String message) {
        super(message);
      }
    }

    /** Thrown when one record grows past the limit: the parser gives up on the rest of the file. */
    static final class RecordTooLongException extends TapeException {
      RecordTooLongException(String message) {
        super(message);
      }
    }

    private final InputStream in;
    private final int maxRecordChars;
    // Decoded here rather than by an InputStreamReader, which drops the characters it decoded in a
    // read that then meets bad bytes or a truncated stream: every record before a problem is kept.
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private long bytesBefore;
    private boolean eof;
    private boolean flushed;
    private char[] buffer = new char[1 << 14];
    private long base;
    private int length;
    private long released;
    /** Where the next read starts: before {@link #end} after a {@link #rewind}. */
    private long cursor;
    private boolean started;
    private boolean unlimited;

    Tape(InputStream in, int maxRecordChars) {
      this.in = in;
      this.maxRecordChars = maxRecordChars;
    }

    @Override
    public int read(char[] chars, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (cursor < end()) {
        int n = (int) Math.min(len, end() - cursor);
        System.arraycopy(buffer, (int) (cursor - base), chars, off, n);
        cursor += n;
        return n;
      }
      if (!unlimited && end() - released > maxRecordChars) {
        throw new RecordTooLongException("record longer than " + maxRecordChars + " characters (an unclosed quote?)");
      }
      int n;
      do {
        n = decode(chars, off, len);
        if (n > 0 && !started) {
          started = true;
          // A UTF-8 byte order mark is encoding noise, not data.
          if (chars[off] == '\uFEFF') {
            System.arraycopy(chars, off + 1, chars, off, n - 1);
            n--;
          }
        }
      } while (n == 0);
      if (n > 0) {
        keep(chars, off, n);
        cursor = end();
      }
      return n;
    }

    /** The next read starts again at {@code position}, which was read but not released. */
    void rewind(long position) {
      if (position < Math.max(base, released) || position > end()) {
        throw new IllegalStateException("cannot rewind to " + position + ": held are " + released + " to " + end());
      }
      cursor = position;
    }

    /** Decodes what the bytes read so far hold, reading more only when none was decoded; -1 at the end. */
    private int decode(char[] chars, int off, int len) throws IOException {
      if (flushed) {
        return -1;
      }
      CharBuffer out = CharBuffer.wrap(chars, off, len);
      while (true) {
        CoderResult result = decoder.decode(bytes, out, eof);
        int n = out.position() - off;
        if (result.isError()) {
          if (n > 0) {
            return n;
          }
          throw new TapeException("not UTF-8: invalid byte at byte " + (bytesBefore + bytes.position() + 1)
              + " of the file");
        }
        if (n > 0 || result.isOverflow()) {
          return n;
        }
        if (eof) {
          flushed = true;
          decoder.flush(out);
          n = out.position() - off;
          return n > 0 ? n : -1;
        }
        bytesBefore += bytes.position();
        bytes.compact();
        int read;
        try {
          read = in.read(bytes.array(), bytes.position(), bytes.remaining());
        } finally {
          // Back to reading mode whatever happened, so an error leaves the tape consistent.
          bytes.flip();
        }
        if (read < 0) {
          eof = true;
        } else {
          bytes.limit(bytes.limit() + read);
        }
      }
    }

    private void keep(char[] chars, int off, int n) {
      if (length + n > buffer.length) {
        int drop = (int) (released - base);
        if (drop > 0) {
          System.arraycopy(buffer, drop, buffer, 0, length - drop);
          base += drop;
          length -= drop;
        }
        if (length + n > buffer.length) {
          buffer = Arrays.copyOf(buffer, Math.max(length + n, buffer.length * 2));
        }
      }
      System.arraycopy(chars, off, buffer, length, n);
      length += n;
    }

    /** Reads on (past the parser) until {@code to} characters are held or the stream ends; true if more remain. */
    boolean readTo(long to) throws IOException {
      unlimited = true;
      try {
        char[] chunk = new char[1 << 14];
        while (end() < to) {
          int n = read(chunk, 0, (int) Math.min(chunk.length, Math.max(1, to - end())));
          if (n < 0) {
            return false;
          }
        }
        return read(chunk, 0, 1) > 0;
      } finally {
        unlimited = false;
      }
    }

    /** Absolute position after the last character read. */
    long end() {
      return base + length;
    }

    char charAt(long position) {
      return buffer[(int) (position - base)];
    }

    String text(long from, long to) {
      return new String(buffer, (int) (from - base), (int) (to - from));
    }

    /** Characters before {@code position} are no longer needed. */
    void release(long position) {
      released = Math.max(released, position);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
