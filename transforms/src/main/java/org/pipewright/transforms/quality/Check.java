package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.util.VarInt;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pipewright.transforms.internal.PerKey;

/**
 * One data-quality check, declared in code for a table with {@link QualityChecks#on}. A check is
 * {@code error} by default ({@link #warn()} makes it a warning) and yields one {@link
 * QualityResult} row (two for {@link #deadLetterRatio}, one per threshold).
 *
 * <pre>{@code
 * Check.rowCount().atLeast(1)                          // row_count
 * Check.notNull("movie_id", "title")                   // not_null(movie_id, title)
 * Check.unique("movie_id")                             // unique(movie_id)
 * Check.inRange("rating", 0.5, 5.0)                    // in_range(rating, 0.5..5.0)
 * Check.inRange("budget", 0, null)                     // in_range(budget, 0..)
 * Check.inSet("kind", "a", "b").warn()                 // in_set(kind, {a, b})
 * Check.references("movie_id", "movies", "movie_id")   // references(movie_id -> movies.movie_id)
 * Check.deadLetterRatio("ratings_dead")                // dead_letter_ratio <= 1% (warn),
 *                                                      // dead_letter_ratio <= 5% (error)
 * }</pre>
 *
 * <p>Row checks observe "{@code bad} of {@code total} rows" and expect {@code 0}. {@code in_range},
 * {@code in_set}, {@code unique} and {@code references} skip null values (a row whose key has a
 * null is never a duplicate nor a dangling reference): whether a value may be missing is {@code
 * not_null}'s question. A column a check names must exist; otherwise the pipeline fails at
 * construction, not at run time.
 *
 * <p>Built for volume: {@code row_count}, {@code not_null}, {@code in_range}, {@code in_set} and
 * the read side of {@code dead_letter_ratio} of one table share a single pass over it (one
 * combiner); {@code unique} and {@code references} count per key value (a keyed combine) and then
 * sum, never grouping a table under one key nor holding one in a side input. Every check yields its
 * row for an empty table.
 */
public abstract class Check {
  private final Severity severity;

  Check(Severity severity) {
    this.severity = checkNotNull(severity, "severity");
  }

  /** The check's name in results, with its arguments, e.g. {@code not_null(title)}. */
  public abstract String name();

  /** The severity of a failure. */
  public final Severity severity() {
    return severity;
  }

  /** Returns a copy whose failure is only a warning. */
  public final Check warn() {
    return withSeverity(Severity.WARN);
  }

  /** Returns a copy whose failure fails the run (the default). */
  public final Check error() {
    return withSeverity(Severity.ERROR);
  }

  abstract Check withSeverity(Severity severity);

  /** The names of the other inputs this check reads, besides its own table. */
  List<String> otherInputs() {
    return List.of();
  }

  /** The names of the result rows this check yields (one per row, unique within a table). */
  List<String> resultNames() {
    return List.of(name());
  }

  /**
   * Adds the steps that compute this check on {@code rows}, the table {@code table} of {@code
   * inputs} (bounded, in the global window), and returns its result rows.
   */
  abstract PCollection<Row> evaluate(
      PCollection<Row> rows, PCollectionTuple inputs, String pipeline, String table);

  // ---------------------------------------------------------------------------------------------
  // shared measuring

  private static final KvCoder<Long, Long> PAIR = KvCoder.of(VarLongCoder.of(), VarLongCoder.of());
  private static final TypeDescriptor<KV<Long, Long>> PAIR_TYPE =
      TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs());

  /** Adds (bad, total) pairs; the identity makes an empty input yield (0, 0). */
  static final class SumPairs extends Combine.BinaryCombineFn<KV<Long, Long>> {
    @Override
    public KV<Long, Long> apply(KV<Long, Long> left, KV<Long, Long> right) {
      return KV.of(left.getKey() + right.getKey(), left.getValue() + right.getValue());
    }

    @Override
    public KV<Long, Long> identity() {
      return KV.of(0L, 0L);
    }
  }

  /** Sums (bad, total) pairs into one pair. */
  private static PCollection<KV<Long, Long>> sum(PCollection<KV<Long, Long>> pairs, String name) {
    return pairs.setCoder(PAIR).apply(name, Combine.globally(new SumPairs())).setCoder(PAIR);
  }

  /**
   * A check computed from two counts over its own table: its rows and, with a {@link #badRow}
   * test, its bad rows. {@link QualityChecks} counts them for all such checks of a table in one
   * pass ({@link Counter}): every pass is one more consumer of the table, which on Flink means one
   * more serialized copy of every row (a profile of PinterestBatch showed each costing ~2 % of the
   * run).
   */
  abstract static class Tallied extends Check {
    Tallied(Severity severity) {
      super(severity);
    }

    /** The bad-row test for rows of {@code schema}, or null when the row count is all the check needs. */
    abstract SerializableFunction<Row, Boolean> badRow(Schema schema);

    /**
     * The result rows from the table's (bad rows, rows) pair; {@code rowCounts} holds the row count
     * of every {@link #otherInputs() other input} the check reads.
     */
    abstract PCollection<Row> judge(PCollection<KV<Long, Long>> counts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table);

    @Override
    final PCollection<Row> evaluate(PCollection<Row> rows, PCollectionTuple inputs, String pipeline, String table) {
      throw new IllegalStateException(name() + " is counted by QualityChecks with the other checks of " + table);
    }
  }

  /**
   * The combiner of the one pass over a table of {@code schema} for its tallied {@code checks};
   * sets {@code slots[i]} to where check i's bad-row count is in the output (-1: it has none).
   */
  static Counter counter(Schema schema, List<Tallied> checks, int[] slots) {
    List<SerializableFunction<Row, Boolean>> tests = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      SerializableFunction<Row, Boolean> test = checks.get(i).badRow(schema);
      if (test != null) {
        tests.add(test);
      }
      slots[i] = test == null ? -1 : tests.size();
    }
    return new Counter(tests);
  }

  /** Check i's (bad rows, rows) pair from its table's tally, where {@code slot} is from {@link #counter}. */
  static PCollection<KV<Long, Long>> pair(PCollection<long[]> counts, int slot, String name) {
    return counts.apply(name, MapElements.into(PAIR_TYPE).via((long[] c) -> KV.of(slot < 0 ? 0L : c[slot], c[0])))
        .setCoder(PAIR);
  }

  /** Counts rows and, per test, the rows it finds bad: {rows, bad by test 1, ..., bad by test n}. */
  static final class Counter extends Combine.CombineFn<Row, long[], long[]> {
    private final List<SerializableFunction<Row, Boolean>> tests;

    Counter(List<SerializableFunction<Row, Boolean>> tests) {
      this.tests = List.copyOf(tests);
    }

    @Override
    public long[] createAccumulator() {
      return new long[tests.size() + 1];
    }

    @Override
    public long[] addInput(long[] counts, Row row) {
      counts[0]++;
      for (int i = 0; i < tests.size(); i++) {
        if (tests.get(i).apply(row)) {
          counts[i + 1]++;
        }
      }
      return counts;
    }

    @Override
    public long[] mergeAccumulators(Iterable<long[]> accumulators) {
      long[] merged = createAccumulator();
      for (long[] counts : accumulators) {
        for (int i = 0; i < merged.length; i++) {
          merged[i] += counts[i];
        }
      }
      return merged;
    }

    @Override
    public long[] extractOutput(long[] counts) {
      return counts;
    }

    @Override
    public Coder<long[]> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return LongsCoder.INSTANCE;
    }

    @Override
    public Coder<long[]> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return LongsCoder.INSTANCE;
    }
  }

  /** A {@code long[]}: its length, then each value, as variable-length integers. */
  static final class LongsCoder extends AtomicCoder<long[]> {
    static final LongsCoder INSTANCE = new LongsCoder();

    @Override
    public void encode(long[] values, OutputStream out) throws IOException {
      VarInt.encode(values.length, out);
      for (long value : values) {
        VarInt.encode(value, out);
      }
    }

    @Override
    public long[] decode(InputStream in) throws IOException {
      long[] values = new long[VarInt.decodeInt(in)];
      for (int i = 0; i < values.length; i++) {
        values[i] = VarInt.decodeLong(in);
      }
      return values;
    }

    @Override
    public void verifyDeterministic() {
      // the encoding is a function of the values alone
    }
  }

  /** Turns a (bad, total) pair into the result row of a check that passes at zero bad rows. */
  private static final class NoBadRows extends SimpleFunction<KV<Long, Long>, Row> {
    private final String pipeline;
    private final String table;
    private final String check;
    private final Severity severity;

    NoBadRows(String pipeline, String table, String check, Severity severity) {
      this.pipeline = pipeline;
      this.table = table;
      this.check = check;
      this.severity = severity;
    }

    @Override
    public Row apply(KV<Long, Long> counts) {
      long bad = counts.getKey();
      return QualityResult.of(pipeline, table, check, severity, bad == 0,
          bad + " of " + rows(counts.getValue()), "0");
    }
  }

  final PCollection<Row> judgeBadRows(PCollection<KV<Long, Long>> counts, String pipeline, String table) {
    return counts.apply("Judge", MapElements.via(new NoBadRows(pipeline, table, name(), severity)))
        .setRowSchema(QualityResult.SCHEMA);
  }

  static String rows(long n) {
    return n + (n == 1 ? " row" : " rows");
  }

  private static int columnIndex(Schema schema, String column) {
    checkArgument(schema.hasField(column), "column '%s' is not in schema %s", column, schema);
    return schema.indexOf(column);
  }

  private static List<String> columns(String... columns) {
    checkArgument(columns != null && columns.length > 0, "need at least one column");
    for (String column : columns) {
      checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    }
    return List.of(columns);
  }

  private static int[] indexes(Schema schema, List<String> columns) {
    int[] indexes = new int[columns.size()];
    for (int i = 0; i < indexes.length; i++) {
      indexes[i] = columnIndex(schema, columns.get(i));
    }
    return indexes;
  }

  // ---------------------------------------------------------------------------------------------
  // row_count

  /** The table's row count, within bounds set with {@link RowCount#atLeast}/{@link RowCount#atMost}. */
  public static RowCount rowCount() {
    return new RowCount(Severity.ERROR, 0, Long.MAX_VALUE);
  }

  /**
   * {@code row_count}: the table has between {@link #atLeast} and {@link #atMost} rows, inclusive;
   * observed {@code "12 rows"}, expected {@code ">= 1"}, {@code "<= 10"} or {@code "1..10"}.
   */
  public static final class RowCount extends Tallied {
    private final long min;
    private final long max;

    private RowCount(Severity severity, long min, long max) {
      super(severity);
      this.min = min;
      this.max = max;
    }

    /** Returns a copy that needs at least {@code min} rows. */
    public RowCount atLeast(long min) {
      checkArgument(0 <= min && min <= max, "need 0 <= min <= max, got [%s, %s]", min, max);
      return new RowCount(severity(), min, max);
    }

    /** Returns a copy that allows at most {@code max} rows. */
    public RowCount atMost(long max) {
      checkArgument(min <= max, "need min <= max, got [%s, %s]", min, max);
      return new RowCount(severity(), min, max);
    }

    @Override
    public String name() {
      return "row_count";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new RowCount(severity, min, max);
    }

    String expected() {
      if (max == Long.MAX_VALUE) {
        return min == 0 ? "any" : ">= " + min;
      }
      return min == 0 ? "<= " + max : min + ".." + max;
    }

    @Override
    SerializableFunction<Row, Boolean> badRow(Schema schema) {
      return null;
    }

    @Override
    PCollection<Row> judge(PCollection<KV<Long, Long>> counts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table) {
      long min = this.min;
      long max = this.max;
      String expected = expected();
      Severity severity = severity();
      return counts
          .apply("Judge", MapElements.into(TypeDescriptors.rows()).via((KV<Long, Long> c) -> {
            long n = c.getValue();
            return QualityResult.of(pipeline, table, "row_count", severity, min <= n && n <= max, rows(n), expected);
          }))
          .setRowSchema(QualityResult.SCHEMA);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // not_null

  /** {@code not_null(a, b)}: no row has a null in any of {@code columns}. */
  public static Check notNull(String... columns) {
    return new NotNull(Severity.ERROR, columns(columns));
  }

  private static final class NotNull extends Tallied {
    private final List<String> columns;

    NotNull(Severity severity, List<String> columns) {
      super(severity);
      this.columns = columns;
    }

    @Override
    public String name() {
      return "not_null(" + String.join(", ", columns) + ")";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new NotNull(severity, columns);
    }

    @Override
    SerializableFunction<Row, Boolean> badRow(Schema schema) {
      int[] indexes = indexes(schema, columns);
      return row -> hasNull(row, indexes);
    }

    @Override
    PCollection<Row> judge(PCollection<KV<Long, Long>> counts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table) {
      return judgeBadRows(counts, pipeline, table);
    }
  }

  private static boolean hasNull(Row row, int[] indexes) {
    for (int index : indexes) {
      if (row.getValue(index) == null) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // unique

  /**
   * {@code unique(a, b)}: no two rows share the same values in {@code columns} (one column, or
   * several forming the key). The observation is the number of rows whose key an earlier row
   * already had; rows with a null in the key are skipped. The key's columns must have
   * deterministically encoded types (not floating point).
   */
  public static Check unique(String... columns) {
    return new Unique(Severity.ERROR, columns(columns));
  }

  private static final class Unique extends Check {
    private final List<String> columns;

    Unique(Severity severity, List<String> columns) {
      super(severity);
      this.columns = columns;
    }

    @Override
    public String name() {
      return "unique(" + String.join(", ", columns) + ")";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new Unique(severity, columns);
    }

    @Override
    PCollection<Row> evaluate(PCollection<Row> rows, PCollectionTuple inputs, String pipeline, String table) {
      Schema schema = rows.getSchema();
      int[] indexes = indexes(schema, columns);
      Schema.Builder keyFields = Schema.builder();
      for (int index : indexes) {
        keyFields.addField(schema.getField(index).withNullable(true));
      }
      Schema key = keyFields.build();
      PCollection<KV<Row, Long>> perKey = rows
          .apply("Project key", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.rows(), TypeDescriptors.voids()))
              .via((Row row) -> KV.of(project(row, indexes, key), (Void) null)))
          .setCoder(KvCoder.of(RowCoder.of(key), VoidCoder.of()))
          .apply("Count per key", PerKey.count());
      PCollection<KV<Long, Long>> extra = perKey.apply("Extra rows per key", MapElements.into(PAIR_TYPE)
          .via((KV<Row, Long> counted) -> {
            long n = counted.getValue();
            return KV.of(counted.getKey().getValues().contains(null) ? 0L : n - 1, n);
          }));
      return judgeBadRows(sum(extra, "Sum extra rows"), pipeline, table);
    }
  }

  private static Row project(Row row, int[] indexes, Schema key) {
    Object[] values = new Object[indexes.length];
    for (int i = 0; i < indexes.length; i++) {
      values[i] = row.getValue(indexes[i]);
    }
    return Row.withSchema(key).attachValues(values);
  }

  // ---------------------------------------------------------------------------------------------
  // in_range

  /**
   * {@code in_range(rating, 0.5..5.0)}: every non-null value of the numeric {@code column} is
   * within {@code [min, max]}, bounds included; a null bound is open ({@code in_range(budget,
   * 0..)}), not both. {@code DECIMAL} and integer columns are compared exactly, floating-point
   * columns as doubles (NaN is out of range).
   */
  public static Check inRange(String column, Number min, Number max) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    checkArgument(min != null || max != null, "in_range needs at least one bound");
    BigDecimal low = min == null ? null : new BigDecimal(min.toString());
    BigDecimal high = max == null ? null : new BigDecimal(max.toString());
    checkArgument(low == null || high == null || low.compareTo(high) <= 0,
        "need min <= max, got [%s, %s]", min, max);
    return new InRange(Severity.ERROR, column, low, high);
  }

  private static final class InRange extends Tallied {
    private final String column;
    private final BigDecimal min;
    private final BigDecimal max;

    InRange(Severity severity, String column, BigDecimal min, BigDecimal max) {
      super(severity);
      this.column = column;
      this.min = min;
      this.max = max;
    }

    @Override
    public String name() {
      return "in_range(" + column + ", " + (min == null ? "" : min.toPlainString()) + ".."
          + (max == null ? "" : max.toPlainString()) + ")";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new InRange(severity, column, min, max);
    }

    @Override
    PCollection<Row> judge(PCollection<KV<Long, Long>> counts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table) {
      return judgeBadRows(counts, pipeline, table);
    }

    @Override
    SerializableFunction<Row, Boolean> badRow(Schema schema) {
      int index = columnIndex(schema, column);
      Schema.TypeName type = schema.getField(index).getType().getTypeName();
      checkArgument(type.isNumericType(), "in_range needs a numeric column; '%s' is %s", column, type);
      BigDecimal min = this.min;
      BigDecimal max = this.max;
      double minD = min == null ? Double.NEGATIVE_INFINITY : min.doubleValue();
      double maxD = max == null ? Double.POSITIVE_INFINITY : max.doubleValue();
      return row -> {
        Object value = row.getValue(index);
        if (value == null) {
          return false;
        }
        if (value instanceof Double || value instanceof Float) {
          double d = ((Number) value).doubleValue();
          return !(d >= minD && d <= maxD);
        }
        BigDecimal v = value instanceof BigDecimal
            ? (BigDecimal) value : BigDecimal.valueOf(((Number) value).longValue());
        return (min != null && v.compareTo(min) < 0) || (max != null && v.compareTo(max) > 0);
      };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // in_set

  /** {@code in_set(kind, {a, b})}: every non-null value of {@code column}, as text, is one of {@code values}. */
  public static Check inSet(String column, String... values) {
    checkArgument(values != null, "values must not be null");
    return inSet(column, Arrays.asList(values));
  }

  /** {@code in_set(kind, {a, b})}: every non-null value of {@code column}, as text, is one of {@code values}. */
  public static Check inSet(String column, Collection<String> values) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    checkArgument(values != null && !values.isEmpty(), "in_set needs at least one value");
    checkArgument(!values.contains(null), "in_set values must not be null");
    return new InSet(Severity.ERROR, column, List.copyOf(new TreeSet<>(values)));
  }

  private static final class InSet extends Tallied {
    private final String column;
    private final List<String> values;

    InSet(Severity severity, String column, List<String> values) {
      super(severity);
      this.column = column;
      this.values = values;
    }

    @Override
    public String name() {
      return "in_set(" + column + ", {" + String.join(", ", values) + "})";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new InSet(severity, column, values);
    }

    @Override
    SerializableFunction<Row, Boolean> badRow(Schema schema) {
      int index = columnIndex(schema, column);
      Set<String> allowed = Set.copyOf(values);
      return row -> {
        Object value = row.getValue(index);
        return value != null && !allowed.contains(value.toString());
      };
    }

    @Override
    PCollection<Row> judge(PCollection<KV<Long, Long>> counts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table) {
      return judgeBadRows(counts, pipeline, table);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // references

  /**
   * {@code references(movie_id -> movies.movie_id)}: every non-null value of {@code column} is a
   * value of {@code keyColumn} in the input named {@code otherTable} (of the same type). Computed
   * as a keyed combine over both tables (a join by value), never as a side input.
   */
  public static Check references(String column, String otherTable, String keyColumn) {
    checkArgument(column != null && !column.isEmpty(), "column must not be empty");
    checkArgument(otherTable != null && !otherTable.isEmpty(), "otherTable must not be empty");
    checkArgument(keyColumn != null && !keyColumn.isEmpty(), "keyColumn must not be empty");
    return new References(Severity.ERROR, column, otherTable, keyColumn);
  }

  private static final class References extends Check {
    private final String column;
    private final String otherTable;
    private final String keyColumn;

    References(Severity severity, String column, String otherTable, String keyColumn) {
      super(severity);
      this.column = column;
      this.otherTable = otherTable;
      this.keyColumn = keyColumn;
    }

    @Override
    public String name() {
      return "references(" + column + " -> " + otherTable + "." + keyColumn + ")";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new References(severity, column, otherTable, keyColumn);
    }

    @Override
    List<String> otherInputs() {
      return List.of(otherTable);
    }

    @Override
    PCollection<Row> evaluate(PCollection<Row> rows, PCollectionTuple inputs, String pipeline, String table) {
      PCollection<Row> other = inputs.get(otherTable);
      int index = columnIndex(rows.getSchema(), column);
      int keyIndex = columnIndex(other.getSchema(), keyColumn);
      Schema.FieldType type = rows.getSchema().getField(index).getType();
      Schema.FieldType keyType = other.getSchema().getField(keyIndex).getType();
      checkArgument(type.withNullable(false).equals(keyType.withNullable(false)),
          "%s: %s.%s is %s but %s.%s is %s", name(), table, column, type, otherTable, keyColumn, keyType);
      // Both sides use one key schema, so equal values make equal keys.
      Schema key = Schema.builder().addField("key", type.withNullable(true)).build();
      KvCoder<Row, KV<Long, Long>> keyed = KvCoder.of(RowCoder.of(key), PAIR);
      TypeDescriptor<KV<Row, KV<Long, Long>>> keyedType =
          TypeDescriptors.kvs(TypeDescriptors.rows(), PAIR_TYPE);
      // (references, present) per value: the referencing rows count, the key table marks presence.
      PCollection<KV<Row, KV<Long, Long>>> referencing = rows.apply("Key references",
          MapElements.into(keyedType).via((Row row) ->
              KV.of(Row.withSchema(key).addValue(row.getValue(index)).build(), KV.of(1L, 0L))))
          .setCoder(keyed);
      PCollection<KV<Row, KV<Long, Long>>> referenced = other.apply("Key " + otherTable,
          MapElements.into(keyedType).via((Row row) ->
              KV.of(Row.withSchema(key).addValue(row.getValue(keyIndex)).build(), KV.of(0L, 1L))))
          .setCoder(keyed);
      PCollection<KV<Long, Long>> dangling = PCollectionList.of(referencing).and(referenced)
          .apply("Both tables", Flatten.pCollections())
          .apply("Count per value", PerKey.combine(new SumPairs()))
          .apply("Dangling per value", MapElements.into(PAIR_TYPE).via((KV<Row, KV<Long, Long>> counts) -> {
            long references = counts.getValue().getKey();
            boolean dangles = counts.getKey().getValue(0) != null && counts.getValue().getValue() == 0;
            return KV.of(dangles ? references : 0L, references);
          }));
      return judgeBadRows(sum(dangling, "Sum dangling"), pipeline, table);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // dead_letter_ratio

  /**
   * {@code dead_letter_ratio <= 1%} and {@code dead_letter_ratio <= 5%}: the rows of the input
   * named {@code deadLetters} divided by the rows of the checked table, which holds every record
   * read. Two results: a warning above 1 % and an error above 5 % by default (see {@link
   * DeadLetterRatio#withThresholds}); {@link #warn()} makes both warnings.
   */
  public static DeadLetterRatio deadLetterRatio(String deadLetters) {
    checkArgument(deadLetters != null && !deadLetters.isEmpty(), "deadLetters must not be empty");
    return new DeadLetterRatio(
        Severity.ERROR, deadLetters, new BigDecimal("0.01"), new BigDecimal("0.05"), false);
  }

  /**
   * The share of dead letters among the records read, judged against a warning and an error
   * threshold (a ratio at a threshold passes). Observed {@code "12 of 1000 records (1.2%)"}, expected
   * {@code "<= 1%"}; no records read and no dead letters is a ratio of 0.
   */
  public static final class DeadLetterRatio extends Tallied {
    private final String deadLetters;
    private final BigDecimal warnAbove;
    private final BigDecimal errorAbove;
    private final boolean tableIsOutput;

    private DeadLetterRatio(Severity severity, String deadLetters, BigDecimal warnAbove, BigDecimal errorAbove,
        boolean tableIsOutput) {
      super(severity);
      this.deadLetters = deadLetters;
      this.warnAbove = warnAbove;
      this.errorAbove = errorAbove;
      this.tableIsOutput = tableIsOutput;
    }

    /**
     * Returns a copy for a checked table that holds what got through (the output of the step that
     * refused the dead letters, before any de-duplication), not every record read: records read is
     * then its rows plus the dead letters ({@code CleanRecords} puts each record into exactly one of
     * the two). Saves counting the raw input, a costly extra consumer on some runners.
     */
    public DeadLetterRatio withTableAsOutput() {
      return new DeadLetterRatio(severity(), deadLetters, warnAbove, errorAbove, true);
    }

    /** Returns a copy with other thresholds, ratios within [0, 1], {@code warnAbove <= errorAbove}. */
    public DeadLetterRatio withThresholds(double warnAbove, double errorAbove) {
      checkArgument(warnAbove >= 0 && warnAbove <= 1 && errorAbove >= 0 && errorAbove <= 1,
          "thresholds must be within [0, 1], got %s and %s", warnAbove, errorAbove);
      checkArgument(warnAbove <= errorAbove,
          "warnAbove (%s) must not be above errorAbove (%s)", warnAbove, errorAbove);
      return new DeadLetterRatio(severity(), deadLetters,
          BigDecimal.valueOf(warnAbove), BigDecimal.valueOf(errorAbove), tableIsOutput);
    }

    @Override
    public String name() {
      return "dead_letter_ratio";
    }

    @Override
    Check withSeverity(Severity severity) {
      return new DeadLetterRatio(severity, deadLetters, warnAbove, errorAbove, tableIsOutput);
    }

    @Override
    List<String> otherInputs() {
      return List.of(deadLetters);
    }

    @Override
    List<String> resultNames() {
      return List.of(checkName(warnAbove), checkName(errorAbove));
    }

    private static String checkName(BigDecimal threshold) {
      return "dead_letter_ratio <= " + percent(threshold);
    }

    @Override
    SerializableFunction<Row, Boolean> badRow(Schema schema) {
      return null;
    }

    @Override
    PCollection<Row> judge(PCollection<KV<Long, Long>> tableCounts, Map<String, PCollection<Long>> rowCounts,
        String pipeline, String table) {
      // (dead, read) from two one-element counts, met in a global combine: no side input.
      PCollection<KV<Long, Long>> read = tableCounts
          .apply("As read", MapElements.into(PAIR_TYPE).via((KV<Long, Long> c) -> KV.of(0L, c.getValue())));
      boolean deadAreRead = tableIsOutput;
      PCollection<KV<Long, Long>> deadCount = rowCounts.get(deadLetters)
          .apply("As dead", MapElements.into(PAIR_TYPE).via((Long n) -> KV.of(n, deadAreRead ? n : 0L)));
      PCollection<KV<Long, Long>> counts = sum(
          PCollectionList.of(read.setCoder(PAIR)).and(deadCount.setCoder(PAIR))
              .apply("Both counts", Flatten.pCollections()), "Add counts");
      Severity errorSeverity = severity();
      return PCollectionList
          .of(counts.apply("Judge warning", MapElements.via(
              new RatioJudge(pipeline, table, Severity.WARN, warnAbove))).setRowSchema(QualityResult.SCHEMA))
          .and(counts.apply("Judge error", MapElements.via(
              new RatioJudge(pipeline, table, errorSeverity, errorAbove))).setRowSchema(QualityResult.SCHEMA))
          .apply("Results", Flatten.pCollections())
          .setRowSchema(QualityResult.SCHEMA);
    }

    /** Judges one (dead, read) pair against one threshold, exactly (no floating point). */
    static Row judge(String pipeline, String table, Severity severity, BigDecimal threshold, long dead, long read) {
      boolean passes = BigDecimal.valueOf(dead).compareTo(threshold.multiply(BigDecimal.valueOf(read))) <= 0;
      String ratio = read == 0
          ? (dead == 0 ? "0%" : "n/a")
          : percent(BigDecimal.valueOf(dead).divide(BigDecimal.valueOf(read), 4, RoundingMode.HALF_UP));
      return QualityResult.of(pipeline, table, checkName(threshold), severity, passes,
          dead + " of " + read + (read == 1 ? " record" : " records") + " (" + ratio + ")",
          "<= " + percent(threshold));
    }

    private static final class RatioJudge extends SimpleFunction<KV<Long, Long>, Row> {
      private final String pipeline;
      private final String table;
      private final Severity severity;
      private final BigDecimal threshold;

      RatioJudge(String pipeline, String table, Severity severity, BigDecimal threshold) {
        this.pipeline = pipeline;
        this.table = table;
        this.severity = severity;
        this.threshold = threshold;
      }

      @Override
      public Row apply(KV<Long, Long> counts) {
        return judge(pipeline, table, severity, threshold, counts.getKey(), counts.getValue());
      }
    }
  }

  /** A ratio as a percentage without trailing zeros: 0.01 is {@code 1%}, 0.0125 is {@code 1.25%}. */
  static String percent(BigDecimal ratio) {
    BigDecimal p = ratio.movePointRight(2).stripTrailingZeros();
    return (p.signum() == 0 ? "0" : p.toPlainString()) + "%";
  }
}
