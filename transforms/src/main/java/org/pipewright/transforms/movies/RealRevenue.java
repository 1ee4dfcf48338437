package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkNotNull;
import static org.pipewright.transforms.movies.MovieAnalytics.REAL_REVENUE_SCHEMA;
import static org.pipewright.transforms.movies.MovieAnalytics.checkField;

import java.time.LocalDate;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Each movie's revenue in money of the CPI series' latest month: one row of {@link
 * MovieAnalytics#REAL_REVENUE_SCHEMA} per input movie, {@code revenue_real = revenue *
 * CPI(latest month) / CPI(release month)} rounded half up to {@value CpiSeries#SCALE} decimals
 * ({@link CpiSeries#realValue}), null when the revenue or the release date is unknown or the
 * release month is not in the series. No movie is dropped.
 *
 * <p>Input: rows with {@code movie_id INT64}, {@code title STRING}, {@code release_date} ({@link
 * MovieSchemas#DATE}) and {@code revenue INT64}, such as {@link MovieSchemas#MOVIE}. The series
 * is a side input ({@link CpiSeries#fromRows}).
 *
 * <pre>{@code
 * PCollectionView<CpiSeries> cpi = cpiRows.apply("CPI series", CpiSeries.fromRows());
 * PCollection<Row> real = movies.apply("Real revenue", RealRevenue.using(cpi));
 * }</pre>
 */
public final class RealRevenue extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final PCollectionView<CpiSeries> cpi;

  private RealRevenue(PCollectionView<CpiSeries> cpi) {
    this.cpi = cpi;
  }

  /** Adjusts with the series {@code cpi}. */
  public static RealRevenue using(PCollectionView<CpiSeries> cpi) {
    return new RealRevenue(checkNotNull(cpi, "cpi"));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> movies) {
    Schema schema = movies.getSchema();
    checkField(schema, "movie_id", FieldType.INT64, "RealRevenue");
    checkField(schema, "title", FieldType.STRING, "RealRevenue");
    checkField(schema, "release_date", MovieSchemas.DATE, "RealRevenue");
    checkField(schema, "revenue", FieldType.INT64, "RealRevenue");
    return movies
        .apply("Adjust for inflation", ParDo.of(new AdjustFn(cpi, schema.indexOf("movie_id"),
                schema.indexOf("title"), schema.indexOf("release_date"), schema.indexOf("revenue")))
            .withSideInputs(cpi))
        .setRowSchema(REAL_REVENUE_SCHEMA);
  }

  private static final class AdjustFn extends DoFn<Row, Row> {
    private final PCollectionView<CpiSeries> cpi;
    private final int id;
    private final int title;
    private final int date;
    private final int revenue;

    AdjustFn(PCollectionView<CpiSeries> cpi, int id, int title, int date, int revenue) {
      this.cpi = cpi;
      this.id = id;
      this.title = title;
      this.date = date;
      this.revenue = revenue;
    }

    @ProcessElement
    public void process(@Element Row movie, ProcessContext c) {
      LocalDate released = movie.getLogicalTypeValue(date, LocalDate.class);
      Long amount = movie.getInt64(revenue);
      c.output(Row.withSchema(REAL_REVENUE_SCHEMA).attachValues(movie.getInt64(id),
          movie.getString(title), released, amount, c.sideInput(cpi).realValue(amount, released)));
    }
  }
}
