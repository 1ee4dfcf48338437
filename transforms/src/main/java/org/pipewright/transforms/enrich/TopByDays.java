package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.Values;

/**
 * The top N (default {@value #DEFAULT_LIMIT}) of {@link CountDistinctDays}' output: most days
 * first, then name ascending by code point (a null name last), then key ascending by code point.
 * Keys are unique, so this is a total order and the ranking is the same on every runner however
 * the input is split; ties at the cut are decided by the same order, never by arrival. Output:
 * {@code rank INT32} (1..N, no gaps), the key field, the name field, {@code days INT64}; fewer
 * rows when there are fewer keys.
 *
 * <p>Beam's {@link Top} combiner keeps at most N rows per worker, merged once.
 *
 * <pre>{@code
 * PCollection<Row> top = frequency.apply("Top 25", TopByDays.create());
 * }</pre>
 */
public final class TopByDays extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final int DEFAULT_LIMIT = 25;
  public static final String RANK_FIELD = "rank";

  private final int limit;
  private final String keyField;
  private final String nameField;

  private TopByDays(int limit, String keyField, String nameField) {
    this.limit = limit;
    this.keyField = keyField;
    this.nameField = nameField;
  }

  /** The top {@value #DEFAULT_LIMIT} by the default field names of {@link CountDistinctDays}. */
  public static TopByDays create() {
    return new TopByDays(DEFAULT_LIMIT, CountDistinctDays.DEFAULT_KEY_FIELD,
        CountDistinctDays.DEFAULT_NAME_FIELD);
  }

  public TopByDays withLimit(int limit) {
    checkArgument(limit > 0, "limit must be > 0, got %s", limit);
    return new TopByDays(limit, keyField, nameField);
  }

  /** The key field's name, as given to {@link CountDistinctDays#withKeyField}. */
  public TopByDays withKeyField(String keyField) {
    checkArgument(keyField != null && !keyField.isEmpty(), "keyField must not be empty");
    return new TopByDays(limit, keyField, nameField);
  }

  /** The name field's name, as given to {@link CountDistinctDays#withNameField}. */
  public TopByDays withNameField(String nameField) {
    checkArgument(nameField != null && !nameField.isEmpty(), "nameField must not be empty");
    return new TopByDays(limit, keyField, nameField);
  }

  public static Schema outputSchema(String keyField, String nameField) {
    return Schema.builder()
        .addInt32Field(RANK_FIELD)
        .addStringField(keyField)
        .addNullableField(nameField, FieldType.STRING)
        .addInt64Field(CountDistinctDays.DAYS_FIELD)
        .build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> frequency) {
    Schema schema = frequency.getSchema();
    checkArgument(schema.equals(CountDistinctDays.outputSchema(keyField, nameField)),
        "TopByDays expects CountDistinctDays rows with key '%s' and name '%s', got %s",
        keyField, nameField, schema);
    Schema out = outputSchema(keyField, nameField);
    return frequency
        // withoutDefaults: works in any window; an empty input simply ranks nothing.
        .apply("Top " + limit, Top.of(limit, new ByDays()).withoutDefaults())
        .apply("Rank", ParDo.of(new RankFn(out)))
        .setRowSchema(out);
  }

  /**
   * Greater is better: more days, then the smaller name by code point (null names last), then the
   * smaller key. Works on {@link CountDistinctDays} rows, fields by position.
   */
  static final class ByDays implements Comparator<Row>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Row a, Row b) {
      int byDays = Long.compare(a.getInt64(2), b.getInt64(2));
      if (byDays != 0) {
        return byDays;
      }
      int byName = compareNullsLast(a.getString(1), b.getString(1));
      if (byName != 0) {
        return -byName;
      }
      return -Values.compareCodePoints(a.getString(0), b.getString(0));
    }

    private static int compareNullsLast(@Nullable String a, @Nullable String b) {
      if (a == null || b == null) {
        return a == b ? 0 : (a == null ? 1 : -1);
      }
      return Values.compareCodePoints(a, b);
    }
  }

  private static final class RankFn extends DoFn<List<Row>, Row> {
    private final Schema out;

    RankFn(Schema out) {
      this.out = out;
    }

    @ProcessElement
    public void process(@Element List<Row> top, OutputReceiver<Row> o) {
      // Top emits best first.
      for (int i = 0; i < top.size(); i++) {
        Row r = top.get(i);
        o.output(Row.withSchema(out).attachValues(i + 1, r.getString(0), r.getString(1), r.getInt64(2)));
      }
    }
  }
}
