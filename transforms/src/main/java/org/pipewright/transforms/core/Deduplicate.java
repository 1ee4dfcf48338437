package org.pipewright.transforms.core;

import static org.pipewright.transforms.core.Checks.checkArgument;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Removes exact re-sends: rows that are equal in every field are kept once.
 *
 * <p>Rows are grouped by a key field (the record id) and compared within the group, with a
 * combiner so that runners pre-aggregate before the shuffle. Rows that share the key but differ in
 * any value are all kept: they are different records, not duplicates.
 */
public final class Deduplicate extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String keyField;

  private Deduplicate(String keyField) {
    this.keyField = keyField;
  }

  /** Deduplicates rows keyed by the field {@code ind}. */
  public static Deduplicate rows() {
    return new Deduplicate("ind");
  }

  /** Returns a copy that groups by {@code keyField} before comparing rows. */
  public Deduplicate withKeyField(String keyField) {
    checkArgument(keyField != null && !keyField.isEmpty(), "keyField must not be empty");
    return new Deduplicate(keyField);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    checkArgument(
        schema.hasField(keyField), "key field '%s' is not in schema %s", keyField, schema);
    int keyIndex = schema.indexOf(keyField);
    return input
        .apply("Key by " + keyField, ParDo.of(new KeyFn(keyIndex)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), input.getCoder()))
        .apply("Distinct per key", Combine.perKey(new DistinctRows()))
        .apply("Emit distinct", ParDo.of(new EmitFn()))
        .setRowSchema(schema);
  }

  private static final class KeyFn extends DoFn<Row, KV<String, Row>> {
    private final int keyIndex;

    KeyFn(int keyIndex) {
      this.keyIndex = keyIndex;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, Row>> out) {
      out.output(KV.of(String.valueOf((Object) row.getValue(keyIndex)), row));
    }
  }

  private static final class EmitFn extends DoFn<KV<String, List<Row>>, Row> {
    @ProcessElement
    public void process(@Element KV<String, List<Row>> group, OutputReceiver<Row> out) {
      for (Row row : group.getValue()) {
        out.output(row);
      }
    }
  }

  /** Keeps one copy of each distinct row; groups are small (one record id), so a list will do. */
  static final class DistinctRows extends Combine.CombineFn<Row, List<Row>, List<Row>> {
    @Override
    public List<Row> createAccumulator() {
      return new ArrayList<>(2);
    }

    @Override
    public List<Row> addInput(List<Row> acc, Row row) {
      if (!acc.contains(row)) {
        acc.add(row);
      }
      return acc;
    }

    @Override
    public List<Row> mergeAccumulators(Iterable<List<Row>> accs) {
      List<Row> merged = createAccumulator();
      for (List<Row> acc : accs) {
        for (Row row : acc) {
          addInput(merged, row);
        }
      }
      return merged;
    }

    @Override
    public List<Row> extractOutput(List<Row> acc) {
      return acc;
    }

    @Override
    public Coder<List<Row>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder)
        throws CannotProvideCoderException {
      return ListCoder.of(inputCoder);
    }
  }
}
