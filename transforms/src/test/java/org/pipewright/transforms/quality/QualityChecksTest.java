package org.pipewright.transforms.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.DeadLetter;

public class QualityChecksTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema MOVIES =
      Schema.builder()
          .addNullableField("movie_id", FieldType.INT64)
          .addNullableField("title", FieldType.STRING)
          .addNullableField("budget", FieldType.DECIMAL)
          .build();

  private static final Schema RATINGS =
      Schema.builder()
          .addNullableField("user_id", FieldType.INT64)
          .addNullableField("movie_id", FieldType.INT64)
          .addNullableField("rating", FieldType.DOUBLE)
          .addNullableField("kind", FieldType.STRING)
          .build();

  private static Row movie(Long id, String title, String budget) {
    return Row.withSchema(MOVIES).addValues(id, title, budget == null ? null : new BigDecimal(budget)).build();
  }

  private static Row rating(Long user, Long movie, Double rating, String kind) {
    return Row.withSchema(RATINGS).addValues(user, movie, rating, kind).build();
  }

  private int tables;

  private PCollection<Row> table(Schema schema, Row... rows) {
    String name = "Table " + tables++;
    return rows.length == 0
        ? pipeline.apply(name, Create.empty(RowCoder.of(schema)))
        : pipeline.apply(name, Create.of(Arrays.asList(rows)).withRowSchema(schema));
  }

  private static Row pass(String table, String check, Severity severity, String observed, String expected) {
    return QualityResult.of("movies", table, check, severity, true, observed, expected);
  }

  private static Row fail(String table, String check, Severity severity, String observed, String expected) {
    return QualityResult.of("movies", table, check, severity, false, observed, expected);
  }

  @Test
  public void rowCountWithinOpenOrClosedBoundsAndOnAnEmptyTable() {
    PCollection<Row> three = table(MOVIES, movie(1L, "a", null), movie(2L, "b", null), movie(3L, "c", null));
    PCollection<Row> empty = table(MOVIES);

    PAssert.that(PCollectionTuple.of("three", three).and("empty", empty).apply(
            QualityChecks.forPipeline("movies")
                .on("three", Check.rowCount().atLeast(3).atMost(3))
                .on("empty", Check.rowCount().atLeast(1))))
        .containsInAnyOrder(
            pass("three", "row_count", Severity.ERROR, "3 rows", "3..3"),
            fail("empty", "row_count", Severity.ERROR, "0 rows", ">= 1"));
    PAssert.that(PCollectionTuple.of("three", three).apply("Open",
            QualityChecks.forPipeline("movies").on("three", Check.rowCount().atMost(2).warn())))
        .containsInAnyOrder(fail("three", "row_count", Severity.WARN, "3 rows", "<= 2"));
    pipeline.run();
  }

  @Test
  public void notNullCountsRowsWithANullInAnyColumn() {
    PCollection<Row> movies = table(MOVIES,
        movie(1L, "a", null), movie(null, "b", null), movie(3L, null, null), movie(null, null, null));
    PCollection<Row> clean = table(MOVIES, movie(1L, "a", null));

    PAssert.that(PCollectionTuple.of("movies", movies).and("clean", clean).apply(
            QualityChecks.forPipeline("movies")
                .on("movies", Check.notNull("movie_id", "title"), Check.notNull("title").warn())
                .on("clean", Check.notNull("movie_id", "title"))))
        .containsInAnyOrder(
            // the row with both null counts once
            fail("movies", "not_null(movie_id, title)", Severity.ERROR, "3 of 4 rows", "0"),
            fail("movies", "not_null(title)", Severity.WARN, "2 of 4 rows", "0"),
            pass("clean", "not_null(movie_id, title)", Severity.ERROR, "0 of 1 row", "0"));
    pipeline.run();
  }

  @Test
  public void uniqueCountsRowsWhoseKeyWasSeenBeforeAndSkipsNullKeys() {
    PCollection<Row> ratings = table(RATINGS,
        rating(1L, 10L, 4.0, "a"), rating(1L, 10L, 3.0, "a"), rating(1L, 10L, 2.0, "a"),
        rating(1L, 11L, 4.0, "a"), rating(2L, 10L, 4.0, "a"),
        rating(null, 10L, 1.0, "a"), rating(null, 10L, 1.0, "a"));

    PAssert.that(PCollectionTuple.of("ratings", ratings).apply(QualityChecks.forPipeline("movies")
            .on("ratings", Check.unique("user_id", "movie_id"), Check.unique("kind").warn())))
        .containsInAnyOrder(
            // (1, 10) three times: two extra rows; the two (null, 10) rows are skipped
            fail("ratings", "unique(user_id, movie_id)", Severity.ERROR, "2 of 7 rows", "0"),
            fail("ratings", "unique(kind)", Severity.WARN, "6 of 7 rows", "0"));
    PAssert.that(PCollectionTuple.of("movies", table(MOVIES, movie(1L, "a", null), movie(2L, "a", null)))
            .and("empty", table(MOVIES))
            .apply("Distinct", QualityChecks.forPipeline("movies")
                .on("movies", Check.unique("movie_id")).on("empty", Check.unique("movie_id"))))
        .containsInAnyOrder(
            pass("movies", "unique(movie_id)", Severity.ERROR, "0 of 2 rows", "0"),
            pass("empty", "unique(movie_id)", Severity.ERROR, "0 of 0 rows", "0"));
    pipeline.run();
  }

  @Test
  public void inRangeIncludesBoundsSkipsNullsAndAllowsOpenBounds() {
    PCollection<Row> ratings = table(RATINGS,
        rating(1L, 1L, 0.5, "a"), rating(1L, 2L, 5.0, "a"), rating(1L, 3L, null, "a"),
        rating(1L, 4L, 0.49, "a"), rating(1L, 5L, 5.01, "a"), rating(1L, 6L, Double.NaN, "a"));
    PCollection<Row> movies = table(MOVIES,
        movie(1L, "a", "0"), movie(2L, "b", "-0.01"), movie(3L, "c", null), movie(4L, "d", "1e12"));

    PAssert.that(PCollectionTuple.of("ratings", ratings).and("movies", movies).apply(
            QualityChecks.forPipeline("movies")
                .on("ratings", Check.inRange("rating", 0.5, 5.0), Check.inRange("user_id", 1, 1).warn())
                .on("movies", Check.inRange("budget", 0, null), Check.inRange("budget", null, 100),
                    Check.inRange("movie_id", 1, 4))))
        .containsInAnyOrder(
            // 0.49, 5.01 and NaN are out; 0.5 and 5.0 are the bounds
            fail("ratings", "in_range(rating, 0.5..5.0)", Severity.ERROR, "3 of 6 rows", "0"),
            pass("ratings", "in_range(user_id, 1..1)", Severity.WARN, "0 of 6 rows", "0"),
            fail("movies", "in_range(budget, 0..)", Severity.ERROR, "1 of 4 rows", "0"),
            fail("movies", "in_range(budget, ..100)", Severity.ERROR, "1 of 4 rows", "0"),
            pass("movies", "in_range(movie_id, 1..4)", Severity.ERROR, "0 of 4 rows", "0"));
    pipeline.run();
  }

  @Test
  public void inSetSkipsNullsAndCountsOtherValues() {
    PCollection<Row> ratings = table(RATINGS,
        rating(1L, 1L, 1.0, "a"), rating(1L, 2L, 1.0, "b"), rating(1L, 3L, 1.0, null),
        rating(1L, 4L, 1.0, "A"), rating(1L, 5L, 1.0, "c"));

    PAssert.that(PCollectionTuple.of("ratings", ratings).apply(QualityChecks.forPipeline("movies")
            .on("ratings", Check.inSet("kind", "b", "a").warn(), Check.inSet("kind", "a", "b", "c", "A"))))
        .containsInAnyOrder(
            fail("ratings", "in_set(kind, {a, b})", Severity.WARN, "2 of 5 rows", "0"),
            pass("ratings", "in_set(kind, {A, a, b, c})", Severity.ERROR, "0 of 5 rows", "0"));
    pipeline.run();
  }

  @Test
  public void referencesCountsValuesAbsentFromTheKeyTableAndSkipsNulls() {
    PCollection<Row> movies = table(MOVIES, movie(10L, "a", null), movie(11L, "b", null), movie(11L, "c", null));
    PCollection<Row> ratings = table(RATINGS,
        rating(1L, 10L, 1.0, "a"), rating(2L, 10L, 1.0, "a"), rating(1L, 11L, 1.0, "a"),
        rating(1L, 12L, 1.0, "a"), rating(2L, 12L, 1.0, "a"), rating(1L, 13L, 1.0, "a"),
        rating(1L, null, 1.0, "a"));
    PCollection<Row> empty = table(RATINGS);

    PAssert.that(PCollectionTuple.of("movies", movies).and("ratings", ratings).and("empty", empty)
            .and("no_movies", table(MOVIES))
            .apply(QualityChecks.forPipeline("movies")
                .on("ratings", Check.references("movie_id", "movies", "movie_id"),
                    Check.references("movie_id", "no_movies", "movie_id").warn())
                .on("empty", Check.references("movie_id", "movies", "movie_id"))
                .on("movies", Check.references("movie_id", "ratings", "movie_id"))))
        .containsInAnyOrder(
            // 12 twice and 13 once dangle; the null is skipped; movie 11's two rows do not matter
            fail("ratings", "references(movie_id -> movies.movie_id)", Severity.ERROR, "3 of 7 rows", "0"),
            fail("ratings", "references(movie_id -> no_movies.movie_id)", Severity.WARN, "6 of 7 rows", "0"),
            pass("empty", "references(movie_id -> movies.movie_id)", Severity.ERROR, "0 of 0 rows", "0"),
            pass("movies", "references(movie_id -> ratings.movie_id)", Severity.ERROR, "0 of 3 rows", "0"));
    pipeline.run();
  }

  @Test
  public void deadLetterRatioWarnsAboveOnePercentAndFailsAboveFivePercentByDefault() {
    Row dead = DeadLetter.of("ratings", "parse", "bad_rating", "f:2", "x");
    Row[] read100 = new Row[100];
    for (int i = 0; i < 100; i++) {
      read100[i] = rating(1L, (long) i, 1.0, "a");
    }
    PCollection<Row> read = table(RATINGS, read100);
    PCollection<Row> oneDead = pipeline.apply("One", Create.of(dead).withRowSchema(DeadLetter.SCHEMA));
    PCollection<Row> twoDead = pipeline.apply("Two", Create.of(dead, dead).withRowSchema(DeadLetter.SCHEMA));
    PCollection<Row> sixDead = pipeline.apply("Six",
        Create.of(dead, dead, dead, dead, dead, dead).withRowSchema(DeadLetter.SCHEMA));
    PCollection<Row> noDead = pipeline.apply("None", Create.empty(RowCoder.of(DeadLetter.SCHEMA)));

    PAssert.that(PCollectionTuple.of("read", read).and("one", oneDead).and("two", twoDead)
            .and("six", sixDead).and("none", noDead).and("empty", table(RATINGS))
            .apply(QualityChecks.forPipeline("movies")
                .on("read", Check.deadLetterRatio("one"))
                .on("read", Check.deadLetterRatio("two").withThresholds(0.02, 0.06).warn())
                .on("empty", Check.deadLetterRatio("none"))))
        .containsInAnyOrder(
            // exactly at a threshold passes
            pass("read", "dead_letter_ratio <= 1%", Severity.WARN, "1 of 100 records (1%)", "<= 1%"),
            pass("read", "dead_letter_ratio <= 5%", Severity.ERROR, "1 of 100 records (1%)", "<= 5%"),
            pass("read", "dead_letter_ratio <= 2%", Severity.WARN, "2 of 100 records (2%)", "<= 2%"),
            pass("read", "dead_letter_ratio <= 6%", Severity.WARN, "2 of 100 records (2%)", "<= 6%"),
            pass("empty", "dead_letter_ratio <= 1%", Severity.WARN, "0 of 0 records (0%)", "<= 1%"),
            pass("empty", "dead_letter_ratio <= 5%", Severity.ERROR, "0 of 0 records (0%)", "<= 5%"));
    PAssert.that(PCollectionTuple.of("read", read).and("two", twoDead).and("six", sixDead)
            .apply("Above", QualityChecks.forPipeline("movies")
                .on("read", Check.deadLetterRatio("six"),
                    Check.deadLetterRatio("two").withThresholds(0.0199, 0.0201))))
        .containsInAnyOrder(
            fail("read", "dead_letter_ratio <= 1%", Severity.WARN, "6 of 100 records (6%)", "<= 1%"),
            fail("read", "dead_letter_ratio <= 5%", Severity.ERROR, "6 of 100 records (6%)", "<= 5%"),
            fail("read", "dead_letter_ratio <= 1.99%", Severity.WARN, "2 of 100 records (2%)", "<= 1.99%"),
            pass("read", "dead_letter_ratio <= 2.01%", Severity.ERROR, "2 of 100 records (2%)", "<= 2.01%"));
    pipeline.run();
  }

  @Test
  public void deadLetterRatioOfAStepOutputAddsTheDeadLettersToTheRecordsRead() {
    Row dead = DeadLetter.of("ratings", "parse", "bad_rating", "f:2", "x");
    Row[] clean = new Row[95];
    for (int i = 0; i < 95; i++) {
      clean[i] = rating(1L, (long) i, 1.0, "a");
    }
    PCollection<Row> output = table(RATINGS, clean);
    PCollection<Row> fiveDead = pipeline.apply("Five",
        Create.of(dead, dead, dead, dead, dead).withRowSchema(DeadLetter.SCHEMA));

    // 5 dead letters of 95 + 5 = 100 records read: exactly 5%
    PAssert.that(PCollectionTuple.of("ratings", output).and("dead", fiveDead).apply(
            QualityChecks.forPipeline("movies").on("ratings", Check.deadLetterRatio("dead").withTableAsOutput())))
        .containsInAnyOrder(
            fail("ratings", "dead_letter_ratio <= 1%", Severity.WARN, "5 of 100 records (5%)", "<= 1%"),
            pass("ratings", "dead_letter_ratio <= 5%", Severity.ERROR, "5 of 100 records (5%)", "<= 5%"));
    pipeline.run();
  }

  @Test
  public void deadLetterRatioJudgesExactly() {
    BigDecimal onePercent = new BigDecimal("0.01");
    assertEquals(fail("t", "dead_letter_ratio <= 1%", Severity.WARN, "1 of 99 records (1.01%)", "<= 1%"),
        Check.DeadLetterRatio.judge("movies", "t", Severity.WARN, onePercent, 1, 99));
    assertEquals(pass("t", "dead_letter_ratio <= 1%", Severity.WARN, "1 of 100 records (1%)", "<= 1%"),
        Check.DeadLetterRatio.judge("movies", "t", Severity.WARN, onePercent, 1, 100));
    assertEquals(fail("t", "dead_letter_ratio <= 1%", Severity.ERROR, "3 of 0 records (n/a)", "<= 1%"),
        Check.DeadLetterRatio.judge("movies", "t", Severity.ERROR, onePercent, 3, 0));
    assertEquals("1.25%", Check.percent(new BigDecimal("0.0125")));
    assertEquals("0%", Check.percent(new BigDecimal("0.0000")));
  }

  @Test
  public void theCountingChecksOfATableReadItOnceAndAgreeWithChecksDeclaredOneByOne() {
    PCollection<Row> ratings = table(RATINGS, rating(1L, 1L, 4.0, "a"), rating(2L, null, 9.0, "b"),
        rating(3L, 2L, null, "z"), rating(null, 2L, 0.5, null));
    PCollection<Row> dead = table(DeadLetter.SCHEMA, DeadLetter.of("ratings", "parse", "bad_rating", "f:2", "x"));
    Check[] counting = {Check.rowCount().atLeast(1), Check.notNull("user_id", "movie_id"),
        Check.inRange("rating", 0.5, 5.0), Check.inSet("kind", "a", "b").warn(),
        Check.deadLetterRatio("dead").withTableAsOutput()};
    PCollectionTuple inputs = PCollectionTuple.of("ratings", ratings).and("dead", dead);
    PCollection<Row> together = inputs.apply("Together", QualityChecks.forPipeline("movies").on("ratings", counting));
    PCollectionList<Row> alone = PCollectionList.empty(pipeline);
    for (Check check : counting) {
      alone = alone.and(inputs.apply("Alone " + check.name(), QualityChecks.forPipeline("movies").on("ratings", check)));
    }
    PCollection<Row> separately = alone.apply(Flatten.pCollections());

    // One consumer of the table among all the steps of "Together".
    int[] readers = {0};
    pipeline.traverseTopologically(new org.apache.beam.sdk.Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(org.apache.beam.sdk.runners.TransformHierarchy.Node node) {
        if (node.getFullName().startsWith("Together/") && node.getInputs().containsValue(ratings)) {
          readers[0]++;
        }
      }
    });
    assertEquals(1, readers[0]);

    Row[] expected = {
        pass("ratings", "row_count", Severity.ERROR, "4 rows", ">= 1"),
        fail("ratings", "not_null(user_id, movie_id)", Severity.ERROR, "2 of 4 rows", "0"),
        fail("ratings", "in_range(rating, 0.5..5.0)", Severity.ERROR, "1 of 4 rows", "0"),
        fail("ratings", "in_set(kind, {a, b})", Severity.WARN, "1 of 4 rows", "0"),
        fail("ratings", "dead_letter_ratio <= 1%", Severity.WARN, "1 of 5 records (20%)", "<= 1%"),
        fail("ratings", "dead_letter_ratio <= 5%", Severity.ERROR, "1 of 5 records (20%)", "<= 5%")};
    PAssert.that(together).containsInAnyOrder(expected);
    PAssert.that(separately).containsInAnyOrder(expected);
    // The same checks with their row counts: each counted input once.
    PCollectionTuple withCounts = inputs.apply("With counts",
        QualityChecks.forPipeline("movies").on("ratings", counting).withRowCounts());
    PAssert.that(withCounts.get(QualityChecks.RESULTS)).containsInAnyOrder(expected);
    PAssert.that(withCounts.get(QualityChecks.ROW_COUNTS)).containsInAnyOrder(KV.of("ratings", 4L), KV.of("dead", 1L));
    pipeline.run();
  }

  @Test
  public void badDeclarationsFailAtConstruction() {
    pipeline.enableAbandonedNodeEnforcement(false);
    PCollection<Row> movies = table(MOVIES, movie(1L, "a", null));
    PCollection<Row> ratings = table(RATINGS, rating(1L, 1L, 1.0, "a"));
    PCollectionTuple inputs = PCollectionTuple.of("movies", movies).and("ratings", ratings);

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> inputs.apply("missing", QualityChecks.forPipeline("p").on("movies", Check.notNull("nope"))));
    assertThat(missing.getMessage(), containsString("column 'nope' is not in schema"));
    IllegalArgumentException noInput = assertThrows(IllegalArgumentException.class,
        () -> inputs.apply("no input", QualityChecks.forPipeline("p")
            .on("ratings", Check.references("movie_id", "films", "movie_id"))));
    assertThat(noInput.getMessage(), containsString("no input named 'films'; inputs are [movies, ratings]"));
    IllegalArgumentException types = assertThrows(IllegalArgumentException.class,
        () -> inputs.apply("types", QualityChecks.forPipeline("p")
            .on("ratings", Check.references("kind", "movies", "movie_id"))));
    assertThat(types.getMessage(), containsString("references(kind -> movies.movie_id): ratings.kind is"));
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> inputs.apply("text", QualityChecks.forPipeline("p").on("movies", Check.inRange("title", 0, 1))));
    assertThat(text.getMessage(), containsString("in_range needs a numeric column"));
    PCollection<Row> windowed = movies.apply("window", Window.into(FixedWindows.of(Duration.standardMinutes(1))));
    IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
        () -> PCollectionTuple.of("movies", windowed).apply("windowed",
            QualityChecks.forPipeline("p").on("movies", Check.rowCount())));
    assertThat(window.getMessage(), containsString("global window"));
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> QualityChecks.forPipeline("p").on("movies", Check.unique("movie_id"))
            .on("movies", Check.unique("movie_id").warn()));
    assertThat(twice.getMessage(), containsString("check 'unique(movie_id)' is declared twice for table 'movies'"));
    assertThrows(IllegalArgumentException.class, () -> inputs.apply("none", QualityChecks.forPipeline("p")));
    assertThrows(IllegalArgumentException.class, () -> Check.rowCount().atMost(5).atLeast(6));
    assertThrows(IllegalArgumentException.class, () -> Check.inRange("rating", 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Check.inRange("rating", null, null));
    assertThrows(IllegalArgumentException.class, () -> Check.unique());
    assertThrows(IllegalArgumentException.class, () -> Check.notNull());
    assertThrows(IllegalArgumentException.class, () -> Check.inSet("kind"));
    assertThrows(IllegalArgumentException.class,
        () -> Check.deadLetterRatio("dead").withThresholds(0.5, 0.1));
    assertThrows(IllegalArgumentException.class,
        () -> Check.deadLetterRatio("dead").withThresholds(0.01, 1.5));
  }
}
