package org.pipewright.transforms.movies;

import static org.pipewright.transforms.movies.MovieAnalytics.REVENUE_BY_MONTH_SCHEMA;

import java.time.LocalDate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Revenue per release month: one row of {@link MovieAnalytics#REVENUE_BY_MONTH_SCHEMA} per month
 * that has a movie with a known revenue and release date, {@code month} as {@code YYYY-MM}, the
 * number of those movies and the sum of their revenues. Movies without either add nothing.
 *
 * <p>Input: rows with {@code release_date} ({@link MovieSchemas#DATE}) and {@code revenue INT64},
 * such as {@link MovieSchemas#MOVIE} or {@link RealRevenue}'s output. A combiner per month.
 *
 * <pre>{@code
 * PCollection<Row> byMonth = movies.apply("Revenue by month", RevenueByMonth.create());
 * }</pre>
 */
public final class RevenueByMonth extends PTransform<PCollection<Row>, PCollection<Row>> {
  private RevenueByMonth() {}

  public static RevenueByMonth create() {
    return new RevenueByMonth();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> movies) {
    return RevenueTotals.perPeriod(movies, "RevenueByMonth", CpiSeries::monthNumber)
        .apply("To rows", ParDo.of(new ToRowFn()))
        .setRowSchema(REVENUE_BY_MONTH_SCHEMA);
  }

  /** {@code YYYY-MM} of a month number ({@link CpiSeries#monthNumber}). */
  static String month(int monthNumber) {
    LocalDate first = LocalDate.of(Math.floorDiv(monthNumber, 12), Math.floorMod(monthNumber, 12) + 1, 1);
    return String.format("%04d-%02d", first.getYear(), first.getMonthValue());
  }

  private static final class ToRowFn extends DoFn<KV<Integer, RevenueTotals>, Row> {
    @ProcessElement
    public void process(@Element KV<Integer, RevenueTotals> kv, OutputReceiver<Row> out) {
      RevenueTotals t = kv.getValue();
      out.output(Row.withSchema(REVENUE_BY_MONTH_SCHEMA).attachValues(month(kv.getKey()), t.movies, t.revenue));
    }
  }
}
