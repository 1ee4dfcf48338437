package org.pipewright.transforms.movies;

import static org.pipewright.transforms.movies.MovieAnalytics.REVENUE_BY_QUARTER_SCHEMA;

import java.time.LocalDate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Revenue per release quarter: one row of {@link MovieAnalytics#REVENUE_BY_QUARTER_SCHEMA} per
 * calendar quarter (Q1 = January to March) that has a movie with a known revenue and release date:
 * {@code year}, {@code quarter} (1-4), the number of those movies and the sum of their revenues.
 * Movies without either add nothing.
 *
 * <p>Input: rows with {@code release_date} ({@link MovieSchemas#DATE}) and {@code revenue INT64},
 * such as {@link MovieSchemas#MOVIE} or {@link RealRevenue}'s output. A combiner per quarter.
 *
 * <pre>{@code
 * PCollection<Row> byQuarter = movies.apply("Revenue by quarter", RevenueByQuarter.create());
 * }</pre>
 */
public final class RevenueByQuarter extends PTransform<PCollection<Row>, PCollection<Row>> {
  private RevenueByQuarter() {}

  public static RevenueByQuarter create() {
    return new RevenueByQuarter();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> movies) {
    return RevenueTotals.perPeriod(movies, "RevenueByQuarter", RevenueByQuarter::quarterNumber)
        .apply("To rows", ParDo.of(new ToRowFn()))
        .setRowSchema(REVENUE_BY_QUARTER_SCHEMA);
  }

  /** {@code year * 4 + quarter - 1}. */
  static int quarterNumber(LocalDate date) {
    return date.getYear() * 4 + (date.getMonthValue() - 1) / 3;
  }

  private static final class ToRowFn extends DoFn<KV<Integer, RevenueTotals>, Row> {
    @ProcessElement
    public void process(@Element KV<Integer, RevenueTotals> kv, OutputReceiver<Row> out) {
      int q = kv.getKey();
      RevenueTotals t = kv.getValue();
      out.output(Row.withSchema(REVENUE_BY_QUARTER_SCHEMA)
          .attachValues(Math.floorDiv(q, 4), Math.floorMod(q, 4) + 1, t.movies, t.revenue));
    }
  }
}
