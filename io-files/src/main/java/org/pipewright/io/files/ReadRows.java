package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.JsonRowCleaner;
import org.pipewright.transforms.core.RowJson;

/**
 * Reads typed tables written by {@link WriteRows} (or any JSON-lines / Parquet files of the same
 * columns) back as schema rows. JSON records of the wrong shape become dead letters; Parquet files
 * are typed, so they have none. A matched file that is not Parquet (a stray {@code notes.txt} in the
 * folder, a JSON-lines table read as Parquet) stops the read with an error naming it: a table read
 * without one of its files would be wrong, and a dead letter could not say which records it held.
 */
public final class ReadRows extends PTransform<PBegin, CleanResult> {
  private final String kind;
  private final String filepattern;
  private final Schema schema;
  private final Format format;

  private ReadRows(String kind, String filepattern, Schema schema, Format format) {
    this.kind = kind;
    this.filepattern = filepattern;
    this.schema = schema;
    this.format = format;
  }

  /** Reads {@code kind} records (used in metrics and dead letters) of {@code schema}. */
  public static ReadRows of(String kind, Schema schema) {
    checkArgument(kind != null && !kind.isEmpty(), "kind must not be empty");
    return new ReadRows(kind, null, checkNotNull(schema, "schema"), Format.JSON);
  }

  public ReadRows from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadRows(kind, filepattern, schema, format);
  }

  /** Returns a copy that reads files of {@code format} (JSON lines by default). */
  public ReadRows withFormat(Format format) {
    return new ReadRows(kind, filepattern, schema, checkNotNull(format, "format"));
  }

  /** The step named in dead letters: {@code ReadPin} for kind {@code pin}. */
  String stepName() {
    return "Read" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
  }

  @Override
  public CleanResult expand(PBegin input) {
    checkArgument(filepattern != null, "ReadRows needs from(filepattern)");
    if (format == Format.JSON) {
      return input
          .apply("Read JSON lines", ReadJsonLines.from(filepattern))
          .apply("Decode", CleanRecords.with(JsonRowCleaner.of(kind, schema)).withStepName(stepName()));
    }
    // Each file is read with its own schema: a reader schema from the Beam schema would give DECIMAL
    // columns Beam's scale 0, and the files' unscaled numbers would be read as that (7.000000000 as
    // 7000000000). Avro's decimal conversion uses the file's scale instead.
    // As ParquetIO.parseGenericRecords does, with the files checked before Parquet reads them.
    PCollection<Row> rows = input
        .apply("Match", FileIO.match().filepattern(filepattern))
        .apply("Open", FileIO.readMatches())
        .apply("Check Parquet", ParDo.of(new CheckParquetFn(filepattern)))
        .apply("Read Parquet", ParquetIO.parseFilesGenericRecords(new ToRow(schema))
            .withCoder(RowCoder.of(schema)))
        .setRowSchema(schema);
    // Parquet input is typed by construction; pass it through the same result shape.
    return CleanResult.of(rows);
  }

  /** Parquet's own error for a file that is not Parquet names neither the file nor the problem. */
  private static final class CheckParquetFn extends DoFn<FileIO.ReadableFile, FileIO.ReadableFile> {
    private final String filepattern;

    CheckParquetFn(String filepattern) {
      this.filepattern = filepattern;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<FileIO.ReadableFile> out)
        throws IOException {
      String why = whyNotParquet(file.getMetadata());
      if (why != null) {
        throw new IllegalStateException(file.getMetadata().resourceId() + " is not a Parquet file (" + why
            + "): every file matching " + filepattern + " must be Parquet; move other files out of the folder,"
            + " or read a JSON-lines table as JSON");
      }
      out.output(file);
    }
  }

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  /**
   * Why a file is not Parquet, or null if it looks like one: at least 12 bytes, {@code PAR1} at the
   * start and at the end, as Parquet writes them.
   */
  static String whyNotParquet(MatchResult.Metadata file) throws IOException {
    long size = file.sizeBytes();
    if (size < 3L * MAGIC.length) {
      return size + " bytes, fewer than any Parquet file's 12";
    }
    try (ReadableByteChannel channel = FileSystems.open(file.resourceId())) {
      if (!ByteBuffer.wrap(MAGIC).equals(read(channel))) {
        return "it does not start with PAR1";
      }
      if (channel instanceof SeekableByteChannel seekable) {
        seekable.position(size - MAGIC.length);
        if (!ByteBuffer.wrap(MAGIC).equals(read(seekable))) {
          return "it does not end with PAR1: cut short?";
        }
      }
    }
    return null;
  }

  private static ByteBuffer read(ReadableByteChannel channel) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(MAGIC.length);
    while (bytes.hasRemaining()) {
      if (channel.read(bytes) < 0) {
        break;
      }
    }
    return bytes.flip();
  }

  /**
   * Avro record to row. A class rather than a lambda: a serialized lambda carries its signature as
   * a string, which shading does not relocate (MSHADE-260), and the spark-submit jar relocates Avro.
   * Beam reads an Avro {@code date} only as a {@code DATETIME}, so {@code SqlTypes.DATE} columns
   * (days since 1970 in the file) are converted here and the others by Beam.
   */
  private static final class ToRow implements SerializableFunction<GenericRecord, Row> {
    private final Schema schema;
    private final Schema withoutDates;

    ToRow(Schema schema) {
      this.schema = schema;
      Schema.Builder others = Schema.builder();
      schema.getFields().stream().filter(f -> !RowJson.isDate(f.getType())).forEach(others::addField);
      this.withoutDates = others.build();
    }

    @Override
    public Row apply(GenericRecord record) {
      if (withoutDates.getFieldCount() == schema.getFieldCount()) {
        return AvroUtils.toBeamRowStrict(record, schema);
      }
      Row others = AvroUtils.toBeamRowStrict(record, withoutDates);
      Object[] values = new Object[schema.getFieldCount()];
      for (int i = 0; i < values.length; i++) {
        Schema.Field field = schema.getField(i);
        values[i] = RowJson.isDate(field.getType()) ? date(record.get(field.getName()))
            : others.getValue(field.getName());
      }
      return Row.withSchema(schema).attachValues(values);
    }

    private static LocalDate date(Object value) {
      if (value == null || value instanceof LocalDate) {
        return (LocalDate) value;
      }
      return LocalDate.ofEpochDay(((Number) value).longValue());
    }
  }
}
