package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.internal.PerKey;

/**
 * How often each key appeared, counted in distinct days: for each key (an item id, say) the
 * number of different days it appeared on, its first and last day, and its name on its last day.
 * An item listed twice on one day (in two answers of that day) counts once.
 *
 * <p>Input rows need a non-nullable {@code STRING} key field (default {@value #DEFAULT_KEY_FIELD}),
 * a non-nullable {@code STRING} day field holding {@code yyyy-MM-dd} (default {@value
 * #DEFAULT_DAY_FIELD}; any text that sorts in time order works) and a {@code STRING} name field
 * (default {@value #DEFAULT_NAME_FIELD}, may be nullable). Output schema: the key field, the name
 * field (nullable), {@code days INT64}, {@code first_date}, {@code last_date}.
 *
 * <p>The name is the one seen on the key's last day. Where that day has several names (the item
 * was renamed during the day), the smallest by code point is kept and a null name only when there
 * is no other, so the result does not depend on the order records arrive in.
 *
 * <p>A combiner per key ({@code Combine.perKey}; bucketed on the Direct runner, see {@code PerKey}): each worker keeps a set of days per key and the
 * sets are merged once, so no key's records are ever gathered in one place.
 *
 * <pre>{@code
 * PCollection<Row> frequency = trendingItems.apply("Frequency", CountDistinctDays.create());
 * PCollection<Row> top = frequency.apply("Top 25", TopByDays.create());
 * }</pre>
 */
public final class CountDistinctDays extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String DEFAULT_KEY_FIELD = "item_id";
  public static final String DEFAULT_DAY_FIELD = "date";
  public static final String DEFAULT_NAME_FIELD = "name";
  public static final String DAYS_FIELD = "days";
  public static final String FIRST_DATE_FIELD = "first_date";
  public static final String LAST_DATE_FIELD = "last_date";

  private final String keyField;
  private final String dayField;
  private final String nameField;

  private CountDistinctDays(String keyField, String dayField, String nameField) {
    this.keyField = keyField;
    this.dayField = dayField;
    this.nameField = nameField;
  }

  /** Counts days of {@value #DEFAULT_KEY_FIELD} by {@value #DEFAULT_DAY_FIELD}. */
  public static CountDistinctDays create() {
    return new CountDistinctDays(DEFAULT_KEY_FIELD, DEFAULT_DAY_FIELD, DEFAULT_NAME_FIELD);
  }

  public CountDistinctDays withKeyField(String keyField) {
    checkArgument(keyField != null && !keyField.isEmpty(), "keyField must not be empty");
    return new CountDistinctDays(keyField, dayField, nameField);
  }

  public CountDistinctDays withDayField(String dayField) {
    checkArgument(dayField != null && !dayField.isEmpty(), "dayField must not be empty");
    return new CountDistinctDays(keyField, dayField, nameField);
  }

  public CountDistinctDays withNameField(String nameField) {
    checkArgument(nameField != null && !nameField.isEmpty(), "nameField must not be empty");
    return new CountDistinctDays(keyField, dayField, nameField);
  }

  /** The output schema for the given field names. */
  public static Schema outputSchema(String keyField, String nameField) {
    return Schema.builder()
        .addStringField(keyField)
        .addNullableField(nameField, FieldType.STRING)
        .addInt64Field(DAYS_FIELD)
        .addStringField(FIRST_DATE_FIELD)
        .addStringField(LAST_DATE_FIELD)
        .build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    checkField(schema, keyField, false);
    checkField(schema, dayField, false);
    checkField(schema, nameField, true);
    checkArgument(!keyField.equals(nameField), "key and name fields must differ");
    Schema out = outputSchema(keyField, nameField);
    Coder<String> string = StringUtf8Coder.of();
    return input
        .apply("Key by " + keyField, ParDo.of(new KeyFn(
            schema.indexOf(keyField), schema.indexOf(dayField), schema.indexOf(nameField))))
        .setCoder(KvCoder.of(string, KvCoder.of(string, NullableCoder.of(string))))
        .apply("Distinct days per " + keyField, PerKey.combine(new DaysFn()))
        .apply("To rows", ParDo.of(new ToRowFn(out)))
        .setRowSchema(out);
  }

  private static void checkField(Schema schema, String field, boolean nullable) {
    checkArgument(schema.hasField(field), "no field '%s' in %s", field, schema);
    FieldType type = schema.getField(field).getType();
    checkArgument(type.getTypeName() == Schema.TypeName.STRING && (nullable || !type.getNullable()),
        "field '%s' must be a%s STRING, is %s", field, nullable ? "" : " non-nullable", type);
  }

  private static final class KeyFn extends DoFn<Row, KV<String, KV<String, String>>> {
    private final int key;
    private final int day;
    private final int name;

    KeyFn(int key, int day, int name) {
      this.key = key;
      this.day = day;
      this.name = name;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, KV<String, String>>> out) {
      out.output(KV.of(row.getString(key), KV.of(row.getString(day), row.getString(name))));
    }
  }

  private static final class ToRowFn extends DoFn<KV<String, Days>, Row> {
    private final Schema out;

    ToRowFn(Schema out) {
      this.out = out;
    }

    @ProcessElement
    public void process(@Element KV<String, Days> kv, OutputReceiver<Row> o) {
      Days d = kv.getValue();
      o.output(Row.withSchema(out).attachValues(
          kv.getKey(), d.lastName, (long) d.days.size(), d.firstDay(), d.lastDay));
    }
  }

  /** The accumulator: the distinct days, and the name of the last day. */
  static final class Days {
    final Set<String> days;
    @Nullable String lastDay;
    @Nullable String lastName;

    Days(Set<String> days, @Nullable String lastDay, @Nullable String lastName) {
      this.days = days;
      this.lastDay = lastDay;
      this.lastName = lastName;
    }

    void add(String day, @Nullable String name) {
      days.add(day);
      int byDay = lastDay == null ? 1 : day.compareTo(lastDay);
      if (byDay > 0 || (byDay == 0 && betterName(name, lastName))) {
        lastDay = day;
        lastName = name;
      }
    }

    /** Same day: a name beats null, and the smaller name by code point beats a larger one. */
    private static boolean betterName(@Nullable String candidate, @Nullable String current) {
      if (candidate == null || current == null) {
        return current == null && candidate != null;
      }
      return Values.compareCodePoints(candidate, current) < 0;
    }

    @Nullable String firstDay() {
      String first = null;
      for (String day : days) {
        if (first == null || day.compareTo(first) < 0) {
          first = day;
        }
      }
      return first;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      if (!(other instanceof Days)) {
        return false;
      }
      Days d = (Days) other;
      return d.days.equals(days) && Objects.equals(d.lastDay, lastDay) && Objects.equals(d.lastName, lastName);
    }

    @Override
    public int hashCode() {
      return Objects.hash(days, lastDay, lastName);
    }

    @Override
    public String toString() {
      return "Days{" + days + ", last " + lastDay + " " + lastName + "}";
    }
  }

  /** Distinct days per key; package-private for unit tests of the merge rules. */
  static final class DaysFn extends Combine.CombineFn<KV<String, String>, Days, Days> {
    private static final long serialVersionUID = 1L;

    @Override
    public Days createAccumulator() {
      return new Days(new HashSet<>(), null, null);
    }

    @Override
    public Days addInput(Days acc, KV<String, String> dayAndName) {
      acc.add(dayAndName.getKey(), dayAndName.getValue());
      return acc;
    }

    @Override
    public Days mergeAccumulators(Iterable<Days> accs) {
      Days merged = createAccumulator();
      for (Days acc : accs) {
        merged.days.addAll(acc.days);
        if (acc.lastDay != null) {
          merged.add(acc.lastDay, acc.lastName);
        }
      }
      return merged;
    }

    @Override
    public Days extractOutput(Days acc) {
      return acc;
    }

    @Override
    public Coder<Days> getAccumulatorCoder(CoderRegistry registry, Coder<KV<String, String>> inputCoder) {
      return DaysCoder.INSTANCE;
    }

    @Override
    public Coder<Days> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<String, String>> inputCoder) {
      return DaysCoder.INSTANCE;
    }
  }

  private static final class DaysCoder extends CustomCoder<Days> {
    private static final long serialVersionUID = 1L;
    static final DaysCoder INSTANCE = new DaysCoder();
    private static final Coder<String> STRING = StringUtf8Coder.of();
    private static final Coder<String> NULLABLE = NullableCoder.of(StringUtf8Coder.of());
    private static final Coder<Integer> INT = VarIntCoder.of();

    @Override
    public void encode(Days d, OutputStream out) throws IOException {
      INT.encode(d.days.size(), out);
      for (String day : d.days) {
        STRING.encode(day, out);
      }
      NULLABLE.encode(d.lastDay, out);
      NULLABLE.encode(d.lastName, out);
    }

    @Override
    public Days decode(InputStream in) throws IOException {
      int n = INT.decode(in);
      Set<String> days = new HashSet<>(Math.max(4, n * 2));
      for (int i = 0; i < n; i++) {
        days.add(STRING.decode(in));
      }
      return new Days(days, NULLABLE.decode(in), NULLABLE.decode(in));
    }
  }
}
