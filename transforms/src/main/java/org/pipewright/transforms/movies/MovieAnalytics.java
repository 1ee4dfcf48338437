package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The inflation-adjusted movie analytics over the clean model tables (rows of {@link
 * MovieSchemas}; one row per key, as the parsing steps make them). Five tables out:
 *
 * <ul>
 *   <li>{@value #REAL_REVENUE} ({@link #REAL_REVENUE_SCHEMA}, {@link RealRevenue}): one row per
 *       movie, its revenue in money of the CPI series' latest month;
 *   <li>{@value #GENRE_REVENUE} ({@link #GENRE_REVENUE_SCHEMA}, {@link GenreRevenue}): per genre,
 *       the movies with a known revenue and the sums of their revenues;
 *   <li>{@value #REVENUE_BY_MONTH} and {@value #REVENUE_BY_QUARTER} ({@link RevenueByMonth},
 *       {@link RevenueByQuarter}): movies with a known revenue and release date per release
 *       month / quarter, and their revenue;
 *   <li>{@value #TOP_RATED} ({@link #TOP_RATED_SCHEMA}, {@link TopRated}): the best mean ratings
 *       of the movies with at least {@code minVotes} ratings.
 * </ul>
 *
 * <p>Money is exact ({@code BigDecimal}; revenues are whole dollars, {@code INT64}) and rounded
 * once, half up: real amounts to {@value #MONEY_SCALE} decimals, means to {@value #MEAN_SCALE}. A
 * sum of real amounts is the sum of the rounded per-movie values, so a reader can add up {@value
 * #REAL_REVENUE} and get the same number. Every table is the same on every runner, whatever the
 * order or split of the input: sums are exact and every ranking is a total order.
 *
 * <pre>{@code
 * PCollectionTuple model = PCollectionTuple.of(MovieAnalytics.MOVIES, movies)
 *     .and(MovieAnalytics.GENRES, genres).and(MovieAnalytics.MOVIE_GENRES, movieGenres)
 *     .and(MovieAnalytics.RATINGS, ratings).and(MovieAnalytics.CPI, cpi);
 * PCollectionTuple results = model.apply("Analytics", MovieAnalytics.create().withMinVotes(100));
 * PCollection<Row> topRated = results.get(MovieAnalytics.output(MovieAnalytics.TOP_RATED));
 * }</pre>
 */
public final class MovieAnalytics extends PTransform<PCollectionTuple, PCollectionTuple> {
  /** Input: the {@code movies} table, rows of {@link MovieSchemas#MOVIE}. */
  public static final TupleTag<Row> MOVIES = new TupleTag<>("movies");
  /** Input: the {@code genre} table, rows of {@link MovieSchemas#GENRE}. */
  public static final TupleTag<Row> GENRES = new TupleTag<>("genre");
  /** Input: the {@code movie_genre} table, rows of {@link MovieSchemas#MOVIE_GENRE}. */
  public static final TupleTag<Row> MOVIE_GENRES = new TupleTag<>("movie_genre");
  /** Input: the {@code ratings} table, rows of {@link MovieSchemas#RATING} (TMDB movie ids). */
  public static final TupleTag<Row> RATINGS = new TupleTag<>("ratings");
  /** Input: the {@code cpi} table, rows of {@link MovieSchemas#CPI}. */
  public static final TupleTag<Row> CPI = new TupleTag<>("cpi");

  public static final String REAL_REVENUE = "real_revenue";
  public static final String GENRE_REVENUE = "genre_revenue";
  public static final String REVENUE_BY_MONTH = "revenue_by_month";
  public static final String REVENUE_BY_QUARTER = "revenue_by_quarter";
  public static final String TOP_RATED = "top_rated";

  /** Decimals of money amounts ({@code revenue_real}). */
  public static final int MONEY_SCALE = CpiSeries.SCALE;
  /** Decimals of mean ratings. */
  public static final int MEAN_SCALE = 4;

  /**
   * {@value #REAL_REVENUE}: {@code movie_id}, {@code title}, {@code release_date}, {@code revenue}
   * (null: unknown), {@code revenue_real} = {@code revenue * CPI(latest month) / CPI(release
   * month)}, null when the revenue is unknown or the release month is not in the series.
   */
  public static final Schema REAL_REVENUE_SCHEMA =
      Schema.builder()
          .addInt64Field("movie_id")
          .addNullableField("title", FieldType.STRING)
          .addNullableField("release_date", MovieSchemas.DATE)
          .addNullableField("revenue", FieldType.INT64)
          .addNullableField("revenue_real", FieldType.DECIMAL)
          .build();

  /**
   * {@value #GENRE_REVENUE}: the genre's {@code name}, {@code movies} (those with a known revenue),
   * the sum of their {@code revenue}, and {@code revenue_real}, the sum of their known (rounded)
   * real revenues, null when none of them has one.
   */
  public static final Schema GENRE_REVENUE_SCHEMA =
      Schema.builder()
          .addStringField("genre")
          .addInt64Field("movies")
          .addInt64Field("revenue")
          .addNullableField("revenue_real", FieldType.DECIMAL)
          .build();

  /** {@value #REVENUE_BY_MONTH}: {@code month} ({@code YYYY-MM}), {@code movies}, {@code revenue}. */
  public static final Schema REVENUE_BY_MONTH_SCHEMA =
      Schema.builder()
          .addStringField("month")
          .addInt64Field("movies")
          .addInt64Field("revenue")
          .build();

  /** {@value #REVENUE_BY_QUARTER}: {@code year}, {@code quarter} (1-4), {@code movies}, {@code revenue}. */
  public static final Schema REVENUE_BY_QUARTER_SCHEMA =
      Schema.builder()
          .addInt32Field("year")
          .addInt32Field("quarter")
          .addInt64Field("movies")
          .addInt64Field("revenue")
          .build();

  /**
   * {@value #TOP_RATED}: {@code rank} (1..N, no gaps), {@code movie_id}, {@code title}, {@code
   * ratings} (their number), {@code mean_rating} (half up to {@value #MEAN_SCALE} decimals).
   */
  public static final Schema TOP_RATED_SCHEMA =
      Schema.builder()
          .addInt32Field("rank")
          .addInt64Field("movie_id")
          .addNullableField("title", FieldType.STRING)
          .addInt64Field("ratings")
          .addDecimalField("mean_rating")
          .build();

  /** Output name -> schema, in the order of the class comment. */
  public static final Map<String, Schema> OUTPUTS = outputs();

  private final int minVotes;
  private final int topN;

  private MovieAnalytics(int minVotes, int topN) {
    this.minVotes = minVotes;
    this.topN = topN;
  }

  /** All five analytics, {@link TopRated}'s defaults included. */
  public static MovieAnalytics create() {
    return new MovieAnalytics(TopRated.DEFAULT_MIN_VOTES, TopRated.DEFAULT_TOP_N);
  }

  /** Returns a copy whose {@value #TOP_RATED} ranks movies with at least {@code minVotes} ratings. */
  public MovieAnalytics withMinVotes(int minVotes) {
    TopRated.create().withMinVotes(minVotes);
    return new MovieAnalytics(minVotes, topN);
  }

  /** Returns a copy whose {@value #TOP_RATED} keeps the first {@code topN} movies. */
  public MovieAnalytics withTopN(int topN) {
    TopRated.create().withTopN(topN);
    return new MovieAnalytics(minVotes, topN);
  }

  /** The output tag of the table named {@code name} (one of {@link #OUTPUTS}' keys). */
  public static TupleTag<Row> output(String name) {
    checkArgument(OUTPUTS.containsKey(name), "unknown analytics '%s'", name);
    return new TupleTag<>(name);
  }

  @Override
  public PCollectionTuple expand(PCollectionTuple model) {
    for (TupleTag<Row> tag : List.of(MOVIES, GENRES, MOVIE_GENRES, RATINGS, CPI)) {
      checkArgument(model.has(tag), "the input tuple has no '%s' table", tag.getId());
    }
    PCollectionView<CpiSeries> cpi = model.get(CPI).apply("CPI series", CpiSeries.fromRows());
    PCollection<Row> realRevenue = model.get(MOVIES).apply(REAL_REVENUE, RealRevenue.using(cpi));
    PCollection<Row> genreRevenue = PCollectionTuple.of(GenreRevenue.REAL_REVENUE, realRevenue)
        .and(MOVIE_GENRES, model.get(MOVIE_GENRES))
        .and(GENRES, model.get(GENRES))
        .apply(GENRE_REVENUE, GenreRevenue.create());
    PCollection<Row> topRated = PCollectionTuple.of(RATINGS, model.get(RATINGS))
        .and(MOVIES, model.get(MOVIES))
        .apply(TOP_RATED, TopRated.create().withMinVotes(minVotes).withTopN(topN));
    return PCollectionTuple.of(output(REAL_REVENUE), realRevenue)
        .and(output(GENRE_REVENUE), genreRevenue)
        .and(output(REVENUE_BY_MONTH), realRevenue.apply(REVENUE_BY_MONTH, RevenueByMonth.create()))
        .and(output(REVENUE_BY_QUARTER), realRevenue.apply(REVENUE_BY_QUARTER, RevenueByQuarter.create()))
        .and(output(TOP_RATED), topRated);
  }

  private static Map<String, Schema> outputs() {
    Map<String, Schema> m = new LinkedHashMap<>();
    m.put(REAL_REVENUE, REAL_REVENUE_SCHEMA);
    m.put(GENRE_REVENUE, GENRE_REVENUE_SCHEMA);
    m.put(REVENUE_BY_MONTH, REVENUE_BY_MONTH_SCHEMA);
    m.put(REVENUE_BY_QUARTER, REVENUE_BY_QUARTER_SCHEMA);
    m.put(TOP_RATED, TOP_RATED_SCHEMA);
    return Collections.unmodifiableMap(m);
  }

  /** Checks that {@code schema} has a field {@code name} of {@code type} (nullable or not). */
  static void checkField(Schema schema, String name, FieldType type, String step) {
    checkArgument(schema.hasField(name)
            && schema.getField(name).getType().withNullable(false).equals(type.withNullable(false)),
        "%s needs a %s field '%s', schema is %s", step, type.withNullable(false), name, schema);
  }
}
