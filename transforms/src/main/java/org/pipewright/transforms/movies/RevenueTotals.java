package org.pipewright.transforms.movies;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.internal.PerKey;

/**
 * The totals of a group of movies with a known revenue: how many, the sum of their revenues, and
 * the sum of their known real revenues (null while none is known). Exact sums, so partial totals
 * merge to the same result in any order. The combiner of {@link GenreRevenue}, {@link
 * RevenueByMonth} and {@link RevenueByQuarter}: input is {@code (revenue, revenue_real or null)}.
 */
final class RevenueTotals {
  long movies;
  long revenue;
  @Nullable BigDecimal real;

  RevenueTotals(long movies, long revenue, @Nullable BigDecimal real) {
    this.movies = movies;
    this.revenue = revenue;
    this.real = real;
  }

  void add(long movies, long revenue, @Nullable BigDecimal real) {
    this.movies += movies;
    // Real revenues are far from 9.2e18; should a sum ever overflow, it fails rather than wraps.
    this.revenue = Math.addExact(this.revenue, revenue);
    if (real != null) {
      this.real = this.real == null ? real : this.real.add(real);
    }
  }

  /**
   * Totals per release period of the movies with a known revenue and release date: input rows
   * with {@code release_date} ({@link MovieSchemas#DATE}) and {@code revenue INT64}, keyed by
   * {@code period.apply(release_date)}, summed by a combiner per period.
   */
  static PCollection<KV<Integer, RevenueTotals>> perPeriod(
      PCollection<Row> movies, String step, SerializableFunction<LocalDate, Integer> period) {
    Schema schema = movies.getSchema();
    MovieAnalytics.checkField(schema, "release_date", MovieSchemas.DATE, step);
    MovieAnalytics.checkField(schema, "revenue", FieldType.INT64, step);
    return movies
        .apply("Key by period", ParDo.of(new PeriodFn(
            schema.indexOf("release_date"), schema.indexOf("revenue"), period)))
        .setCoder(KvCoder.of(VarIntCoder.of(), inputCoder()))
        .apply("Sum per period", PerKey.combine(new SumFn()));
  }

  private static final class PeriodFn extends DoFn<Row, KV<Integer, KV<Long, BigDecimal>>> {
    private final int date;
    private final int revenue;
    private final SerializableFunction<LocalDate, Integer> period;

    PeriodFn(int date, int revenue, SerializableFunction<LocalDate, Integer> period) {
      this.date = date;
      this.revenue = revenue;
      this.period = period;
    }

    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<KV<Integer, KV<Long, BigDecimal>>> out) {
      LocalDate released = movie.getLogicalTypeValue(date, LocalDate.class);
      Long amount = movie.getInt64(revenue);
      if (released != null && amount != null) {
        out.output(KV.of(period.apply(released), KV.of(amount, null)));
      }
    }
  }

  /** The coder of a combiner's input: {@code (revenue, revenue_real or null)}. */
  static Coder<KV<Long, BigDecimal>> inputCoder() {
    return KvCoder.of(VarLongCoder.of(), NullableCoder.of(BigDecimalCoder.of()));
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (!(other instanceof RevenueTotals)) {
      return false;
    }
    RevenueTotals t = (RevenueTotals) other;
    return t.movies == movies && t.revenue == revenue && Objects.equals(t.real, real);
  }

  @Override
  public int hashCode() {
    return Objects.hash(movies, revenue, real);
  }

  @Override
  public String toString() {
    return "RevenueTotals{movies=" + movies + ", revenue=" + revenue + ", real=" + real + "}";
  }

  /** Sums {@code (revenue, revenue_real or null)} pairs, one per movie. */
  static final class SumFn extends Combine.CombineFn<KV<Long, BigDecimal>, RevenueTotals, RevenueTotals> {
    private static final long serialVersionUID = 1L;

    @Override
    public RevenueTotals createAccumulator() {
      return new RevenueTotals(0, 0, null);
    }

    @Override
    public RevenueTotals addInput(RevenueTotals acc, KV<Long, BigDecimal> movie) {
      acc.add(1, movie.getKey(), movie.getValue());
      return acc;
    }

    @Override
    public RevenueTotals mergeAccumulators(Iterable<RevenueTotals> accs) {
      RevenueTotals merged = createAccumulator();
      for (RevenueTotals acc : accs) {
        merged.add(acc.movies, acc.revenue, acc.real);
      }
      return merged;
    }

    @Override
    public RevenueTotals extractOutput(RevenueTotals acc) {
      return acc;
    }

    @Override
    public Coder<RevenueTotals> getAccumulatorCoder(CoderRegistry registry, Coder<KV<Long, BigDecimal>> inputCoder) {
      return TotalsCoder.INSTANCE;
    }

    @Override
    public Coder<RevenueTotals> getDefaultOutputCoder(CoderRegistry registry, Coder<KV<Long, BigDecimal>> inputCoder) {
      return TotalsCoder.INSTANCE;
    }
  }

  private static final class TotalsCoder extends CustomCoder<RevenueTotals> {
    private static final long serialVersionUID = 1L;
    static final TotalsCoder INSTANCE = new TotalsCoder();
    private static final Coder<Long> LONG = VarLongCoder.of();
    private static final Coder<BigDecimal> REAL = NullableCoder.of(BigDecimalCoder.of());

    @Override
    public void encode(RevenueTotals t, OutputStream out) throws IOException {
      LONG.encode(t.movies, out);
      LONG.encode(t.revenue, out);
      REAL.encode(t.real, out);
    }

    @Override
    public RevenueTotals decode(InputStream in) throws IOException {
      return new RevenueTotals(LONG.decode(in), LONG.decode(in), REAL.decode(in));
    }
  }
}
