package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.ReadableFileCoder;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.core.Values;

/**
 * Reads JSON-lines files (one record per line) as {@link RawRecord}s whose source is {@code
 * file:line}, so a bad record can be traced back. Works for every Beam {@code FileSystems} scheme
 * (local paths, {@code s3://} with the AWS module on the classpath); {@code .gz}, {@code .zip} (one
 * file per zip) and other compressed files are decompressed by extension. Blank lines (only white
 * space, as {@link Values#isSpace} defines it) are not records and are skipped.
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
 *       {@code truncated gzip stream after 120 lines}. Such a record counts as read;
 *   <li>a {@code .zip} holding more than one file is not read but refused as one record, {@code
 *       zip with 2 entries: one file per zip expected}, rather than its files being read as one.
 * </ul>
 *
 * <p>An uncompressed file larger than {@link #withSplitBytes} (default {@value
 * #DEFAULT_SPLIT_BYTES} bytes) is read in ranges that start at line starts, which the runner can
 * read in parallel: one big file no longer means one busy core. Finding the ranges reads the file
 * once more, counting line ends, so that every record keeps its exact {@code file:line}; that pass
 * is cheap next to decoding JSON, but on an object store it doubles the bytes fetched ({@code
 * withSplitBytes(0)} turns splitting off). Compressed files are always read whole.
 *
 * <pre>{@code
 * PCollection<Row> raw = p.apply("Read pins", ReadJsonLines.from("/data/pin/*"));
 * }</pre>
 */
public final class ReadJsonLines extends PTransform<PBegin, PCollection<Row>> {
  /** Four times the default payload limit of {@link CleanRecords}: UTF-8 needs up to 4 bytes a character. */
  public static final int DEFAULT_MAX_LINE_BYTES = 4 * CleanRecords.DEFAULT_MAX_PAYLOAD_CHARS;

  /** Files above 64 MiB are read in ranges of about that size. */
  public static final long DEFAULT_SPLIT_BYTES = 64L << 20;

  private final String filepattern;
  private final int maxLineBytes;
  private final long splitBytes;

  private ReadJsonLines(String filepattern, int maxLineBytes, long splitBytes) {
    this.filepattern = filepattern;
    this.maxLineBytes = maxLineBytes;
    this.splitBytes = splitBytes;
  }

  /** Reads every file matching {@code filepattern}; matching nothing is an error at run time. */
  public static ReadJsonLines from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadJsonLines(filepattern, DEFAULT_MAX_LINE_BYTES, DEFAULT_SPLIT_BYTES);
  }

  /** Returns a copy that refuses lines longer than {@code maxLineBytes} bytes (after decompression). */
  public ReadJsonLines withMaxLineBytes(int maxLineBytes) {
    checkArgument(maxLineBytes > 0 && maxLineBytes < Integer.MAX_VALUE - 8,
        "maxLineBytes must be in [1, %s), got %s", Integer.MAX_VALUE - 8, maxLineBytes);
    return new ReadJsonLines(filepattern, maxLineBytes, splitBytes);
  }

  /**
   * Returns a copy that reads uncompressed files larger than {@code splitBytes} in ranges of about
   * that size, in parallel; 0 reads every file whole, in one piece.
   */
  public ReadJsonLines withSplitBytes(long splitBytes) {
    checkArgument(splitBytes >= 0, "splitBytes must be >= 0, got %s", splitBytes);
    return new ReadJsonLines(filepattern, maxLineBytes, splitBytes);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return input
        .apply("Match", FileIO.match().filepattern(filepattern)
            .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open", FileIO.readMatches())
        .apply("Split", ParDo.of(new SplitFn(splitBytes)))
        .setCoder(KvCoder.of(ReadableFileCoder.of(), RowCoder.of(RANGE)))
        // The ranges of one file come out of one worker; spread them before the costly part.
        .apply("Spread ranges", Reshuffle.viaRandomKey())
        .apply("Read lines", ParDo.of(new ReadLinesFn(maxLineBytes)))
        .setRowSchema(RawRecord.SCHEMA);
  }

  /** Bytes {@code [start, end)} of a file, starting at line {@code firstLine}; end -1: to the end. */
  static final Schema RANGE = Schema.builder()
      .addInt64Field("start").addInt64Field("end").addInt64Field("firstLine").build();

  static Row range(long start, long end, long firstLine) {
    return Row.withSchema(RANGE).attachValues(start, end, firstLine);
  }

  /** Cuts a file into line-aligned ranges of about {@code splitBytes}; a small or compressed file is one range. */
  private static final class SplitFn extends DoFn<FileIO.ReadableFile, KV<FileIO.ReadableFile, Row>> {
    private final long splitBytes;

    SplitFn(long splitBytes) {
      this.splitBytes = splitBytes;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<FileIO.ReadableFile, Row>> out) {
      long size = file.getMetadata().sizeBytes();
      List<Row> ranges = List.of(range(0, -1, 1));
      if (splitBytes > 0 && size > splitBytes && file.getCompression() == Compression.UNCOMPRESSED) {
        try (InputStream in = Channels.newInputStream(file.open())) {
          ranges = lineAlignedRanges(in, splitBytes);
        } catch (IOException | RuntimeException e) {
          // Reading it whole reports the problem as a refused record, with the lines before it.
          ranges = List.of(range(0, -1, 1));
        }
      }
      for (Row range : ranges) {
        out.output(KV.of(file, range));
      }
    }
  }

  /**
   * Ranges of about {@code splitBytes} each, every one starting right after a {@code \n}, with the
   * number of the line it starts at; the last one runs to the end of the stream.
   */
  static List<Row> lineAlignedRanges(InputStream in, long splitBytes) throws IOException {
    List<Row> ranges = new ArrayList<>();
    byte[] buffer = new byte[1 << 16];
    long start = 0;
    long firstLine = 1;
    long offset = 0;
    long lines = 0;
    int n;
    while ((n = in.read(buffer)) >= 0) {
      for (int i = 0; i < n; i++) {
        if (buffer[i] == '\n') {
          lines++;
          long next = offset + i + 1;
          if (next - start >= splitBytes) {
            ranges.add(range(start, next, firstLine));
            start = next;
            firstLine = lines + 1;
          }
        }
      }
      offset += n;
    }
    if (start < offset || ranges.isEmpty()) {
      ranges.add(range(start, -1, firstLine));
    } else {
      // The file ends with a newline exactly at a cut: the last range runs to the end.
      Row last = ranges.remove(ranges.size() - 1);
      ranges.add(range(last.getInt64("start"), -1, last.getInt64("firstLine")));
    }
    return ranges;
  }

  private static final class ReadLinesFn extends DoFn<KV<FileIO.ReadableFile, Row>, Row> {
    private final int maxLineBytes;
    private final Counter unreadableFiles =
        Metrics.counter(CleanRecords.METRICS_NAMESPACE, "files.unreadable");

    ReadLinesFn(int maxLineBytes) {
      this.maxLineBytes = maxLineBytes;
    }

    @ProcessElement
    public void process(@Element KV<FileIO.ReadableFile, Row> part, OutputReceiver<Row> out) {
      FileIO.ReadableFile file = part.getKey();
      Row range = part.getValue();
      String name = file.getMetadata().resourceId().toString();
      BoundedLines lines = null;
      try (InputStream in = open(file, range.getInt64("start"), range.getInt64("end"))) {
        lines = new BoundedLines(in, maxLineBytes, range.getInt64("firstLine"));
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

    private static InputStream open(FileIO.ReadableFile file, long start, long end) throws IOException {
      return start > 0 || end >= 0 ? Inputs.range(file, start, end) : Inputs.open(file);
    }

    private static String reason(String name, long linesRead, boolean notOpened, Exception e) {
      boolean gzip = name.endsWith(".gz") || name.endsWith(".gzip");
      if (gzip && e instanceof EOFException) {
        return "truncated gzip stream after " + linesRead + " lines: " + e;
      }
      if (gzip && e instanceof ZipException) {
        return "corrupt gzip stream after " + linesRead + " lines: " + e;
      }
      if (e instanceof Inputs.RefusedFileException) {
        return e.getMessage();
      }
      if (notOpened) {
        return "cannot open file: " + e;
      }
      return "read error after " + linesRead + " lines: " + e;
    }
  }
}
