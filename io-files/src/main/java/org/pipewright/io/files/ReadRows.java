package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.time.LocalDate;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.io.parquet.ParquetIO;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
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
 * are typed, so they have none.
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
    PCollection<Row> rows = input
        .apply("Read Parquet", ParquetIO.parseGenericRecords(new ToRow(schema)).from(filepattern)
            .withCoder(RowCoder.of(schema)))
        .setRowSchema(schema);
    // Parquet input is typed by construction; pass it through the same result shape.
    return CleanResult.of(rows);
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
