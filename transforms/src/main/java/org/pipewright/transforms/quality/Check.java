package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * One data-quality check, declared in code and run by {@link QualityChecks} with a {@link
 * Severity}. Each check measures one number with a combiner (never by grouping the whole table
 * under one key) and turns it into exactly one {@link QualityResult} row.
 *
 * <pre>{@code
 * Check.rowCount(1, Long.MAX_VALUE)           // row_count
 * Check.notNull("order_id")                   // not_null(order_id)
 * Check.unique("order_id")                    // unique(order_id); several columns: unique(a, b)
 * Check.inRange("amount", 0, 1_000_000)       // in_range(amount), inclusive, numeric columns
 * Check.inSet("currency", "EUR", "USD")       // in_set(currency)
 * Check.deadLetterRatio(deadLetters, 0.05)    // dead_letter_ratio
 * }</pre>
 *
 * <p>{@code in_range} and {@code in_set} ignore null values: whether a value may be missing is
 * {@code not_null}'s question. A column a check names must exist in the table's schema; otherwise
 * the pipeline fails at construction, not at run time.
 *
 * <p>New kinds of checks extend this class: implement {@link #name()} and {@link #evaluate}, and
 * usually measure one {@code PCollection<Long>} and hand it to {@link #judge}. A check may hold
 * other {@code PCollection}s of the same pipeline (as {@link #deadLetterRatio} does), which is how a
 * check against a second table fits in.
 */
public abstract class Check {

  /** For subclasses. */
  protected Check() {}

  /** The check's name in results, with its column(s), e.g. {@code not_null(order_id)}. */
  public abstract String name();

  /**
   * Adds the steps that compute this check on {@code rows} (a bounded table in the global window)
   * and returns exactly one row of {@link QualityResult#SCHEMA}. Called inside a composite of its
   * own, so step names need only be unique within one check.
   */
  protected abstract PCollection<Row> evaluate(
      PCollection<Row> rows, String table, Severity severity);

  /**
   * Turns a measured number into the pass or fail of a check, and into text for the result.
   *
   * <p>A verdict is shipped to the workers, so write it as a static nested or top-level class: an
   * anonymous class inside {@link #evaluate} would capture the enclosing {@code Check}, which is
   * construction-time configuration and not serializable.
   */
  public interface Verdict extends Serializable {
    /** Whether {@code observed} passes. */
    boolean passes(long observed);

    /** {@code observed} as the result's {@code observed} text. */
    String describe(long observed);

    /** The result's {@code expected} text. */
    String expected();
  }

  /**
   * Turns a one-element measurement into the check's result row, for use in {@link #evaluate}.
   */
  protected static PCollection<Row> judge(
      PCollection<Long> measurement, String table, String check, Severity severity, Verdict verdict) {
    return measurement
        .apply("Judge", MapElements.via(new JudgeFn(table, check, severity, verdict)))
        .setRowSchema(QualityResult.SCHEMA);
  }

  private static final class JudgeFn extends SimpleFunction<Long, Row> {
    private final String table;
    private final String check;
    private final Severity severity;
    private final Verdict verdict;

    JudgeFn(String table, String check, Severity severity, Verdict verdict) {
      this.table = table;
      this.check = check;
      this.severity = severity;
      this.verdict = verdict;
    }

    @Override
    public Row apply(Long observed) {
      return QualityResult.of(table, check, severity, verdict.passes(observed),
          verdict.describe(observed), verdict.expected());
    }
  }

  /** A verdict for counts of bad rows: passes at zero. */
  private static Verdict noneOf(String what) {
    return new NoneOf(what);
  }

  private static final class NoneOf implements Verdict {
    private final String what;

    NoneOf(String what) {
      this.what = what;
    }

    @Override
    public boolean passes(long observed) {
      return observed == 0;
    }

    @Override
    public String describe(long observed) {
      return rows(observed, what);
    }

    @Override
    public String expected() {
      return rows(0, what);
    }
  }

  /** A verdict for a count that must lie within inclusive bounds. */
  private static final class Between implements Verdict {
    private final long min;
    private final long max;

    Between(long min, long max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public boolean passes(long observed) {
      return min <= observed && observed <= max;
    }

    @Override
    public String describe(long observed) {
      return rows(observed, "");
    }

    @Override
    public String expected() {
      return max == Long.MAX_VALUE
          ? "at least " + rows(min, "")
          : "between " + min + " and " + rows(max, "");
    }
  }

  private static String rows(long n, String what) {
    return n + (n == 1 ? " row" : " rows") + (what.isEmpty() ? "" : " " + what);
  }

  /** How many of {@code rows} are {@code bad}, as one number (0 when there are none). */
  static PCollection<Long> countWhere(PCollection<Row> rows, String what, SerializableFunction<Row, Boolean> bad) {
    return rows
        .apply("Flag " + what, MapElements.into(TypeDescriptors.longs()).via((Row row) -> bad.apply(row) ? 1L : 0L))
        .apply("Count " + what, Sum.longsGlobally());
  }

  private static int columnIndex(Schema schema, String column) {
    checkArgument(schema.hasField(column), "column '%s' is not in schema %s", column, schema);
    return schema.indexOf(column);
  }

  // ---------------------------------------------------------------------------------------------
  // row_count

  /** The table has between {@code min} and {@code max} rows, inclusive. */
  public static Check rowCount(long min, long max) {
    checkArgument(0 <= min && min <= max, "need 0 <= min <= max, got [%s, %s]", min, max);
    return new RowCount(min, max);
  }

  private static final class RowCount extends Check {
    private final long min;
    private final long max;

    RowCount(long min, long max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public String name() {
      return "row_count";
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      return judge(rows.apply("Count rows", Count.globally()), table, name(), severity,
          new Between(min, max));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // not_null

  /** Every row has a value in {@code column}. */
  public static Check notNull(String column) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    return new NotNull(column);
  }

  private static final class NotNull extends Check {
    private final String column;

    NotNull(String column) {
      this.column = column;
    }

    @Override
    public String name() {
      return "not_null(" + column + ")";
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      int index = columnIndex(rows.getSchema(), column);
      PCollection<Long> nulls = countWhere(rows, "nulls", row -> row.getValue(index) == null);
      return judge(nulls, table, name(), severity, noneOf("with null " + column));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // unique

  /**
   * No two rows share the same values in {@code columns} (one column, or several forming the key).
   * The observation is the number of rows whose key an earlier row already had. Computed as a keyed
   * count per key (a combiner), then a global sum of the extra rows.
   */
  public static Check unique(String... columns) {
    checkArgument(columns != null && columns.length > 0, "unique needs at least one column");
    for (String column : columns) {
      checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    }
    return new Unique(List.of(columns));
  }

  private static final class Unique extends Check {
    private final List<String> columns;

    Unique(List<String> columns) {
      this.columns = columns;
    }

    @Override
    public String name() {
      return "unique(" + String.join(", ", columns) + ")";
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      Schema schema = rows.getSchema();
      Schema.Builder keySchema = Schema.builder();
      int[] indexes = new int[columns.size()];
      for (int i = 0; i < indexes.length; i++) {
        indexes[i] = columnIndex(schema, columns.get(i));
        keySchema.addField(schema.getField(indexes[i]));
      }
      Schema key = keySchema.build();
      PCollection<Long> duplicates =
          rows.apply("Project key", MapElements.into(TypeDescriptors.rows())
                  .via((Row row) -> {
                    Object[] values = new Object[indexes.length];
                    for (int i = 0; i < indexes.length; i++) {
                      values[i] = row.getValue(indexes[i]);
                    }
                    return Row.withSchema(key).attachValues(values);
                  }))
              .setRowSchema(key)
              .apply("Count per key", Count.perElement())
              .apply("Extra rows per key", MapElements.into(TypeDescriptors.longs())
                  .via((KV<Row, Long> counted) -> counted.getValue() - 1))
              .apply("Sum extra rows", Sum.longsGlobally());
      return judge(duplicates, table, name(), severity, noneOf("with a duplicate key"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // in_range

  /**
   * Every non-null value of the numeric {@code column} is within {@code [min, max]}, bounds
   * included. {@code DECIMAL} columns are compared exactly, floating-point columns as doubles (NaN
   * is out of range).
   */
  public static Check inRange(String column, Number min, Number max) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    BigDecimal low = new BigDecimal(checkNotNull(min, "min").toString());
    BigDecimal high = new BigDecimal(checkNotNull(max, "max").toString());
    checkArgument(low.compareTo(high) <= 0, "need min <= max, got [%s, %s]", min, max);
    return new InRange(column, low, high);
  }

  private static final class InRange extends Check {
    private final String column;
    private final BigDecimal min;
    private final BigDecimal max;

    InRange(String column, BigDecimal min, BigDecimal max) {
      this.column = column;
      this.min = min;
      this.max = max;
    }

    @Override
    public String name() {
      return "in_range(" + column + ")";
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      int index = columnIndex(rows.getSchema(), column);
      Schema.TypeName type = rows.getSchema().getField(index).getType().getTypeName();
      checkArgument(type.isNumericType(), "in_range needs a numeric column; '%s' is %s", column, type);
      BigDecimal min = this.min;
      BigDecimal max = this.max;
      double minD = min.doubleValue();
      double maxD = max.doubleValue();
      PCollection<Long> outside = countWhere(rows, "out of range", row -> {
        Object value = row.getValue(index);
        if (value == null) {
          return false;
        }
        boolean inside;
        if (value instanceof Double || value instanceof Float) {
          double d = ((Number) value).doubleValue();
          inside = d >= minD && d <= maxD;
        } else {
          BigDecimal v = value instanceof BigDecimal
              ? (BigDecimal) value : BigDecimal.valueOf(((Number) value).longValue());
          inside = v.compareTo(min) >= 0 && v.compareTo(max) <= 0;
        }
        return !inside;
      });
      String range = "[" + min.toPlainString() + ", " + max.toPlainString() + "]";
      return judge(outside, table, name(), severity, noneOf("outside " + range));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // in_set

  /** Every non-null value of {@code column}, as text, is one of {@code values}. */
  public static Check inSet(String column, String... values) {
    checkArgument(values != null, "values must not be null");
    return inSet(column, Arrays.asList(values));
  }

  /** Every non-null value of {@code column}, as text, is one of {@code values}. */
  public static Check inSet(String column, Collection<String> values) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    checkArgument(values != null && !values.isEmpty(), "in_set needs at least one value");
    return new InSet(column, new TreeSet<>(values));
  }

  private static final class InSet extends Check {
    private final String column;
    private final TreeSet<String> values;

    InSet(String column, TreeSet<String> values) {
      this.column = column;
      this.values = values;
    }

    @Override
    public String name() {
      return "in_set(" + column + ")";
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      int index = columnIndex(rows.getSchema(), column);
      Set<String> allowed = Set.copyOf(values);
      PCollection<Long> outside = countWhere(rows, "not in set", row -> {
        Object value = row.getValue(index);
        return value != null && !allowed.contains(value.toString());
      });
      return judge(outside, table, name(), severity,
          noneOf("not in {" + String.join(", ", values) + "}"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // dead_letter_ratio

  /**
   * The share of dead letters among all records of the table, {@code deadLetters / (rows +
   * deadLetters)}, is at most {@code maxRatio}; the checked rows are the table's clean records (for
   * example {@code CleanResult.output()}) and {@code deadLetters} the records its cleaning refused.
   * No records at all is a ratio of 0.
   */
  public static Check deadLetterRatio(PCollection<Row> deadLetters, double maxRatio) {
    checkNotNull(deadLetters, "deadLetters");
    checkRatio(maxRatio);
    return new DeadLetterRatio(deadLetters, null, maxRatio);
  }

  /**
   * Like {@link #deadLetterRatio(PCollection, double)}, given the number of dead letters as a
   * one-element {@code PCollection} (for example from {@code Count.globally()}).
   */
  public static Check deadLetterRatioOfCount(PCollection<Long> deadLetterCount, double maxRatio) {
    checkNotNull(deadLetterCount, "deadLetterCount");
    checkRatio(maxRatio);
    return new DeadLetterRatio(null, deadLetterCount, maxRatio);
  }

  static void checkRatio(double ratio) {
    checkArgument(ratio >= 0 && ratio <= 1, "a ratio must be within [0, 1], got %s", ratio);
  }

  static final class DeadLetterRatio extends Check {
    private final PCollection<Row> deadLetters;
    private final PCollection<Long> deadLetterCount;
    private final double maxRatio;

    DeadLetterRatio(PCollection<Row> deadLetters, PCollection<Long> deadLetterCount, double maxRatio) {
      this.deadLetters = deadLetters;
      this.deadLetterCount = deadLetterCount;
      this.maxRatio = maxRatio;
    }

    @Override
    public String name() {
      return "dead_letter_ratio";
    }

    static Row result(String table, Severity severity, long clean, long dead, double maxRatio) {
      long total = clean + dead;
      double ratio = total == 0 ? 0 : (double) dead / total;
      return QualityResult.of(table, "dead_letter_ratio", severity, ratio <= maxRatio,
          String.format(Locale.ROOT, "%.4f (%d of %d records)", ratio, dead, total),
          String.format(Locale.ROOT, "at most %.4f", maxRatio));
    }

    @Override
    protected PCollection<Row> evaluate(PCollection<Row> rows, String table, Severity severity) {
      PCollection<Long> dead = deadLetterCount != null
          ? deadLetterCount : deadLetters.apply("Count dead letters", Count.globally());
      KvCoder<Long, Long> pairCoder = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
      // Two one-element counts meet in a global combine of (clean, dead) pairs: no side input and no
      // grouping of the table itself.
      PCollection<KV<Long, Long>> cleanPair = rows.apply("Count rows", Count.globally())
          .apply("As clean", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
              .via((Long n) -> KV.of(n, 0L)))
          .setCoder(pairCoder);
      PCollection<KV<Long, Long>> deadPair = dead
          .apply("As dead", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
              .via((Long n) -> KV.of(0L, n)))
          .setCoder(pairCoder);
      double maxRatio = this.maxRatio;
      return PCollectionList.of(cleanPair).and(deadPair)
          .apply("Both counts", Flatten.pCollections())
          .apply("Add counts", Combine.globally(new AddPairs()))
          .apply("Judge", MapElements.into(TypeDescriptors.rows())
              .via((KV<Long, Long> counts) ->
                  result(table, severity, counts.getKey(), counts.getValue(), maxRatio)))
          .setRowSchema(QualityResult.SCHEMA);
    }
  }

  private static final class AddPairs implements SerializableFunction<Iterable<KV<Long, Long>>, KV<Long, Long>> {
    @Override
    public KV<Long, Long> apply(Iterable<KV<Long, Long>> pairs) {
      long clean = 0;
      long dead = 0;
      for (KV<Long, Long> pair : pairs) {
        clean += pair.getKey();
        dead += pair.getValue();
      }
      return KV.of(clean, dead);
    }
  }
}
