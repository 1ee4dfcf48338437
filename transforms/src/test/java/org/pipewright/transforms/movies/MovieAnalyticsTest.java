package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The analytics on a hand-made model whose expected tables are worked out by hand in the comments.
 * CPI: 2010-01 = 200, 2010-02 = 250, 2011-06 = 201 (the latest); 2010-03..2011-05 missing.
 */
public class MovieAnalyticsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static BigDecimal d(String text) {
    return text == null ? null : new BigDecimal(text);
  }

  private static LocalDate date(String text) {
    return text == null ? null : LocalDate.parse(text);
  }

  private static Row movie(long id, String title, String released, Long revenue) {
    return Row.withSchema(MovieSchemas.MOVIE)
        .addValues(id, false, null, "en", title, 1.5, date(released), revenue, 10L, 6.5)
        .build();
  }

  /**
   * Real revenues: 1: 1001 * 201 / 200 = 1006.005 -> 1006.01 (half up); 2: 1000 * 201 / 250 = 804;
   * 3: March 2010 is a gap -> null; 4: revenue unknown; 5: no release date; 6: the latest month,
   * 3.00; 7: 201 / 250 = 0.804 -> 0.80; 8 and 9: months not in the series.
   */
  static List<Row> movies() {
    return List.of(
        movie(1, "Alpha", "2010-01-15", 1001L),
        movie(2, "Beta", "2010-02-28", 1000L),
        movie(3, "Gamma", "2010-03-10", 500L),
        movie(4, "Delta", "2010-01-01", null),
        movie(5, "Epsilon", null, 700L),
        movie(6, null, "2011-06-30", 3L),
        movie(7, "Eta", "2010-02-01", 1L),
        movie(8, "Theta", "2010-04-01", 10L),
        movie(9, "Iota", "2010-12-31", 20L));
  }

  private static Row real(long id, String title, String released, Long revenue, String realRevenue) {
    return Row.withSchema(MovieAnalytics.REAL_REVENUE_SCHEMA)
        .addValues(id, title, date(released), revenue, d(realRevenue)).build();
  }

  static List<Row> expectedRealRevenue() {
    return List.of(
        real(1, "Alpha", "2010-01-15", 1001L, "1006.01"),
        real(2, "Beta", "2010-02-28", 1000L, "804.00"),
        real(3, "Gamma", "2010-03-10", 500L, null),
        real(4, "Delta", "2010-01-01", null, null),
        real(5, "Epsilon", null, 700L, null),
        real(6, null, "2011-06-30", 3L, "3.00"),
        real(7, "Eta", "2010-02-01", 1L, "0.80"),
        real(8, "Theta", "2010-04-01", 10L, null),
        real(9, "Iota", "2010-12-31", 20L, null));
  }

  private static Row genre(long id, String name) {
    return Row.withSchema(MovieSchemas.GENRE).addValues(id, name).build();
  }

  /** Genre 14 is a second "Drama" (one name, counted once per movie); Western has no movie. */
  static List<Row> genres() {
    return List.of(genre(10, "Drama"), genre(11, "Comedy"), genre(12, "Horror"), genre(13, "Western"),
        genre(14, "Drama"), genre(15, "Sci-Fi"));
  }

  private static Row movieGenre(long movie, long genre) {
    return Row.withSchema(MovieSchemas.MOVIE_GENRE).addValues(movie, genre).build();
  }

  /** Movie 99 and genre 77 are not in the model: those rows add nothing. */
  static List<Row> movieGenres() {
    return List.of(movieGenre(1, 10), movieGenre(1, 11), movieGenre(1, 14), movieGenre(2, 10),
        movieGenre(3, 10), movieGenre(3, 15), movieGenre(4, 10), movieGenre(5, 11), movieGenre(6, 12),
        movieGenre(7, 11), movieGenre(99, 10), movieGenre(2, 77));
  }

  private static Row genreRevenue(String genre, long movies, long revenue, String real) {
    return Row.withSchema(MovieAnalytics.GENRE_REVENUE_SCHEMA).addValues(genre, movies, revenue, d(real)).build();
  }

  /**
   * Drama: 1, 2, 3 (4's revenue is unknown): 1001 + 1000 + 500 = 2501, real 1006.01 + 804.00 (3 has
   * none) = 1810.01. Comedy: 1, 5, 7: 1001 + 700 + 1 = 1702, real 1006.01 + 0.80 = 1006.81. Horror:
   * 6. Sci-Fi: 3 only, no real revenue known: null.
   */
  static List<Row> expectedGenreRevenue() {
    return List.of(
        genreRevenue("Drama", 3, 2501, "1810.01"),
        genreRevenue("Comedy", 3, 1702, "1006.81"),
        genreRevenue("Horror", 1, 3, "3.00"),
        genreRevenue("Sci-Fi", 1, 500, null));
  }

  private static Row month(String month, long movies, long revenue) {
    return Row.withSchema(MovieAnalytics.REVENUE_BY_MONTH_SCHEMA).addValues(month, movies, revenue).build();
  }

  /** 4 (unknown revenue) and 5 (no release date) are not counted; 2 and 7 share February. */
  static List<Row> expectedByMonth() {
    return List.of(month("2010-01", 1, 1001), month("2010-02", 2, 1001), month("2010-03", 1, 500),
        month("2010-04", 1, 10), month("2010-12", 1, 20), month("2011-06", 1, 3));
  }

  private static Row quarter(int year, int quarter, long movies, long revenue) {
    return Row.withSchema(MovieAnalytics.REVENUE_BY_QUARTER_SCHEMA).addValues(year, quarter, movies, revenue).build();
  }

  /** Q1 2010: 1, 2, 3, 7 (1001 + 1000 + 500 + 1); April 1st is Q2, December 31st Q4. */
  static List<Row> expectedByQuarter() {
    return List.of(quarter(2010, 1, 4, 2502), quarter(2010, 2, 1, 10), quarter(2010, 4, 1, 20),
        quarter(2011, 2, 1, 3));
  }

  private PCollection<Row> create(String name, List<Row> rows, Schema schema) {
    return pipeline.apply(name, Create.of(rows).withRowSchema(schema));
  }

  private PCollectionView<CpiSeries> cpi() {
    return create("CPI", CpiSeriesTest.series(), MovieSchemas.CPI).apply(CpiSeries.fromRows());
  }

  @Test
  public void realRevenueOfEveryMovie() {
    PCollection<Row> real = create("Movies", movies(), MovieSchemas.MOVIE).apply(RealRevenue.using(cpi()));
    PAssert.that(real).containsInAnyOrder(expectedRealRevenue());
    pipeline.run();
  }

  @Test
  public void realRevenueWithoutCpiRowsIsNull() {
    PCollectionView<CpiSeries> none =
        create("CPI", List.of(), MovieSchemas.CPI).apply(CpiSeries.fromRows());
    PCollection<Row> real = create("Movies", movies().subList(0, 2), MovieSchemas.MOVIE)
        .apply(RealRevenue.using(none));
    PAssert.that(real).containsInAnyOrder(
        real(1, "Alpha", "2010-01-15", 1001L, null), real(2, "Beta", "2010-02-28", 1000L, null));
    pipeline.run();
  }

  @Test
  public void genreRevenueSumsKnownValues() {
    PCollection<Row> real = create("Real", expectedRealRevenue(), MovieAnalytics.REAL_REVENUE_SCHEMA);
    PCollection<Row> byGenre = PCollectionTuple.of(GenreRevenue.REAL_REVENUE, real)
        .and(MovieAnalytics.MOVIE_GENRES, create("Movie genres", movieGenres(), MovieSchemas.MOVIE_GENRE))
        .and(MovieAnalytics.GENRES, create("Genres", genres(), MovieSchemas.GENRE))
        .apply(GenreRevenue.create().withBuckets(3));
    PAssert.that(byGenre).containsInAnyOrder(expectedGenreRevenue());
    pipeline.run();
  }

  @Test
  public void revenueByMonthAndQuarter() {
    PCollection<Row> movies = create("Movies", movies(), MovieSchemas.MOVIE);
    PAssert.that(movies.apply("By month", RevenueByMonth.create())).containsInAnyOrder(expectedByMonth());
    PAssert.that(movies.apply("By quarter", RevenueByQuarter.create())).containsInAnyOrder(expectedByQuarter());
    pipeline.run();
  }

  private static Row rating(long user, long movie, double value) {
    return Row.withSchema(MovieSchemas.RATING).addValues(user, movie, value, new Instant(0)).build();
  }

  private static void rate(List<Row> ratings, long movie, int times, double value) {
    for (int i = 0; i < times; i++) {
      ratings.add(rating(ratings.size() + 1, movie, value));
    }
  }

  /** Movie 1: 50 ratings of 3.5 (exactly the default minimum); 2: 49 of 5.0; 6: 25 x 4.0 + 25 x 4.5. */
  static List<Row> ratings() {
    List<Row> ratings = new ArrayList<>();
    rate(ratings, 1, 50, 3.5);
    rate(ratings, 2, 49, 5.0);
    rate(ratings, 6, 25, 4.0);
    rate(ratings, 6, 25, 4.5);
    return ratings;
  }

  private static Row ranked(int rank, long movie, String title, long ratings, String mean) {
    return Row.withSchema(MovieAnalytics.TOP_RATED_SCHEMA).addValues(rank, movie, title, ratings, d(mean)).build();
  }

  private static PCollection<Row> table(PCollectionTuple out, String name) {
    return out.get(MovieAnalytics.output(name));
  }

  @Test
  public void allAnalyticsWithTheDefaults() {
    PCollectionTuple model = PCollectionTuple
        .of(MovieAnalytics.MOVIES, create("Movies", movies(), MovieSchemas.MOVIE))
        .and(MovieAnalytics.GENRES, create("Genres", genres(), MovieSchemas.GENRE))
        .and(MovieAnalytics.MOVIE_GENRES, create("Movie genres", movieGenres(), MovieSchemas.MOVIE_GENRE))
        .and(MovieAnalytics.RATINGS, create("Ratings", ratings(), MovieSchemas.RATING))
        .and(MovieAnalytics.CPI, create("CPI", CpiSeriesTest.series(), MovieSchemas.CPI));
    PCollectionTuple out = model.apply(MovieAnalytics.create());
    Set<String> names = new HashSet<>();
    out.getAll().keySet().forEach(tag -> names.add(tag.getId()));
    assertEquals(MovieAnalytics.OUTPUTS.keySet(), names);
    for (String name : MovieAnalytics.OUTPUTS.keySet()) {
      assertEquals(MovieAnalytics.OUTPUTS.get(name), out.get(MovieAnalytics.output(name)).getSchema());
    }
    PAssert.that(table(out, MovieAnalytics.REAL_REVENUE)).containsInAnyOrder(expectedRealRevenue());
    PAssert.that(table(out, MovieAnalytics.GENRE_REVENUE)).containsInAnyOrder(expectedGenreRevenue());
    PAssert.that(table(out, MovieAnalytics.REVENUE_BY_MONTH)).containsInAnyOrder(expectedByMonth());
    PAssert.that(table(out, MovieAnalytics.REVENUE_BY_QUARTER)).containsInAnyOrder(expectedByQuarter());
    // 212.5 / 50 = 4.25; movie 2 has 49 ratings, one short of the default 50.
    PAssert.that(table(out, MovieAnalytics.TOP_RATED)).containsInAnyOrder(
        ranked(1, 6, null, 50, "4.2500"), ranked(2, 1, "Alpha", 50, "3.5000"));
    pipeline.run();
  }

  @Test
  public void refusesBadConfigurationAndMissingTables() {
    assertThrows(IllegalArgumentException.class, () -> MovieAnalytics.create().withMinVotes(0));
    assertThrows(IllegalArgumentException.class, () -> MovieAnalytics.create().withTopN(0));
    assertThrows(IllegalArgumentException.class, () -> TopRated.create().withTopN(-1));
    assertThrows(IllegalArgumentException.class, () -> GenreRevenue.create().withBuckets(0));
    assertThrows(IllegalArgumentException.class, () -> MovieAnalytics.output("nope"));
    PCollectionTuple partial =
        PCollectionTuple.of(MovieAnalytics.MOVIES, create("Movies", movies(), MovieSchemas.MOVIE));
    assertThrows(IllegalArgumentException.class, () -> partial.apply(MovieAnalytics.create()));
    PCollection<Row> genres = create("Genres", genres(), MovieSchemas.GENRE);
    assertThrows(IllegalArgumentException.class, () -> genres.apply(RevenueByMonth.create()));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}
