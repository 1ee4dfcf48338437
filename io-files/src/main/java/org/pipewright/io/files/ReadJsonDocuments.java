package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.ZipException;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.core.Values;

/**
 * Reads files that each hold one whole document (an archived API answer, say: pretty-printed
 * JSON over many lines, or one line) as one {@link RawRecord} per file: the source is the file's
 * full path ({@code s3://bucket/trends/dt=2024-01-02/0600.json}, so {@link Partitions#value} can
 * read its partition values) and the payload the whole body, not parsed here: that is the domain
 * parser's job. Works on every Beam {@code FileSystems} scheme; {@code .gz}, {@code .zip} (one file
 * per zip) and other compressed files are decompressed by extension. Matching no file at all is an error at run time, as with
 * {@link ReadJsonLines}.
 *
 * <p>A file that cannot be delivered whole is still one record, made with {@link RawRecord#refused}
 * (payload: up to its first {@value #EXCERPT_BYTES} bytes; reason: what happened), which {@link
 * CleanRecords} turns into a dead letter, so files read = records:
 *
 * <ul>
 *   <li>a body larger than {@link #withMaxDocumentBytes} (default 16 MiB, after decompression): the
 *       reader stops at the limit, so memory stays bounded however large the file;
 *   <li>a body that is not valid UTF-8 (not decoded with replacement characters, which would change
 *       the data silently); a UTF-8 byte order mark at the start is removed;
 *   <li>an empty or blank file: no document at all;
 *   <li>a file that cannot be opened, or a {@code .gz} that is cut off or corrupt;
 *   <li>a {@code .zip} holding more than one file: {@code zip with 2 entries: one file per zip
 *       expected}.
 * </ul>
 *
 * <pre>{@code
 * // every file under trends/, in all its dt= folders
 * PCollection<Row> answers = p.apply("Read trends", ReadJsonDocuments.from("s3://landing/trends/**.json"));
 * }</pre>
 */
public final class ReadJsonDocuments extends PTransform<PBegin, PCollection<Row>> {
  /** 16 MiB: far above any API answer, far below what a worker's memory minds. */
  public static final long DEFAULT_MAX_DOCUMENT_BYTES = 16L << 20;

  /** How much of a refused file is kept for its dead letter. */
  static final int EXCERPT_BYTES = 4096;

  private final String filepattern;
  private final long maxDocumentBytes;

  private ReadJsonDocuments(String filepattern, long maxDocumentBytes) {
    this.filepattern = filepattern;
    this.maxDocumentBytes = maxDocumentBytes;
  }

  /** Reads every file matching {@code filepattern}; matching nothing is an error at run time. */
  public static ReadJsonDocuments from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadJsonDocuments(filepattern, DEFAULT_MAX_DOCUMENT_BYTES);
  }

  /** Returns a copy that refuses bodies of more than {@code maxDocumentBytes} bytes (after decompression). */
  public ReadJsonDocuments withMaxDocumentBytes(long maxDocumentBytes) {
    // A Java string holds at most Integer.MAX_VALUE - 8 characters; bytes cannot be more.
    checkArgument(maxDocumentBytes > 0 && maxDocumentBytes < Integer.MAX_VALUE - 8,
        "maxDocumentBytes must be in [1, %s), got %s", Integer.MAX_VALUE - 8, maxDocumentBytes);
    return new ReadJsonDocuments(filepattern, maxDocumentBytes);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    // FileIO.match spreads the matched files over workers (a reshuffle) before they are read.
    return input
        .apply("Match", FileIO.match().filepattern(filepattern)
            .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open", FileIO.readMatches())
        .apply("Read documents", ParDo.of(new ReadDocumentFn((int) maxDocumentBytes)))
        .setRowSchema(RawRecord.SCHEMA);
  }

  /**
   * The reading half alone, for files matched elsewhere: a watched archive ({@code
   * FileIO.matchAll().continuously(...)} then {@code FileIO.readMatches()}), with the same records
   * and refusals as {@link #from}.
   *
   * <pre>{@code
   * PCollection<Row> answers = patterns
   *     .apply(FileIO.matchAll().continuously(Duration.standardSeconds(30), Watch.Growth.never()))
   *     .apply(FileIO.readMatches())
   *     .apply(ReadJsonDocuments.files());
   * }</pre>
   */
  public static PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> files() {
    return new ReadFiles((int) DEFAULT_MAX_DOCUMENT_BYTES);
  }

  private static final class ReadFiles extends PTransform<PCollection<FileIO.ReadableFile>, PCollection<Row>> {
    private final int maxBytes;

    ReadFiles(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public PCollection<Row> expand(PCollection<FileIO.ReadableFile> files) {
      return files.apply("Read documents", ParDo.of(new ReadDocumentFn(maxBytes))).setRowSchema(RawRecord.SCHEMA);
    }
  }

  private static final class ReadDocumentFn extends DoFn<FileIO.ReadableFile, Row> {
    private final int maxBytes;
    private final Counter unreadableFiles =
        Metrics.counter(CleanRecords.METRICS_NAMESPACE, "files.unreadable");

    ReadDocumentFn(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Row> out) {
      out.output(read(file, maxBytes, unreadableFiles));
    }
  }

  /** The record for one file: its body, or a refusal saying why not. */
  static Row read(FileIO.ReadableFile file, int maxBytes, Counter unreadableFiles) {
    String name = file.getMetadata().resourceId().toString();
    boolean compressed = file.getCompression() != Compression.UNCOMPRESSED;
    long size = file.getMetadata().sizeBytes();
    int keep = Math.min(EXCERPT_BYTES, maxBytes);
    // An uncompressed file's size is known: one over the limit costs only its excerpt.
    int limit = !compressed && size > maxBytes ? keep : maxBytes;
    Body body = new Body(limit);
    try (InputStream in = Inputs.open(file)) {
      body.readFrom(in);
    } catch (IOException | RuntimeException e) {
      unreadableFiles.inc();
      return RawRecord.refused(name, body.excerpt(EXCERPT_BYTES), reason(name, body, e));
    }
    if ((!compressed && size > maxBytes) || body.overflowed()) {
      String total = !compressed && size > maxBytes ? Long.toString(size) : "more than " + maxBytes;
      return RawRecord.refused(name, body.excerpt(keep), "document too large: " + total + " bytes"
          + (compressed ? " after decompression" : "") + " (limit " + maxBytes + "); payload is the first "
          + keep + " bytes");
    }
    return body.record(name);
  }

  private static String reason(String name, Body body, Exception e) {
    boolean gzip = name.endsWith(".gz") || name.endsWith(".gzip");
    if (gzip && e instanceof EOFException) {
      return "truncated gzip stream after " + body.length() + " bytes: " + e;
    }
    if (gzip && e instanceof ZipException) {
      return "corrupt gzip stream after " + body.length() + " bytes: " + e;
    }
    if (e instanceof Inputs.RefusedFileException) {
      return e.getMessage();
    }
    if (!body.opened()) {
      return "cannot open file: " + e;
    }
    return "read error after " + body.length() + " bytes: " + e;
  }

  /** The bytes of one file, up to a limit, decoded strictly as UTF-8. */
  private static final class Body {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int limit;
    private byte[] bytes = new byte[8192];
    private int length;
    private boolean opened;
    private boolean overflowed;

    Body(int limit) {
      this.limit = limit;
    }

    /** Reads up to {@code limit} bytes, and one more to know whether there was more. */
    void readFrom(InputStream in) throws IOException {
      opened = true;
      while (true) {
        if (length == bytes.length) {
          if (length > limit) {
            overflowed = true;
            return;
          }
          bytes = Arrays.copyOf(bytes, (int) Math.min((long) limit + 1, (long) bytes.length * 2));
        }
        int n = in.read(bytes, length, bytes.length - length);
        if (n < 0) {
          overflowed = length > limit;
          return;
        }
        length += n;
      }
    }

    boolean opened() {
      return opened;
    }

    boolean overflowed() {
      return overflowed;
    }

    int length() {
      return Math.min(length, limit);
    }

    /** The first {@code n} bytes of the body (after a byte order mark), decoded leniently. */
    String excerpt(int n) {
      int from = start();
      return new String(bytes, from, Math.max(0, Math.min(length - from, n)), StandardCharsets.UTF_8);
    }

    private int start() {
      return length >= BOM.length && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2] ? BOM.length : 0;
    }

    Row record(String name) {
      int from = start();
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = ByteBuffer.wrap(bytes, from, length - from);
      String text;
      try {
        CharBuffer chars = decoder.decode(in);
        text = chars.toString();
      } catch (MalformedInputException e) {
        return RawRecord.refused(name, excerpt(EXCERPT_BYTES), "invalid UTF-8 at byte " + (in.position() + 1)
            + " of the file; payload shows U+FFFD for the bad bytes"
            + (length > EXCERPT_BYTES ? " and is the first " + EXCERPT_BYTES + " bytes" : ""));
      } catch (CharacterCodingException e) {
        return RawRecord.refused(name, excerpt(EXCERPT_BYTES), "not UTF-8: " + e);
      }
      if (Values.isBlank(text)) {
        return RawRecord.refused(name, text, length == 0 ? "empty file: no document" : "blank file: no document");
      }
      return RawRecord.of(name, text);
    }
  }
}
