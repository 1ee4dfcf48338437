package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

public class TopRatedTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static Row movie(long id, String title) {
    return Row.withSchema(MovieSchemas.MOVIE)
        .addValues(id, false, null, null, title, null, null, null, null, null).build();
  }

  private static void rate(List<Row> ratings, long movie, double... values) {
    for (double v : values) {
      ratings.add(Row.withSchema(MovieSchemas.RATING)
          .addValues((long) ratings.size() + 1, movie, v, new Instant(1_000L * ratings.size())).build());
    }
  }

  private static double[] times(int n, double value) {
    double[] values = new double[n];
    Arrays.fill(values, value);
    return values;
  }

  /**
   * With minVotes 3 the order is: 8 (13 / 3 = 4.3333), 3 (4.0000, 4 ratings), 1 and 2 (4.0000, 3
   * ratings: by id), 6 (3.16665 -> 3.1667, 4 ratings) before 5 (9.5 / 3 = 3.16667 -> 3.1667, 3
   * ratings: the published means tie, so more ratings win although 5's exact mean is higher), 7
   * (97 / 32 = 3.03125 -> 3.0313 half up), 9 (2.0000, not in the movies table), 10 (1.0000).
   * Movie 4 has 2 ratings, one short. Movie 2's NaN is skipped.
   */
  static List<Row> ratings() {
    List<Row> r = new ArrayList<>();
    rate(r, 1, 4.0, 4.0, 4.0);
    rate(r, 2, 4.0, Double.NaN, 4.0, 4.0);
    rate(r, 3, 4.0, 4.0, 4.0, 4.0);
    rate(r, 4, 5.0, 5.0);
    rate(r, 5, 3.0, 3.0, 3.5);
    rate(r, 6, 3.16665, 3.16665, 3.16665, 3.16665);
    rate(r, 7, times(30, 3.0));
    rate(r, 7, 3.5, 3.5);
    rate(r, 8, 4.5, 4.5, 4.0);
    rate(r, 9, 2.0, 2.0, 2.0);
    rate(r, 10, 1.0, 1.0, 1.0);
    Collections.shuffle(r, new Random(3));
    return r;
  }

  static List<Row> movies() {
    List<Row> movies = new ArrayList<>();
    for (long id = 1; id <= 10; id++) {
      if (id != 9) {
        movies.add(movie(id, "Movie " + id));
      }
    }
    movies.add(movie(11, "Never rated"));
    return movies;
  }

  private static Row ranked(int rank, long movie, String title, long ratings, String mean) {
    return Row.withSchema(MovieAnalytics.TOP_RATED_SCHEMA)
        .addValues(rank, movie, title, ratings, new BigDecimal(mean)).build();
  }

  private PCollectionTuple tables() {
    return PCollectionTuple
        .of(MovieAnalytics.RATINGS, pipeline.apply("Ratings", Create.of(ratings()).withRowSchema(MovieSchemas.RATING)))
        .and(MovieAnalytics.MOVIES, pipeline.apply("Movies", Create.of(movies()).withRowSchema(MovieSchemas.MOVIE)));
  }

  @Test
  public void ranksByMeanThenRatingsThenId() {
    PCollection<Row> top = tables().apply(TopRated.create().withMinVotes(3).withTopN(9));
    PAssert.that(top).containsInAnyOrder(
        ranked(1, 8, "Movie 8", 3, "4.3333"),
        ranked(2, 3, "Movie 3", 4, "4.0000"),
        ranked(3, 1, "Movie 1", 3, "4.0000"),
        ranked(4, 2, "Movie 2", 3, "4.0000"),
        ranked(5, 6, "Movie 6", 4, "3.1667"),
        ranked(6, 5, "Movie 5", 3, "3.1667"),
        ranked(7, 7, "Movie 7", 32, "3.0313"),
        ranked(8, 9, null, 3, "2.0000"),
        ranked(9, 10, "Movie 10", 3, "1.0000"));
    pipeline.run();
  }

  @Test
  public void cutsInsideATieByIdAndMinVotesIsInclusive() {
    PCollectionTuple tables = tables();
    // The cut at 3 falls between movies 1 and 2 (same mean, same count): the smaller id stays.
    PAssert.that(tables.apply("Top 3", TopRated.create().withMinVotes(3).withTopN(3))).containsInAnyOrder(
        ranked(1, 8, "Movie 8", 3, "4.3333"),
        ranked(2, 3, "Movie 3", 4, "4.0000"),
        ranked(3, 1, "Movie 1", 3, "4.0000"));
    // minVotes 2: movie 4 (two 5.0 ratings) now qualifies and leads.
    PAssert.that(tables.apply("Min 2", TopRated.create().withMinVotes(2).withTopN(2))).containsInAnyOrder(
        ranked(1, 4, "Movie 4", 2, "5.0000"),
        ranked(2, 8, "Movie 8", 3, "4.3333"));
    // minVotes 5: only movie 7 has 32 ratings.
    PAssert.that(tables.apply("Min 5", TopRated.create().withMinVotes(5))).containsInAnyOrder(
        ranked(1, 7, "Movie 7", 32, "3.0313"));
    // Nobody has 33: an empty table.
    PAssert.that(tables.apply("Min 33", TopRated.create().withMinVotes(33))).empty();
    pipeline.run();
  }

  private static Row rated(long movie, long ratings, String mean) {
    return Row.withSchema(TopRated.RATED).addValues(movie, ratings, new BigDecimal(mean)).build();
  }

  @Test
  public void orderIsTotalAndDoesNotDependOnInputOrder() {
    List<Row> best = List.of(rated(8, 3, "4.3333"), rated(3, 4, "4.0000"), rated(1, 3, "4.0"),
        rated(2, 3, "4.00"), rated(6, 4, "3.1667"), rated(5, 3, "3.1667"), rated(9, 3, "2.0000"));
    List<Row> shuffled = new ArrayList<>(best);
    Random random = new Random(5);
    for (int i = 0; i < 20; i++) {
      Collections.shuffle(shuffled, random);
      shuffled.sort(Collections.reverseOrder(new TopRated.ByMean()));
      assertEquals(best, shuffled);
    }
  }

  @Test
  public void meanIsExactAndRoundedHalfUpOnce() {
    assertEquals(new BigDecimal("3.0313"), TopRated.mean(new BigDecimal("97.0"), 32));
    assertEquals(new BigDecimal("3.3333"), TopRated.mean(new BigDecimal("10"), 3));
    assertEquals(new BigDecimal("0.6667"), TopRated.mean(new BigDecimal("2"), 3));
    // 0.1 + 0.2 as doubles is 0.30000000000000004; from the ratings' decimal text it is 0.3.
    TopRated.StatsFn fn = new TopRated.StatsFn();
    TopRated.Stats a = fn.addInput(fn.createAccumulator(), 0.1);
    TopRated.Stats b = fn.addInput(fn.createAccumulator(), 0.2);
    TopRated.Stats merged = fn.mergeAccumulators(List.of(a, b));
    assertEquals(2, merged.count);
    assertEquals(new BigDecimal("0.3"), merged.sum);
    assertEquals(new BigDecimal("0.1500"), TopRated.mean(merged.sum, merged.count));
  }
}
