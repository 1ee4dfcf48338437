package org.pipewright.transforms.core;

import static org.pipewright.transforms.core.Checks.checkArgument;

import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Removes exact re-sends: rows that are equal in every field are kept once.
 *
 * <p>Rows are shuffled by a hash of a key field (the record id) into a bounded number of {@link
 * Buckets}, so exact copies meet in one bucket, where a hash set keeps the first of each. Rows that
 * share the key but differ in any value are all kept: they are different records, not duplicates.
 */
public final class Deduplicate extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String keyField;
  private final int buckets;

  private Deduplicate(String keyField, int buckets) {
    this.keyField = keyField;
    this.buckets = buckets;
  }

  /** Deduplicates rows keyed by the field {@code ind}, in {@link Buckets#DEFAULT} buckets. */
  public static Deduplicate rows() {
    return new Deduplicate("ind", Buckets.DEFAULT);
  }

  /** Returns a copy that buckets rows by {@code keyField} before comparing them. */
  public Deduplicate withKeyField(String keyField) {
    checkArgument(keyField != null && !keyField.isEmpty(), "keyField must not be empty");
    return new Deduplicate(keyField, buckets);
  }

  /**
   * Returns a copy that uses {@code buckets} shuffle groups; each holds about {@code 1/buckets} of
   * the input in memory while it is deduplicated.
   */
  public Deduplicate withBuckets(int buckets) {
    checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
    return new Deduplicate(keyField, buckets);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    checkArgument(
        schema.hasField(keyField), "key field '%s' is not in schema %s", keyField, schema);
    int keyIndex = schema.indexOf(keyField);
    return input
        .apply("Bucket by " + keyField, ParDo.of(new KeyFn(keyIndex, buckets)))
        .setCoder(KvCoder.of(VarIntCoder.of(), input.getCoder()))
        .apply("Group buckets", GroupByKey.create())
        .apply("Emit distinct", ParDo.of(new EmitFn()))
        .setRowSchema(schema);
  }

  private static final class KeyFn extends DoFn<Row, KV<Integer, Row>> {
    private final int keyIndex;
    private final int buckets;

    KeyFn(int keyIndex, int buckets) {
      this.keyIndex = keyIndex;
      this.buckets = buckets;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, Row>> out) {
      out.output(KV.of(Buckets.of(row.getValue(keyIndex), buckets), row));
    }
  }

  private static final class EmitFn extends DoFn<KV<Integer, Iterable<Row>>, Row> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Row>> bucket, OutputReceiver<Row> out) {
      Set<Row> seen = new HashSet<>();
      for (Row row : bucket.getValue()) {
        if (seen.add(row)) {
          out.output(row);
        }
      }
    }
  }
}
