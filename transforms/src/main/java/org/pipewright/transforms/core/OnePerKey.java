package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.internal.PerKey;

/** The shared shape of {@link KeepFirst} and {@link KeepLatest}: key the rows, keep the one {@code pick} chooses. */
final class OnePerKey {
  private OnePerKey() {}

  /** Checks that the key fields exist in {@code schema}. */
  static void checkKeys(Schema schema, List<String> keyFields) {
    for (String field : keyFields) {
      checkArgument(schema.hasField(field), "key field %s is not in the input schema %s", field, schema);
    }
  }

  /** One row per distinct value of {@code keyFields}: the one {@code pick} keeps, step {@code name}. */
  static PCollection<Row> keep(PCollection<Row> input, List<String> keyFields, String name,
      Combine.BinaryCombineFn<Row> pick) {
    Schema schema = input.getSchema();
    return input
        .apply("Key", ParDo.of(new KeyFn(keyFields)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(schema)))
        .apply(name, PerKey.combine(pick))
        .apply("Rows", Values.create())
        .setRowSchema(schema);
  }

  private static final class KeyFn extends DoFn<Row, KV<String, Row>> {
    private final List<String> keyFields;

    KeyFn(List<String> keyFields) {
      this.keyFields = keyFields;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, Row>> out) {
      StringBuilder key = new StringBuilder();
      for (String field : keyFields) {
        // A separator no text field holds, so ("a", "bc") and ("ab", "c") stay two keys.
        key.append(String.valueOf((Object) row.getValue(field))).append('\u0000');
      }
      out.output(KV.of(key.toString(), row));
    }
  }
}
