package org.pipewright.io.files;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.extensions.avro.schemas.utils.AvroUtils;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.Row;

/**
 * Rows to the Avro records Parquet is written from. Beam's own mapping gives a {@code DECIMAL} field
 * the Avro type {@code decimal} with scale 0, so any value with decimals (a price) cannot be written;
 * here a top-level {@code DECIMAL} field becomes {@code decimal(}{@value #PRECISION}{@code , }{@value
 * #SCALE}{@code )}, which every Parquet reader takes as an exact number. Values with more than
 * {@value #SCALE} decimals are rounded half up. Other fields are mapped by Beam.
 */
final class ParquetRecords implements SerializableFunction<Row, GenericRecord> {
  static final int PRECISION = 38;
  static final int SCALE = 9;

  private final Schema beamSchema;
  /** The Avro schema as Avro objects are not serializable: kept as JSON and parsed once per worker. */
  private final String avroJson;
  private final String beamAvroJson;
  private transient org.apache.avro.Schema avro;
  private transient SerializableFunction<Row, GenericRecord> beam;
  private transient Conversions.DecimalConversion decimals;

  private ParquetRecords(Schema beamSchema) {
    this.beamSchema = beamSchema;
    org.apache.avro.Schema beamAvro = AvroUtils.toAvroSchema(withoutDecimals(beamSchema));
    this.beamAvroJson = beamAvro.toString();
    this.avroJson = schema(beamSchema).toString();
  }

  static ParquetRecords of(Schema schema) {
    return new ParquetRecords(schema);
  }

  /** The Avro schema of the files: Beam's, with {@code DECIMAL} fields as exact decimals. */
  static org.apache.avro.Schema schema(Schema beamSchema) {
    org.apache.avro.Schema beamAvro = AvroUtils.toAvroSchema(withoutDecimals(beamSchema));
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : beamAvro.getFields()) {
      org.apache.avro.Schema type = f.schema();
      Field beamField = beamSchema.getField(f.name());
      if (beamField.getType().getTypeName() == Schema.TypeName.DECIMAL) {
        type = LogicalTypes.decimal(PRECISION, SCALE).addToSchema(
            org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
        if (beamField.getType().getNullable()) {
          type = org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type);
        }
      }
      fields.add(new org.apache.avro.Schema.Field(f.name(), type, f.doc(), (Object) null));
    }
    return org.apache.avro.Schema.createRecord(beamAvro.getName(), beamAvro.getDoc(), beamAvro.getNamespace(),
        false, fields);
  }

  /** The schema with each top-level {@code DECIMAL} field made a nullable one, left null for Beam. */
  private static Schema withoutDecimals(Schema schema) {
    Schema.Builder out = Schema.builder();
    for (Field f : schema.getFields()) {
      out.addField(f.getType().getTypeName() == Schema.TypeName.DECIMAL
          ? Field.nullable(f.getName(), FieldType.DECIMAL) : f);
    }
    return out.build();
  }

  @Override
  public GenericRecord apply(Row row) {
    if (avro == null) {
      avro = new org.apache.avro.Schema.Parser().parse(avroJson);
      beam = AvroUtils.getRowToGenericRecordFunction(new org.apache.avro.Schema.Parser().parse(beamAvroJson));
      decimals = new Conversions.DecimalConversion();
    }
    Schema stripped = withoutDecimalsCached();
    Object[] values = new Object[beamSchema.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = isDecimal(i) ? null : row.getValue(i);
    }
    GenericRecord mapped = beam.apply(Row.withSchema(stripped).attachValues(values));
    GenericData.Record record = new GenericData.Record(avro);
    for (int i = 0; i < values.length; i++) {
      Object value = mapped.get(i);
      if (isDecimal(i)) {
        BigDecimal decimal = row.getDecimal(i);
        value = decimal == null ? null : decimals.toBytes(decimal.setScale(SCALE, RoundingMode.HALF_UP), null,
            LogicalTypes.decimal(PRECISION, SCALE));
      }
      record.put(i, value);
    }
    return record;
  }

  private transient Schema strippedSchema;

  private Schema withoutDecimalsCached() {
    if (strippedSchema == null) {
      strippedSchema = withoutDecimals(beamSchema);
    }
    return strippedSchema;
  }

  private boolean isDecimal(int field) {
    return beamSchema.getField(field).getType().getTypeName() == Schema.TypeName.DECIMAL;
  }
}
