package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.commons.csv.CSVFormat;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/**
 * Reads CSV files with a header into rows of strings: {@code source} ({@code file:line}, the
 * record's first physical line, 1-based, the header being line 1) followed by the declared columns
 * in declared order, all nullable strings, an empty field being null ({@link #schema}). Parsing is
 * commons-csv's: quoted fields may hold the delimiter, doubled quotes and line breaks. Works on
 * every Beam {@code FileSystems} scheme (local paths, {@code s3://}); {@code .gz}, {@code .zip} (one
 * file per zip) and other compressed files are decompressed by extension. Matching no file at all is an error at run time,
 * as with {@link ReadJsonLines}.
 *
 * <p>Columns are found by header name (trimmed, case-sensitive) in any order; other columns are
 * ignored. Bad data never fails the read: every record is either a row or a {@link DeadLetter}
 * (kind {@link #withKind}, default {@code csv}; step {@value #STEP}; source {@code file:line};
 * payload the record's raw text without its line end), so records = rows + dead letters:
 *
 * <ul>
 *   <li>{@code missing_columns: a, b}: the file's header lacks declared columns; every record of
 *       that file is refused;
 *   <li>{@code ambiguous_columns: a}: the file's header names a declared column more than once;
 *       every record of that file is refused (with both problems, the reason gives both, {@code
 *       missing_columns: b; ambiguous_columns: a}). An undeclared column may repeat;
 *   <li>{@code wrong_field_count: n of m}: the record has {@code n} fields, the header {@code m};
 *   <li>{@code malformed_csv: ...}: the parser failed. After a character after a closing quote
 *       ({@code "Bad" Title}), the record up to the end of the line the parser stopped in is one
 *       dead letter and reading goes on with the next line. After an unclosed quote or a record
 *       longer than {@value #MAX_RECORD_CHARS} characters, where the next record starts is
 *       unknowable, so the rest of the file from that record is ONE dead letter. Payloads are
 *       capped at the first {@value #MAX_PAYLOAD_CHARS} characters (1 MiB of characters), and the
 *       reason says so;
 *   <li>{@code read_error: ...}: the bytes could not be read (not UTF-8, a truncated {@code .gz});
 *       the records before are kept, the rest of what was read is one dead letter; a file that
 *       cannot be opened, or a {@code .zip} holding more than one file ({@code read_error: zip with
 *       2 entries: one file per zip expected}), is one dead letter whose source is the file name.
 * </ul>
 *
 * Empty lines are skipped, not records. A line holding only spaces or a quoted empty field ({@code
 * ""}) is a record of one field: a row in a one-column file (spaces kept, {@code ""} null), else a
 * {@code wrong_field_count}. A UTF-8 byte order mark at the start is removed; CRLF and LF line ends
 * both work. An empty file, or one with only a header, gives nothing.
 *
 * <p>Each file is parsed whole, as a stream, by one {@code DoFn} call: memory holds one record and
 * a read-ahead buffer, never the file. Files are not split, because a quoted field may hold a line
 * break, so a byte offset cannot be mapped to a record start safely; many files are read in
 * parallel. Counters {@code csv.<kind>.records} and {@code csv.<kind>.deadLetter} are reported in
 * the {@value CleanRecords#METRICS_NAMESPACE} namespace.
 *
 * <pre>{@code
 * CleanResult ratings = p.apply("Read ratings", ReadCsv.from("s3://landing/movies/ratings*.csv*")
 *     .withColumns(List.of("userId", "movieId", "rating", "timestamp"))
 *     .withKind("ratings"));
 * ratings.output();      // source, userId, movieId, rating, timestamp
 * ratings.deadLetters(); // DeadLetter rows
 * }</pre>
 */
public final class ReadCsv extends PTransform<PBegin, CleanResult> {
  /** The dead letters' step name. */
  public static final String STEP = "read-csv";

  /** A record longer than this (an unclosed quote swallowing the file, say) ends the parse of its file. */
  static final int MAX_RECORD_CHARS = 16 << 20;

  /** The cap on a malformed rest-of-file dead letter's payload. */
  static final int MAX_PAYLOAD_CHARS = 1 << 20;

  /** RFC 4180: comma, double quote, doubled quotes inside quotes; the header is read from the file. */
  public static final CSVFormat DEFAULT_FORMAT = CSVFormat.RFC4180;

  private final String filepattern;
  private final List<String> columns;
  private final CSVFormat format;
  private final String kind;

  private ReadCsv(String filepattern, List<String> columns, CSVFormat format, String kind) {
    this.filepattern = filepattern;
    this.columns = columns;
    this.format = format;
    this.kind = kind;
  }

  /** Reads every file matching {@code filepattern}; matching nothing is an error at run time. */
  public static ReadCsv from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadCsv(filepattern, null, DEFAULT_FORMAT, "csv");
  }

  /** The columns to read, by header name; the output has them in this order, after {@code source}. */
  public ReadCsv withColumns(List<String> names) {
    checkColumns(names);
    return new ReadCsv(filepattern, List.copyOf(names), format, kind);
  }

  /**
   * The dialect (delimiter, quote, escape, comments, ...). The header is always the file's first
   * record, so the format must not declare one.
   */
  public ReadCsv withFormat(CSVFormat format) {
    checkArgument(format != null, "format must not be null");
    checkArgument(format.getHeader() == null && !format.getSkipHeaderRecord(),
        "format must not declare a header: ReadCsv reads it from each file's first record");
    return new ReadCsv(filepattern, columns, format, kind);
  }

  /** The {@code kind} of the dead letters, e.g. {@code ratings}; default {@code csv}. */
  public ReadCsv withKind(String kind) {
    checkArgument(kind != null && !kind.isEmpty(), "kind must not be empty");
    return new ReadCsv(filepattern, columns, format, kind);
  }

  /** The output schema for {@code columns}: {@code source} (STRING) then each column, nullable STRING. */
  public static Schema schema(List<String> columns) {
    checkColumns(columns);
    Schema.Builder builder = Schema.builder().addStringField("source");
    for (String column : columns) {
      builder.addNullableField(column, Schema.FieldType.STRING);
    }
    return builder.build();
  }

  private static void checkColumns(List<String> names) {
    checkArgument(names != null && !names.isEmpty(), "columns must not be empty");
    checkArgument(new HashSet<>(names).size() == names.size(), "columns must be distinct, got %s", names);
    for (String name : names) {
      checkArgument(name != null && !name.isEmpty() && name.equals(name.trim()),
          "a column name must be non-empty without surrounding spaces, got '%s'", name);
      checkArgument(!name.equals("source"), "'source' is the output's own first field; it cannot be a column");
    }
  }

  @Override
  public CleanResult expand(PBegin input) {
    checkArgument(columns != null, "ReadCsv needs withColumns(...)");
    Schema schema = schema(columns);
    TupleTag<Row> rows = new TupleTag<Row>() {};
    TupleTag<Row> dead = new TupleTag<Row>() {};
    PCollectionTuple parsed = input
        .apply("Match", FileIO.match().filepattern(filepattern)
            .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open", FileIO.readMatches())
        .apply("Parse CSV", ParDo.of(new ParseFn(columns, format, kind, schema, rows, dead))
            .withOutputTags(rows, TupleTagList.of(dead)));
    return CleanResult.of(parsed.get(rows).setRowSchema(schema), parsed.get(dead).setRowSchema(DeadLetter.SCHEMA));
  }

  private static final class ParseFn extends DoFn<FileIO.ReadableFile, Row> {
    private final List<String> columns;
    private final CSVFormat format;
    private final String kind;
    private final Schema schema;
    private final TupleTag<Row> rows;
    private final TupleTag<Row> dead;
    private final Counter records;
    private final Counter deadLetters;

    ParseFn(List<String> columns, CSVFormat format, String kind, Schema schema, TupleTag<Row> rows,
        TupleTag<Row> dead) {
      this.columns = columns;
      this.format = format;
      this.kind = kind;
      this.schema = schema;
      this.rows = rows;
      this.dead = dead;
      this.records = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "csv." + kind + ".records");
      this.deadLetters = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "csv." + kind + ".deadLetter");
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out) {
      String name = file.getMetadata().resourceId().toString();
      InputStream in;
      try {
        in = Inputs.open(file);
      } catch (IOException e) {
        // The file is one dead letter: no record of it could be read.
        records.inc();
        deadLetters.inc();
        String why = e instanceof Inputs.RefusedFileException ? e.getMessage() : "cannot open file: " + e;
        out.get(dead).output(DeadLetter.of(kind, STEP, "read_error: " + why, name, null));
        return;
      }
      CsvRecords csv = new CsvRecords(name, in, format, columns, schema, kind, STEP, MAX_RECORD_CHARS,
          MAX_PAYLOAD_CHARS);
      try {
        csv.read(out.get(rows)::output, out.get(dead)::output);
      } finally {
        try {
          in.close();
        } catch (IOException e) {
          // Everything was read already; a failing close of a read-only stream loses nothing.
        }
      }
      records.inc(csv.records());
      deadLetters.inc(csv.deadLetters());
    }
  }
}
