package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Keeps one row per key: the one with the greatest value of an order field (the answer fetched
 * last, the newest version). Rows with equal key fields are versions of one record, for example a
 * trending item seen by two polls of the same day; the others are dropped, and a caller who needs
 * the count of dropped rows gets it as {@code input - output}.
 *
 * <p>A combiner, so runners pre-combine before the shuffle. Rows whose order values are equal (or
 * both null; a null sorts first) are told apart by their text, so the choice is the same on every
 * runner and every run.
 *
 * <pre>{@code
 * PCollection<Row> items = versions.apply(KeepLatest.perKey("item_id", "date").orderedBy("source"));
 * }</pre>
 */
public final class KeepLatest extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final List<String> keyFields;
  private final @Nullable String orderField;

  private KeepLatest(List<String> keyFields, @Nullable String orderField) {
    this.keyFields = keyFields;
    this.orderField = orderField;
  }

  /** One row per distinct value of {@code keyFields}; set the order with {@link #orderedBy}. */
  public static KeepLatest perKey(String... keyFields) {
    checkArgument(keyFields.length > 0, "at least one key field is needed");
    return new KeepLatest(List.of(keyFields), null);
  }

  /** The field whose greatest value wins: a string, number or date-time field of the input. */
  public KeepLatest orderedBy(String field) {
    checkArgument(field != null && !field.isEmpty(), "order field must not be empty");
    return new KeepLatest(keyFields, field);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    checkArgument(orderField != null, "KeepLatest needs orderedBy(field)");
    Schema schema = input.getSchema();
    OnePerKey.checkKeys(schema, keyFields);
    checkArgument(schema.hasField(orderField), "order field %s is not in the input schema %s", orderField, schema);
    return OnePerKey.keep(input, keyFields, "Latest", new Latest(orderField));
  }

  private static final class Latest extends Combine.BinaryCombineFn<Row> {
    private final String orderField;

    Latest(String orderField) {
      this.orderField = orderField;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Row apply(Row left, Row right) {
      Comparable a = order(left);
      Comparable b = order(right);
      int byOrder = a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
      if (byOrder != 0) {
        return byOrder > 0 ? left : right;
      }
      return left.toString().compareTo(right.toString()) >= 0 ? left : right;
    }

    private @Nullable Comparable<?> order(Row row) {
      Object value = row.getValue(orderField);
      return value instanceof Comparable ? (Comparable<?>) value : value == null ? null : value.toString();
    }
  }
}
