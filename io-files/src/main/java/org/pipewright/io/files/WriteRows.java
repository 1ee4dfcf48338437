package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.RowJson;

/**
 * Writes schema rows into one folder as JSON lines ({@link RowJson}) or Parquet (schema derived
 * from the Beam schema; {@code DECIMAL} columns as exact {@code decimal(38, 9)}, see {@link
 * ParquetRecords}), files named {@code part-SSSSS-of-NNNNN<suffix>}.
 *
 * <p>Rows are counted as {@code <folder name>.written} in the {@link CleanRecords#METRICS_NAMESPACE}
 * namespace. File names depend only on the shard count, and {@link OutputDirs#replace} empties the folder
 * before a run, so re-running a job replaces its output instead of adding to it.
 *
 * <pre>{@code
 * rows.apply("Write pins", WriteRows.to("/out/clean/pin").withFormat(Format.PARQUET));
 * }</pre>
 */
public final class WriteRows extends PTransform<PCollection<Row>, PDone> {
  /** Suffix of the counter of rows written to a folder ({@code <folder name>.written}). */
  public static final String WRITTEN_SUFFIX = ".written";

  private final String directory;
  private final Format format;
  private final int numShards;

  private WriteRows(String directory, Format format, int numShards) {
    this.directory = directory;
    this.format = format;
    this.numShards = numShards;
  }

  /** JSON lines into {@code directory}, shard count chosen by the runner. */
  public static WriteRows to(String directory) {
    checkArgument(directory != null && !directory.isEmpty(), "directory must not be empty");
    return new WriteRows(directory, Format.JSON, 0);
  }

  /** Returns a copy that writes {@code format}: JSON lines (the default) or Parquet. */
  public WriteRows withFormat(Format format) {
    return new WriteRows(directory, checkNotNull(format, "format"), numShards);
  }

  /** A fixed number of files; 0 (the default) lets the runner choose. */
  public WriteRows withNumShards(int numShards) {
    checkArgument(numShards >= 0, "numShards must be >= 0, got %s", numShards);
    return new WriteRows(directory, format, numShards);
  }

  /** The counter name of a folder's rows: its last path segment, e.g. {@code pin.written}. */
  static String table(String directory) {
    String trimmed = directory.endsWith("/") ? directory.substring(0, directory.length() - 1) : directory;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** Counts rows handed to the writer, so that progress lines can show the write stage. */
  private static final class CountFn extends DoFn<Row, Row> {
    private final Counter written;

    CountFn(String table) {
      this.written = Metrics.counter(CleanRecords.METRICS_NAMESPACE, table + WRITTEN_SUFFIX);
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      written.inc();
      out.output(row);
    }
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    FileIO.Write<Void, ?> write;
    if (format == Format.PARQUET) {
      SerializableFunction<Row, GenericRecord> toAvro = ParquetRecords.of(schema);
      write = FileIO.<Row>write().via(Contextful.fn(toAvro), ParquetIO.sink(ParquetRecords.schema(schema)));
    } else {
      write = FileIO.<Row>write().via(Contextful.fn(RowJson::format), TextIO.sink());
    }
    write = write.to(directory).withPrefix("part").withSuffix(format.suffix());
    if (numShards > 0) {
      write = write.withNumShards(numShards);
    }
    @SuppressWarnings("unchecked")
    FileIO.Write<Void, Row> typed = (FileIO.Write<Void, Row>) write;
    rows.apply("Count", ParDo.of(new CountFn(table(directory))))
        .setRowSchema(schema)
        .apply("Write " + format, typed);
    return PDone.in(rows.getPipeline());
  }
}
