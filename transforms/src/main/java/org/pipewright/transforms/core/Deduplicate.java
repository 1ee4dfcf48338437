package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.internal.Buckets;
import org.pipewright.transforms.internal.Checks;

/**
 * Removes exact re-sends: rows that are equal in every field are kept once.
 *
 * <p>Rows are shuffled by a hash into a bounded number of {@link Buckets}, so exact copies meet in
 * one bucket, where a hash set keeps the first of each. By default the hash is of the whole row;
 * {@link #withKeyField} hashes one field instead (the record's id), which is cheaper for wide rows.
 * Either way, rows that share a key but differ in any value are all kept: they are different
 * records, not duplicates.
 *
 * <pre>{@code
 * PCollection<Row> orders = cleanOrders.apply("Dedupe", Deduplicate.rows().withKeyField("order_id"));
 * }</pre>
 */
public final class Deduplicate extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String keyField;
  private final int buckets;

  private Deduplicate(String keyField, int buckets) {
    this.keyField = keyField;
    this.buckets = buckets;
  }

  /** Deduplicates whole rows, in {@link Buckets#DEFAULT} buckets. */
  public static Deduplicate rows() {
    return new Deduplicate(null, Buckets.DEFAULT);
  }

  /**
   * Returns a copy that buckets rows by the value of {@code keyField} (it must be in the input
   * schema) instead of by the whole row. The result is the same; only the cost differs.
   */
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
    checkArgument(keyField == null || schema.hasField(keyField),
        "key field '%s' is not in schema %s", keyField, schema);
    int keyIndex = keyField == null ? KeyFn.WHOLE_ROW : schema.indexOf(keyField);
    return input
        .apply(keyField == null ? "Bucket rows" : "Bucket by " + keyField,
            ParDo.of(new KeyFn(keyIndex, buckets, input.getCoder())))
        .setCoder(KvCoder.of(VarIntCoder.of(), input.getCoder()))
        .apply("Group buckets", GroupByKey.create())
        .apply("Emit distinct", ParDo.of(new EmitFn()))
        .setRowSchema(schema);
  }

  private static final class KeyFn extends DoFn<Row, KV<Integer, Row>> {
    static final int WHOLE_ROW = -1;
    private final int keyIndex;
    private final int buckets;
    private final Coder<Row> coder;

    KeyFn(int keyIndex, int buckets, Coder<Row> coder) {
      this.keyIndex = keyIndex;
      this.buckets = buckets;
      this.coder = coder;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<Integer, Row>> out)
        throws CoderException {
      // A whole row is hashed by its encoding: Row.hashCode is not guaranteed to be the same in
      // every worker JVM, and copies read by different workers must still meet in one bucket.
      Object key = keyIndex == WHOLE_ROW
          ? Arrays.hashCode(CoderUtils.encodeToByteArray(coder, row))
          : row.getValue(keyIndex);
      out.output(KV.of(Buckets.of(key, buckets), row));
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
