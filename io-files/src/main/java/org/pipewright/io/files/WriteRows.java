package org.pipewright.io.files;

import static org.pipewright.transforms.core.Checks.checkArgument;
import static org.pipewright.transforms.core.Checks.checkNotNull;

import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Contextful;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.RowJson;

/**
 * Writes schema rows into one folder as JSON lines ({@link RowJson}) or Parquet (schema derived
 * from the Beam schema), files named {@code part-SSSSS-of-NNNNN<suffix>}.
 *
 * <p>File names depend only on the shard count, and {@link OutputDirs#replace} empties the folder
 * before a run, so re-running a job replaces its output instead of adding to it.
 *
 * <pre>{@code
 * rows.apply("Write pins", WriteRows.to("/out/clean/pin").withFormat(Format.PARQUET));
 * }</pre>
 */
public final class WriteRows extends PTransform<PCollection<Row>, PDone> {
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

  public WriteRows withFormat(Format format) {
    return new WriteRows(directory, checkNotNull(format, "format"), numShards);
  }

  /** A fixed number of files; 0 (the default) lets the runner choose. */
  public WriteRows withNumShards(int numShards) {
    checkArgument(numShards >= 0, "numShards must be >= 0, got %s", numShards);
    return new WriteRows(directory, format, numShards);
  }

  @Override
  public PDone expand(PCollection<Row> rows) {
    Schema schema = rows.getSchema();
    FileIO.Write<Void, ?> write;
    if (format == Format.PARQUET) {
      org.apache.avro.Schema avro = AvroUtils.toAvroSchema(schema);
      SerializableFunction<Row, GenericRecord> toAvro = AvroUtils.getRowToGenericRecordFunction(avro);
      write = FileIO.<Row>write().via(Contextful.fn(toAvro), ParquetIO.sink(avro));
    } else {
      write = FileIO.<Row>write().via(Contextful.fn(RowJson::format), TextIO.sink());
    }
    write = write.to(directory).withPrefix("part").withSuffix(format.suffix());
    if (numShards > 0) {
      write = write.withNumShards(numShards);
    }
    @SuppressWarnings("unchecked")
    FileIO.Write<Void, Row> typed = (FileIO.Write<Void, Row>) write;
    rows.apply("Write " + format, typed);
    return PDone.in(rows.getPipeline());
  }
}
