package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.Numbers;

/**
 * A monthly CPI series (rows of {@link MovieSchemas#CPI}) as a small immutable value, for
 * inflation adjustment: {@link #realValue} turns an amount of a release date's month into money of
 * the series' latest month, {@code amount * CPI(latest month) / CPI(month)}, exactly in {@link
 * BigDecimal} and rounded once, half up to {@value #SCALE} decimals.
 *
 * <p>A series is a few hundred rows, so {@link RealRevenue} reads it as a side input: one copy per
 * worker, no shuffle of the movies. A row's month is the month of its {@code month} date (any day
 * of it). The model holds one row per month; should two rows give one month different values, or
 * a row a value that is not positive (an index always is), that month is left out of the series
 * rather than one value picked by arrival order: amounts of that month have no real value, and the
 * result is the same on every runner. The latest month is the latest month left in the series.
 *
 * <pre>{@code
 * PCollectionView<CpiSeries> cpi = cpiRows.apply("CPI series", CpiSeries.fromRows());
 * PCollection<Row> real = movies.apply("Real revenue", RealRevenue.using(cpi));
 * }</pre>
 */
public final class CpiSeries implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Decimals of a real (inflation-adjusted) amount. */
  public static final int SCALE = 2;

  private static final CpiSeries EMPTY = new CpiSeries(new TreeMap<>());

  /** Month number ({@link #monthNumber}) -> index value; only usable months. */
  private final TreeMap<Integer, BigDecimal> values;

  /** Digits before the point of the largest real value. */
  static final int MAX_REAL_DIGITS = Numbers.MAX_STORED_INTEGER_DIGITS - 9;

  private CpiSeries(TreeMap<Integer, BigDecimal> values) {
    this.values = values;
  }

  /** A series without months: every real value is null. */
  public static CpiSeries empty() {
    return EMPTY;
  }

  /** The series of {@code rows} (of {@link MovieSchemas#CPI}), with the rules of the class comment. */
  public static CpiSeries of(Iterable<Row> rows) {
    Map<Integer, BigDecimal> acc = new HashMap<>();
    for (Row row : rows) {
      add(acc, row);
    }
    return fromAccumulator(acc);
  }

  /** One row of {@link MovieSchemas#CPI}: the month (its first day) and the index value. */
  public static Row row(LocalDate month, BigDecimal value) {
    return Row.withSchema(MovieSchemas.CPI).addValues(month, value).build();
  }

  /** {@code year * 12 + month - 1}: consecutive months are consecutive numbers. */
  static int monthNumber(LocalDate date) {
    return date.getYear() * 12 + date.getMonthValue() - 1;
  }

  private static LocalDate firstDay(int monthNumber) {
    return LocalDate.of(Math.floorDiv(monthNumber, 12), Math.floorMod(monthNumber, 12) + 1, 1);
  }

  private static void add(Map<Integer, BigDecimal> acc, Row row) {
    LocalDate month = row.getLogicalTypeValue("month", LocalDate.class);
    BigDecimal value = row.getDecimal("value");
    checkArgument(month != null, "CPI row without a month: %s", row);
    merge(acc, monthNumber(month), value == null || value.signum() <= 0 ? null : value);
  }

  /**
   * Adds one month's value to {@code acc}; null marks a month that is not usable. Two different
   * values make the month unusable; equal ones (by value: {@code 1.0} and {@code 1.00}) keep the
   * one with fewer decimals. Commutative and associative, so partial results merge in any order.
   */
  private static void merge(Map<Integer, BigDecimal> acc, int month, @Nullable BigDecimal value) {
    if (!acc.containsKey(month)) {
      acc.put(month, value);
      return;
    }
    BigDecimal old = acc.get(month);
    if (old == null || value == null || old.compareTo(value) != 0) {
      acc.put(month, null);
    } else if (value.scale() < old.scale()) {
      acc.put(month, value);
    }
  }

  private static CpiSeries fromAccumulator(Map<Integer, BigDecimal> acc) {
    TreeMap<Integer, BigDecimal> usable = new TreeMap<>();
    acc.forEach((month, value) -> {
      if (value != null) {
        usable.put(month, value);
      }
    });
    return usable.isEmpty() ? EMPTY : new CpiSeries(usable);
  }

  /** The latest month of the series (its first day), or null when the series is empty. */
  public @Nullable LocalDate latestMonth() {
    return values.isEmpty() ? null : firstDay(values.lastKey());
  }

  /** The index value of the month of {@code date}, or null when that month is not in the series. */
  public @Nullable BigDecimal value(LocalDate date) {
    return values.get(monthNumber(date));
  }

  /**
   * {@code amount * CPI(latest month) / CPI(month of date)}, rounded half up to {@value #SCALE}
   * decimals from the exact quotient; null when the amount or the date is null, the date's month
   * is not in the series, or the result has more than {@value #MAX_REAL_DIGITS} digits before the
   * point (a month's index near zero against the latest one, which the series' quality checks
   * report): sums of up to a billion such values still fit the {@link
   * Numbers#MAX_STORED_INTEGER_DIGITS} digits a sink stores.
   */
  public @Nullable BigDecimal realValue(@Nullable Long amount, @Nullable LocalDate date) {
    if (amount == null || date == null || values.isEmpty()) {
      return null;
    }
    BigDecimal then = value(date);
    if (then == null) {
      return null;
    }
    // One rounding, of the exact quotient: no intermediate ratio that could drift.
    BigDecimal real = BigDecimal.valueOf(amount).multiply(values.lastEntry().getValue())
        .divide(then, SCALE, RoundingMode.HALF_UP);
    return real.precision() - real.scale() <= MAX_REAL_DIGITS ? real : null;
  }

  /** The months of the series, oldest first: first day of the month -> value. */
  public Map<LocalDate, BigDecimal> months() {
    Map<LocalDate, BigDecimal> months = new LinkedHashMap<>();
    values.forEach((month, value) -> months.put(firstDay(month), value));
    return Collections.unmodifiableMap(months);
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof CpiSeries && ((CpiSeries) other).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "CpiSeries" + months();
  }

  // ---- coder and side input ---------------------------------------------------------------

  /** The coder of series. */
  public static Coder<CpiSeries> coder() {
    return SeriesCoder.INSTANCE;
  }

  private static final class SeriesCoder extends CustomCoder<CpiSeries> {
    private static final long serialVersionUID = 1L;
    static final SeriesCoder INSTANCE = new SeriesCoder();
    private static final Coder<Map<Integer, BigDecimal>> VALUES =
        MapCoder.of(VarIntCoder.of(), BigDecimalCoder.of());

    @Override
    public void encode(CpiSeries series, OutputStream out) throws IOException {
      VALUES.encode(series.values, out);
    }

    @Override
    public CpiSeries decode(InputStream in) throws IOException {
      TreeMap<Integer, BigDecimal> values = new TreeMap<>(VALUES.decode(in));
      return values.isEmpty() ? EMPTY : new CpiSeries(values);
    }
  }

  /**
   * Combines all rows of {@link MovieSchemas#CPI} into one series and views it as a singleton (no
   * rows: the empty series). A combiner gathers them, one partial map per worker.
   */
  public static PTransform<PCollection<Row>, PCollectionView<CpiSeries>> fromRows() {
    return new FromRows();
  }

  private static final class FromRows extends PTransform<PCollection<Row>, PCollectionView<CpiSeries>> {
    @Override
    public PCollectionView<CpiSeries> expand(PCollection<Row> rows) {
      checkArgument(rows.getSchema().assignableTo(MovieSchemas.CPI),
          "CpiSeries.fromRows expects rows of MovieSchemas.CPI, got %s", rows.getSchema());
      return rows
          .apply("Combine into a series", Combine.globally(new CollectFn()))
          .setCoder(coder())
          .apply("View as singleton", View.asSingleton());
    }
  }

  private static final class CollectFn
      extends Combine.CombineFn<Row, Map<Integer, BigDecimal>, CpiSeries> {
    private static final long serialVersionUID = 1L;

    @Override
    public Map<Integer, BigDecimal> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<Integer, BigDecimal> addInput(Map<Integer, BigDecimal> acc, Row row) {
      add(acc, row);
      return acc;
    }

    @Override
    public Map<Integer, BigDecimal> mergeAccumulators(Iterable<Map<Integer, BigDecimal>> accs) {
      Map<Integer, BigDecimal> merged = createAccumulator();
      for (Map<Integer, BigDecimal> acc : accs) {
        acc.forEach((month, value) -> merge(merged, month, value));
      }
      return merged;
    }

    @Override
    public CpiSeries extractOutput(Map<Integer, BigDecimal> acc) {
      return fromAccumulator(acc);
    }

    @Override
    public Coder<Map<Integer, BigDecimal>> getAccumulatorCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return MapCoder.of(VarIntCoder.of(), NullableCoder.of(BigDecimalCoder.of()));
    }

    @Override
    public Coder<CpiSeries> getDefaultOutputCoder(CoderRegistry registry, Coder<Row> inputCoder) {
      return coder();
    }
  }
}
