package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.zip.GZIPInputStream;
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
 * Reads JSON-lines files (one record per line) as {@link RawRecord}s whose source is {@code
 * file:line}, so a bad record can be traced back. Works for every Beam {@code FileSystems} scheme
 * (local paths, {@code s3://} with the AWS module on the classpath); {@code .gz} and other
 * compressed files are decompressed by extension. Blank lines (only white space, as {@link
 * Values#isSpace} defines it) are not records and are skipped.
 *
 * <p>Bad input never fails the read; it becomes a refused record ({@link RawRecord#refused}),
 * which {@link CleanRecords} turns into a dead letter, so every record is accounted for:
 *
 * <ul>
 *   <li>a UTF-8 byte order mark at the start of a file is removed, and so is the {@code \r} of a
 *       CRLF line end;
 *   <li>a line longer than {@link #withMaxLineBytes} (default {@value #DEFAULT_MAX_LINE_BYTES}
 *       bytes) is refused with its first 4,096 bytes; the reader never holds more of it than the
 *       limit, so memory stays bounded however long the line is;
 *   <li>a line that is not valid UTF-8 is refused (not decoded with replacement characters, which
 *       would change the data silently);
 *   <li>a file that cannot be opened (a directory, no permission) or that ends early (a truncated
 *       {@code .gz}) keeps the records read before the problem, and the file itself becomes one
 *       refused record whose source is the file name and whose reason says what happened, e.g.
 *       {@code truncated gzip stream after 120 lines}. Such a record counts as read.
 * </ul>
 *
 * <pre>{@code
 * PCollection<Row> raw = p.apply("Read pins", ReadJsonLines.from("/data/pin/*"));
 * }</pre>
 */
public final class ReadJsonLines extends PTransform<PBegin, PCollection<Row>> {
  /** Four times the default payload limit of {@link CleanRecords}: UTF-8 needs up to 4 bytes a character. */
  public static final int DEFAULT_MAX_LINE_BYTES = 4 * CleanRecords.DEFAULT_MAX_PAYLOAD_CHARS;

  private final String filepattern;
  private final int maxLineBytes;

  private ReadJsonLines(String filepattern, int maxLineBytes) {
    this.filepattern = filepattern;
    this.maxLineBytes = maxLineBytes;
  }

  /** Reads every file matching {@code filepattern}; matching nothing is an error at run time. */
  public static ReadJsonLines from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadJsonLines(filepattern, DEFAULT_MAX_LINE_BYTES);
  }

  /** Returns a copy that refuses lines longer than {@code maxLineBytes} bytes (after decompression). */
  public ReadJsonLines withMaxLineBytes(int maxLineBytes) {
    checkArgument(maxLineBytes > 0 && maxLineBytes < Integer.MAX_VALUE - 8,
        "maxLineBytes must be in [1, %s), got %s", Integer.MAX_VALUE - 8, maxLineBytes);
    return new ReadJsonLines(filepattern, maxLineBytes);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return input
        .apply("Match", FileIO.match().filepattern(filepattern)
            .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open", FileIO.readMatches())
        .apply("Read lines", ParDo.of(new ReadLinesFn(maxLineBytes)))
        .setRowSchema(RawRecord.SCHEMA);
  }

  private static final class ReadLinesFn extends DoFn<FileIO.ReadableFile, Row> {
    private final int maxLineBytes;
    private final Counter unreadableFiles =
        Metrics.counter(CleanRecords.METRICS_NAMESPACE, "files.unreadable");

    ReadLinesFn(int maxLineBytes) {
      this.maxLineBytes = maxLineBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Row> out) {
      String name = file.getMetadata().resourceId().toString();
      BoundedLines lines = null;
      try (InputStream in = open(file)) {
        lines = new BoundedLines(in, maxLineBytes);
        while (lines.next()) {
          String source = name + ":" + lines.number();
          if (lines.refusal() != null) {
            out.output(RawRecord.refused(source, lines.text(), lines.refusal()));
          } else if (!Values.isBlank(lines.text())) {
            out.output(RawRecord.of(source, lines.text()));
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // The file, not a line, is what failed; the lines before the failure were already output.
        unreadableFiles.inc();
        long read = lines == null ? 0 : lines.linesRead();
        String excerpt = lines == null ? "" : lines.pendingExcerpt();
        out.output(RawRecord.refused(name, excerpt, reason(name, read, lines == null, e)));
      }
    }

    private static InputStream open(FileIO.ReadableFile file) throws IOException {
      if (file.getCompression() == Compression.GZIP) {
        // Not Beam's gzip channel: its channel-to-stream adapter drops the bytes already inflated
        // in the read that meets a truncation. GZIPInputStream hands them over first, so every
        // complete line before the cut is kept.
        return new GZIPInputStream(
            Channels.newInputStream(FileSystems.open(file.getMetadata().resourceId())), 1 << 16);
      }
      return Channels.newInputStream(file.open());
    }

    private static String reason(String name, long linesRead, boolean notOpened, Exception e) {
      boolean gzip = name.endsWith(".gz") || name.endsWith(".gzip");
      if (gzip && e instanceof EOFException) {
        return "truncated gzip stream after " + linesRead + " lines: " + e;
      }
      if (gzip && e instanceof ZipException) {
        return "corrupt gzip stream after " + linesRead + " lines: " + e;
      }
      if (notOpened) {
        return "cannot open file: " + e;
      }
      return "read error after " + linesRead + " lines: " + e;
    }
  }
}
