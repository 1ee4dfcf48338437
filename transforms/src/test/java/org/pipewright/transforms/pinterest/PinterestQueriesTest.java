package org.pipewright.transforms.pinterest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.Timestamps;

public class PinterestQueriesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static Row pin(long ind, String poster, Long followers, String category) {
    return Row.withSchema(PinterestSchemas.PIN)
        .addValues(ind, "uid-" + ind, "title " + ind, null, followers, poster, null, "image",
            null, "/data/" + category, category)
        .build();
  }

  private static Row geo(long ind, String country, String timestamp) {
    return Row.withSchema(PinterestSchemas.GEO)
        .addValues(ind, country, Arrays.asList(1.0, 2.0), Timestamps.parseUtc(timestamp))
        .build();
  }

  private static Row user(long ind, String name, Integer age, String joined) {
    return Row.withSchema(PinterestSchemas.USER)
        .addValues(ind, name, age, joined == null ? null : Timestamps.parseUtc(joined))
        .build();
  }

  private static final String DIY = "diy-and-crafts";

  private static final List<Row> PINS =
      Arrays.asList(
          pin(1, "Alice", 100L, "art"),
          pin(2, "bob", 500L, "art"),
          pin(3, "Carl", 500L, "travel"),
          pin(3, "Carl", 500L, "travel"), // re-sent: with two geo rows for 3, four joined rows
          pin(4, "Dana", 800L, "travel"),
          pin(5, "Erin", 800L, DIY),
          pin(6, null, null, "art"),
          pin(7, "Zed", 9_000L, "quotes"), // no geo, no user: dropped by the inner joins
          pin(8, "Ben", 800L, DIY),
          pin(10, "Fay", 20L, "travel"));

  private static final List<Row> GEOS =
      Arrays.asList(
          geo(1, "France", "2018-01-01T00:00:00"),
          geo(2, "France", "2019-05-05 12:00:00"),
          geo(3, "France", "2020-06-01T00:00:00"),
          geo(3, "France", "2021-06-01T00:00:00"),
          geo(4, "Chile", "2022-12-31T23:59:59"),
          geo(5, "Chile", "2017-12-31T23:59:59"), // before 2018
          geo(6, "Chile", "2023-01-01T00:00:00"), // after 2022
          geo(8, "Chile", "2020-02-02T00:00:00"),
          geo(9, "Peru", "2020-01-01T00:00:00"), // no pin
          geo(10, "Chile", "2019-03-03T00:00:00"));

  private static final List<Row> USERS =
      Arrays.asList(
          user(1, "Alice A", 20, "2015-01-01T00:00:00"),
          user(2, "Bob B", 30, "2016-06-06T00:00:00"),
          user(3, "Carl C", 45, "2016-07-07T00:00:00"),
          user(4, "Dana D", null, "2020-12-31T23:59:59"), // no age: 50+
          user(5, "Erin E", 60, "2014-12-31T23:59:59"), // before 2015
          user(6, "X", 24, "2019-09-09T00:00:00"), // pin has no follower count
          user(8, "Ben", 18, "2015-05-05T00:00:00"),
          user(10, "Fay", 50, "2017-01-01T00:00:00"),
          user(11, "No Pin", 35, "2018-01-01T00:00:00"), // counted in 7 only
          user(12, "No Date", 25, null),
          user(13, "Late", 40, "2021-01-01T00:00:00")); // after 2020

  private static Row out(String name, Object... values) {
    return Row.withSchema(PinterestQueries.OUTPUTS.get(name)).addValues(values).build();
  }

  private PCollectionTuple tables() {
    PCollection<Row> pins =
        pipeline.apply("Pins", Create.of(PINS).withRowSchema(PinterestSchemas.PIN));
    PCollection<Row> geo =
        pipeline.apply("Geo", Create.of(GEOS).withRowSchema(PinterestSchemas.GEO));
    PCollection<Row> users =
        pipeline.apply("Users", Create.of(USERS).withRowSchema(PinterestSchemas.USER));
    return PCollectionTuple.of(PinterestQueries.PIN, pins)
        .and(PinterestQueries.GEO, geo)
        .and(PinterestQueries.USER, users);
  }

  private static PCollection<Row> get(PCollectionTuple results, String name) {
    PCollection<Row> rows = results.get(PinterestQueries.output(name));
    assertEquals(PinterestQueries.OUTPUTS.get(name), rows.getSchema());
    return rows;
  }

  @Test
  public void allNineAnalytics() {
    PCollectionTuple results = tables().apply("Analytics", PinterestQueries.all());
    assertEquals(9, results.getAll().size());

    // 1. France: travel 4 (two pin copies x two geo rows) beats art 2; Chile: travel and diy tie.
    PAssert.that(get(results, PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY))
        .containsInAnyOrder(
            out(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY, "France", "travel", 4L),
            out(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY, "Chile", "travel", 2L),
            out(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY, "Chile", DIY, 2L));

    // 2. Only 2018-2022: the 2017 and 2023 posts are left out.
    String q2 = PinterestQueries.POSTS_PER_CATEGORY_BY_YEAR;
    PAssert.that(get(results, q2))
        .containsInAnyOrder(
            out(q2, 2018, "art", 1L),
            out(q2, 2019, "art", 1L),
            out(q2, 2019, "travel", 1L),
            out(q2, 2020, "travel", 2L),
            out(q2, 2020, DIY, 1L),
            out(q2, 2021, "travel", 2L),
            out(q2, 2022, "travel", 1L));

    // 3. Ties broken by poster name in code-point order: "Carl" < "bob", "Ben" < "Dana" < "Erin".
    String q3 = PinterestQueries.TOP_USER_BY_COUNTRY;
    PAssert.that(get(results, q3))
        .containsInAnyOrder(out(q3, "France", "Carl", 500L), out(q3, "Chile", "Ben", 800L));

    // 4.
    PAssert.that(get(results, PinterestQueries.COUNTRY_WITH_TOP_USER))
        .containsInAnyOrder(out(PinterestQueries.COUNTRY_WITH_TOP_USER, "Chile", 800L));

    // 5. The user without an age counts as 50+, where travel and diy tie.
    String q5 = PinterestQueries.POPULAR_CATEGORY_BY_AGE_GROUP;
    PAssert.that(get(results, q5))
        .containsInAnyOrder(
            out(q5, "18-24", "art", 2L),
            out(q5, "25-35", "art", 1L),
            out(q5, "36-50", "travel", 3L),
            out(q5, "50+", "travel", 1L),
            out(q5, "50+", DIY, 1L));

    // 6. Lower median of non-null follower counts: 18-24 has 100, 800 (and a null).
    String q6 = PinterestQueries.MEDIAN_FOLLOWERS_BY_AGE_GROUP;
    PAssert.that(get(results, q6))
        .containsInAnyOrder(
            out(q6, "18-24", 100L),
            out(q6, "25-35", 500L),
            out(q6, "36-50", 500L),
            out(q6, "50+", 800L));

    // 7. All user rows (joined or not) by join year, 2015-2020 only.
    String q7 = PinterestQueries.USERS_JOINED_BY_YEAR;
    PAssert.that(get(results, q7))
        .containsInAnyOrder(
            out(q7, 2015, 2L),
            out(q7, 2016, 2L),
            out(q7, 2017, 1L),
            out(q7, 2018, 1L),
            out(q7, 2019, 1L),
            out(q7, 2020, 1L));

    // 8. 2019 has only a null follower count, so its median is null.
    String q8 = PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR;
    PAssert.that(get(results, q8))
        .containsInAnyOrder(
            out(q8, 2015, 100L),
            out(q8, 2016, 500L),
            out(q8, 2017, 20L),
            out(q8, 2019, null),
            out(q8, 2020, 800L));

    // 9.
    String q9 = PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP;
    PAssert.that(get(results, q9))
        .containsInAnyOrder(
            out(q9, "18-24", 2015, 100L),
            out(q9, "25-35", 2016, 500L),
            out(q9, "36-50", 2016, 500L),
            out(q9, "36-50", 2017, 20L),
            out(q9, "18-24", 2019, null),
            out(q9, "50+", 2020, 800L));

    pipeline.run().waitUntilFinish();
  }

  @Test
  public void joinMultipliesDuplicateIds() {
    PCollectionTuple joined = tables().apply("Join", PinterestQueries.joinPosts(1));
    PCollection<Row> postGeo = joined.get(PinterestQueries.postGeo());
    PCollection<Row> postUser = joined.get(PinterestQueries.postUser());
    assertEquals(PinterestQueries.POST_GEO, postGeo.getSchema());
    assertEquals(PinterestQueries.POST_USER, postUser.getSchema());

    List<Row> expectedGeo = new ArrayList<>();
    Schema g = PinterestQueries.POST_GEO;
    expectedGeo.add(Row.withSchema(g).addValues("France", "art", "Alice", 100L, 2018).build());
    expectedGeo.add(Row.withSchema(g).addValues("France", "art", "bob", 500L, 2019).build());
    for (int copy = 0; copy < 2; copy++) {
      expectedGeo.add(Row.withSchema(g).addValues("France", "travel", "Carl", 500L, 2020).build());
      expectedGeo.add(Row.withSchema(g).addValues("France", "travel", "Carl", 500L, 2021).build());
    }
    expectedGeo.add(Row.withSchema(g).addValues("Chile", "travel", "Dana", 800L, 2022).build());
    expectedGeo.add(Row.withSchema(g).addValues("Chile", DIY, "Erin", 800L, 2017).build());
    expectedGeo.add(Row.withSchema(g).addValues("Chile", "art", null, null, 2023).build());
    expectedGeo.add(Row.withSchema(g).addValues("Chile", DIY, "Ben", 800L, 2020).build());
    expectedGeo.add(Row.withSchema(g).addValues("Chile", "travel", "Fay", 20L, 2019).build());
    PAssert.that(postGeo).containsInAnyOrder(expectedGeo);

    Schema u = PinterestQueries.POST_USER;
    PAssert.that(postUser)
        .containsInAnyOrder(
            Row.withSchema(u).addValues("art", 100L, "18-24", 2015).build(),
            Row.withSchema(u).addValues("art", 500L, "25-35", 2016).build(),
            Row.withSchema(u).addValues("travel", 500L, "36-50", 2016).build(),
            Row.withSchema(u).addValues("travel", 500L, "36-50", 2016).build(),
            Row.withSchema(u).addValues("travel", 800L, "50+", 2020).build(),
            Row.withSchema(u).addValues(DIY, 800L, "50+", 2014).build(),
            Row.withSchema(u).addValues("art", null, "18-24", 2019).build(),
            Row.withSchema(u).addValues(DIY, 800L, "18-24", 2015).build(),
            Row.withSchema(u).addValues("travel", 20L, "36-50", 2017).build());
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void countryWithTopUserKeepsTies() {
    Schema top = PinterestQueries.OUTPUTS.get(PinterestQueries.TOP_USER_BY_COUNTRY);
    String q4 = PinterestQueries.COUNTRY_WITH_TOP_USER;
    PCollection<Row> result =
        pipeline
            .apply(
                Create.of(
                        Row.withSchema(top).addValues("India", "a", 9_000_000L).build(),
                        Row.withSchema(top).addValues("Chile", "b", 9_000_000L).build(),
                        Row.withSchema(top).addValues("Peru", "c", 5L).build(),
                        Row.withSchema(top).addValues("Nowhere", null, null).build())
                    .withRowSchema(top))
            .apply(PinterestQueries.countryWithTopUser());
    PAssert.that(result)
        .containsInAnyOrder(out(q4, "India", 9_000_000L), out(q4, "Chile", 9_000_000L));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void topUserNeverPicksNullsOverValues() {
    Schema g = PinterestQueries.POST_GEO;
    String q3 = PinterestQueries.TOP_USER_BY_COUNTRY;
    PCollection<Row> result =
        pipeline
            .apply(
                Create.of(
                        Row.withSchema(g).addValues("Peru", "art", null, 50L, 2020).build(),
                        Row.withSchema(g).addValues("Peru", "art", "zz", 50L, 2020).build(),
                        Row.withSchema(g).addValues("Peru", "art", "aa", null, 2020).build(),
                        Row.withSchema(g).addValues("Chile", "art", "Émile", 7L, 2020).build(),
                        Row.withSchema(g).addValues("Chile", "art", "Zoë", 7L, 2020).build(),
                        Row.withSchema(g).addValues("Fiji", "art", "only", null, 2020).build(),
                        Row.withSchema(g).addValues(null, "art", "x", 1L, 2020).build())
                    .withRowSchema(g))
            .apply(PinterestQueries.topUserByCountry());
    PAssert.that(result)
        .containsInAnyOrder(
            out(q3, "Peru", "zz", 50L),
            out(q3, "Chile", "Zoë", 7L), // 'Z' (U+005A) sorts before 'É' (U+00C9)
            out(q3, "Fiji", "only", null),
            out(q3, null, "x", 1L));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void emptyTablesGiveEmptyResults() {
    PCollectionTuple tables =
        PCollectionTuple.of(
                PinterestQueries.PIN,
                pipeline.apply("Pins", Create.empty(RowCoder.of(PinterestSchemas.PIN)))
                    .setRowSchema(PinterestSchemas.PIN))
            .and(PinterestQueries.GEO,
                pipeline.apply("Geo", Create.empty(RowCoder.of(PinterestSchemas.GEO)))
                    .setRowSchema(PinterestSchemas.GEO))
            .and(PinterestQueries.USER,
                pipeline.apply("Users", Create.empty(RowCoder.of(PinterestSchemas.USER)))
                    .setRowSchema(PinterestSchemas.USER));
    PCollectionTuple results = tables.apply(PinterestQueries.all());
    for (String name : PinterestQueries.OUTPUTS.keySet()) {
      PAssert.that(name, results.get(PinterestQueries.output(name))).empty();
    }
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void rejectsUnknownOutputAndMissingTables() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PinterestQueries.output("q10"));
    assertThat(e.getMessage(), containsString("q10"));
    assertThrows(IllegalArgumentException.class, () -> PinterestQueries.joinPosts(0));

    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionTuple noUsers =
        PCollectionTuple.of(
                PinterestQueries.PIN,
                p.apply("Pins", Create.of(PINS).withRowSchema(PinterestSchemas.PIN)))
            .and(PinterestQueries.GEO,
                p.apply("Geo", Create.of(GEOS).withRowSchema(PinterestSchemas.GEO)));
    e = assertThrows(IllegalArgumentException.class, () -> noUsers.apply(PinterestQueries.all()));
    assertThat(e.getMessage(), containsString("'user'"));
  }

  @Test
  public void ageGroups() {
    assertEquals("50+", AgeGroups.of(null));
    assertEquals("50+", AgeGroups.of(17));
    assertEquals("18-24", AgeGroups.of(18));
    assertEquals("18-24", AgeGroups.of(24));
    assertEquals("25-35", AgeGroups.of(25));
    assertEquals("25-35", AgeGroups.of(35));
    assertEquals("36-50", AgeGroups.of(36));
    assertEquals("36-50", AgeGroups.of(50));
    assertEquals("50+", AgeGroups.of(51));
    assertEquals("50+", AgeGroups.of(0));
  }
}
