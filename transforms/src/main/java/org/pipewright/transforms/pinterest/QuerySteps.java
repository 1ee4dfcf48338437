package org.pipewright.transforms.pinterest;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.GroupCounts;
import org.pipewright.transforms.core.Timestamps;

/** Shared steps of the count and median queries: keys, year ranges and rows from maps. */
final class QuerySteps {
  private QuerySteps() {}

  static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());
  static final NullableCoder<Long> NULLABLE_LONG = NullableCoder.of(VarLongCoder.of());

  /** Keeps rows whose year field is within an inclusive range. */
  static final class YearRange implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final String field;
    final int from;
    final int to;

    YearRange(String field, int from, int to) {
      this.field = field;
      this.from = from;
      this.to = to;
    }

    boolean contains(Row row) {
      Integer year = row.getInt32(field);
      return year != null && year >= from && year <= to;
    }
  }

  /** Projects {@code keys} of each row (dropping rows outside {@code range}, if given). */
  static final class KeyFn extends DoFn<Row, Row> {
    private final Schema keySchema;
    private final YearRange range;

    KeyFn(Schema keySchema, YearRange range) {
      this.keySchema = keySchema;
      this.range = range;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      if (range == null || range.contains(row)) {
        out.output(key(row, keySchema));
      }
    }
  }

  static Row key(Row row, Schema keySchema) {
    Object[] values = new Object[keySchema.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.getValue(keySchema.getField(i).getName());
    }
    return Row.withSchema(keySchema).attachValues(values);
  }

  static PCollection<Map<Row, Long>> countGroups(
      PCollection<Row> input, YearRange range, String... keys) {
    Schema keySchema = project(input.getSchema(), keys);
    return input
        .apply("Key", ParDo.of(new KeyFn(keySchema, range)))
        .setRowSchema(keySchema)
        .apply("Count per group", Combine.globally(GroupCounts.of(keySchema)));
  }

  /** Emits one row per map entry: the key row's values followed by the value. */
  static final class KeyValueRowsFn extends DoFn<Map<Row, Long>, Row> {
    private final Schema out;

    KeyValueRowsFn(Schema out) {
      this.out = out;
    }

    @ProcessElement
    public void process(@Element Map<Row, Long> groups, OutputReceiver<Row> o) {
      for (Map.Entry<Row, Long> e : groups.entrySet()) {
        List<Object> values = new ArrayList<>(e.getKey().getValues());
        values.add(e.getValue());
        o.output(Row.withSchema(out).attachValues(values));
      }
    }
  }

  static Schema project(Schema schema, String... fields) {
    Schema.Builder b = Schema.builder();
    for (String f : fields) {
      b.addField(schema.getField(f));
    }
    return b.build();
  }

  /** The UTC calendar year of an instant, or null. */
  static Integer year(ReadableInstant instant) {
    return instant == null ? null : Timestamps.utcYear(instant);
  }
}
