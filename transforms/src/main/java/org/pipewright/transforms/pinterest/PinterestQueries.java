package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.pinterest.CategoryCounts.CountBy;
import static org.pipewright.transforms.pinterest.CategoryCounts.PopularCategory;
import static org.pipewright.transforms.pinterest.CategoryCounts.UsersJoinedByYear;
import static org.pipewright.transforms.pinterest.FollowerMedians.MedianBy;
import static org.pipewright.transforms.pinterest.PostJoin.JoinPosts;
import static org.pipewright.transforms.pinterest.PostJoin.POST_GEO_TAG;
import static org.pipewright.transforms.pinterest.PostJoin.POST_USER_TAG;
import static org.pipewright.transforms.pinterest.QuerySteps.YearRange;
import static org.pipewright.transforms.pinterest.TopUsers.CountryWithTopUser;
import static org.pipewright.transforms.pinterest.TopUsers.TopUserByCountry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.pipewright.transforms.internal.Buckets;
import org.pipewright.transforms.internal.Checks;

/**
 * The nine Pinterest analytics over the clean pin, geo and user tables, with the seed project's
 * semantics: inner joins on {@code ind} (duplicates multiply, as in Spark), rank-1 ties kept, the
 * lower median, UTC calendar years with inclusive ranges, and {@link AgeGroups}.
 *
 * <pre>{@code
 * PCollectionTuple tables = PCollectionTuple.of(PinterestQueries.PIN, pins)
 *     .and(PinterestQueries.GEO, geo).and(PinterestQueries.USER, users);
 * PCollectionTuple results = tables.apply("Analytics", PinterestQueries.all());
 * PCollection<Row> q1 = results.get(PinterestQueries.output(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY));
 * }</pre>
 *
 * <p>The three tables are projected to the few columns the queries need and joined in one shuffle,
 * grouped by {@link Buckets} of the id. Every aggregate has a small number of groups (countries,
 * categories, years, age groups), so each is one {@code Combine.globally} with a compact per-group
 * accumulator (counts, best poster, value histograms) that runners pre-aggregate on every worker.
 *
 * <p>This class names the analytics and wires them together; the steps live beside it: {@code
 * PostJoin} (the join), {@code CategoryCounts} (queries 1, 2, 5, 7), {@code TopUsers} (3, 4) and
 * {@code FollowerMedians} (6, 8, 9), with {@code QuerySteps} shared by them.
 */
public final class PinterestQueries {
  public static final TupleTag<Row> PIN = CleanPinterest.tag(CleanPinterest.PIN_KIND);
  public static final TupleTag<Row> GEO = CleanPinterest.tag(CleanPinterest.GEO_KIND);
  public static final TupleTag<Row> USER = CleanPinterest.tag(CleanPinterest.USER_KIND);

  public static final String POPULAR_CATEGORY_BY_COUNTRY = "popular_category_by_country";
  public static final String POSTS_PER_CATEGORY_BY_YEAR = "posts_per_category_by_year";
  public static final String TOP_USER_BY_COUNTRY = "top_user_by_country";
  public static final String COUNTRY_WITH_TOP_USER = "country_with_top_user";
  public static final String POPULAR_CATEGORY_BY_AGE_GROUP = "popular_category_by_age_group";
  public static final String MEDIAN_FOLLOWERS_BY_AGE_GROUP = "median_followers_by_age_group";
  public static final String USERS_JOINED_BY_YEAR = "users_joined_by_year";
  public static final String MEDIAN_FOLLOWERS_BY_JOIN_YEAR = "median_followers_by_join_year";
  public static final String MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP =
      "median_followers_by_join_year_and_age_group";

  /** Posts are counted per year from {@value} ... */
  public static final int POST_YEAR_FROM = 2018;
  /** ... to {@value} (inclusive). */
  public static final int POST_YEAR_TO = 2022;
  /** Users are counted per join year from {@value} ... */
  public static final int JOIN_YEAR_FROM = 2015;
  /** ... to {@value} (inclusive). */
  public static final int JOIN_YEAR_TO = 2020;

  static final FieldType STR = FieldType.STRING.withNullable(true);
  static final FieldType LONG = FieldType.INT64.withNullable(true);
  static final FieldType INT = FieldType.INT32.withNullable(true);

  /** Output schemas, in the order the analytics are numbered. */
  public static final Map<String, Schema> OUTPUTS = outputs();

  /** A pin joined with its geo record: the columns the country and year queries need. */
  public static final Schema POST_GEO =
      schema("country", STR, "category", STR, "poster_name", STR, "follower_count", LONG, "post_year", INT);

  /** A pin joined with its user record: the columns the age and join-year queries need. */
  public static final Schema POST_USER =
      schema("category", STR, "follower_count", LONG, "age_group", STR, "join_year", INT);

  private PinterestQueries() {}

  /**
   * The order of query 3: more followers first, then the smaller poster name (code points); nulls
   * last. For code outside a pipeline that must rank posters the same way.
   */
  public static java.util.Comparator<KV<String, Long>> posterOrder() {
    return new TopUsers.ByFollowersThenName();
  }

  /** The output tag of the analytics named {@code name} (one of {@link #OUTPUTS}' keys). */
  public static TupleTag<Row> output(String name) {
    Checks.checkArgument(OUTPUTS.containsKey(name), "unknown analytics '%s'", name);
    return new TupleTag<>(name);
  }

  /** All nine analytics: a tuple of {@link #PIN}, {@link #GEO}, {@link #USER} in, nine tables out. */
  public static PTransform<PCollectionTuple, PCollectionTuple> all() {
    return new All(Buckets.DEFAULT);
  }

  /** Joins pins with their geo and user records; outputs tagged {@link #POST_GEO} / {@link #POST_USER}. */
  public static PTransform<PCollectionTuple, PCollectionTuple> joinPosts(int buckets) {
    Checks.checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
    return new JoinPosts(buckets);
  }

  /** The tag of {@link #POST_GEO} rows in the output of {@link #joinPosts}. */
  public static TupleTag<Row> postGeo() {
    return POST_GEO_TAG;
  }

  /** The tag of {@link #POST_USER} rows in the output of {@link #joinPosts}. */
  public static TupleTag<Row> postUser() {
    return POST_USER_TAG;
  }

  private static final class All extends PTransform<PCollectionTuple, PCollectionTuple> {
    private final int buckets;

    All(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public PCollectionTuple expand(PCollectionTuple tables) {
      PCollectionTuple joined = tables.apply("Join posts", new JoinPosts(buckets));
      PCollection<Row> postGeo = joined.get(POST_GEO_TAG);
      PCollection<Row> postUser = joined.get(POST_USER_TAG);
      PCollection<Row> topUsers = postGeo.apply(TOP_USER_BY_COUNTRY, topUserByCountry());
      return PCollectionTuple.of(output(POPULAR_CATEGORY_BY_COUNTRY),
              postGeo.apply(POPULAR_CATEGORY_BY_COUNTRY, popularCategoryByCountry()))
          .and(output(POSTS_PER_CATEGORY_BY_YEAR),
              postGeo.apply(POSTS_PER_CATEGORY_BY_YEAR, postsPerCategoryByYear()))
          .and(output(TOP_USER_BY_COUNTRY), topUsers)
          .and(output(COUNTRY_WITH_TOP_USER),
              topUsers.apply(COUNTRY_WITH_TOP_USER, countryWithTopUser()))
          .and(output(POPULAR_CATEGORY_BY_AGE_GROUP),
              postUser.apply(POPULAR_CATEGORY_BY_AGE_GROUP, popularCategoryByAgeGroup()))
          .and(output(MEDIAN_FOLLOWERS_BY_AGE_GROUP),
              postUser.apply(MEDIAN_FOLLOWERS_BY_AGE_GROUP, medianFollowersByAgeGroup()))
          .and(output(USERS_JOINED_BY_YEAR),
              tables.get(USER).apply(USERS_JOINED_BY_YEAR, usersJoinedByYear()))
          .and(output(MEDIAN_FOLLOWERS_BY_JOIN_YEAR),
              postUser.apply(MEDIAN_FOLLOWERS_BY_JOIN_YEAR, medianFollowersByJoinYear()))
          .and(output(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP),
              postUser.apply(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP,
                  medianFollowersByJoinYearAndAgeGroup()));
    }
  }

  // ---- the queries ------------------------------------------------------------------------

  /** 1. Most popular category per country, ties kept. Input: {@link #POST_GEO}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> popularCategoryByCountry() {
    return new PopularCategory("country", POPULAR_CATEGORY_BY_COUNTRY);
  }

  /** 5. Most popular category per age group, ties kept. Input: {@link #POST_USER}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> popularCategoryByAgeGroup() {
    return new PopularCategory("age_group", POPULAR_CATEGORY_BY_AGE_GROUP);
  }

  /** 2. Posts per category per year 2018-2022 (geo timestamp year). Input: {@link #POST_GEO}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> postsPerCategoryByYear() {
    return new CountBy(POSTS_PER_CATEGORY_BY_YEAR, new YearRange("post_year", POST_YEAR_FROM, POST_YEAR_TO),
        "post_year", "category");
  }

  /** 7. Users joined per year 2015-2020. Input: the clean user table. */
  public static PTransform<PCollection<Row>, PCollection<Row>> usersJoinedByYear() {
    return new UsersJoinedByYear();
  }

  /** 3. Most followed user per country; ties broken by poster name. Input: {@link #POST_GEO}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> topUserByCountry() {
    return new TopUserByCountry();
  }

  /** 4. The countries whose top user has the most followers, ties kept. Input: output of 3. */
  public static PTransform<PCollection<Row>, PCollection<Row>> countryWithTopUser() {
    return new CountryWithTopUser();
  }

  /** 6. Median follower count per age group. Input: {@link #POST_USER}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> medianFollowersByAgeGroup() {
    return new MedianBy(MEDIAN_FOLLOWERS_BY_AGE_GROUP, null, "age_group");
  }

  /** 8. Median follower count per join year 2015-2020. Input: {@link #POST_USER}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> medianFollowersByJoinYear() {
    return new MedianBy(MEDIAN_FOLLOWERS_BY_JOIN_YEAR, JOIN_YEARS, "join_year");
  }

  /** 9. Median follower count per join year 2015-2020 and age group. Input: {@link #POST_USER}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> medianFollowersByJoinYearAndAgeGroup() {
    return new MedianBy(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP, JOIN_YEARS, "age_group", "join_year");
  }

  static final QuerySteps.YearRange JOIN_YEARS = new YearRange("join_year", JOIN_YEAR_FROM, JOIN_YEAR_TO);

  // ---- schemas ----------------------------------------------------------------------------

  private static Map<String, Schema> outputs() {
    Map<String, Schema> m = new LinkedHashMap<>();
    m.put(POPULAR_CATEGORY_BY_COUNTRY, schema("country", STR, "category", STR, "category_count", LONG));
    m.put(POSTS_PER_CATEGORY_BY_YEAR, schema("post_year", INT, "category", STR, "category_count", LONG));
    m.put(TOP_USER_BY_COUNTRY, schema("country", STR, "poster_name", STR, "follower_count", LONG));
    m.put(COUNTRY_WITH_TOP_USER, schema("country", STR, "follower_count", LONG));
    m.put(POPULAR_CATEGORY_BY_AGE_GROUP, schema("age_group", STR, "category", STR, "category_count", LONG));
    m.put(MEDIAN_FOLLOWERS_BY_AGE_GROUP, schema("age_group", STR, "median_follower_count", LONG));
    m.put(USERS_JOINED_BY_YEAR, schema("post_year", INT, "number_users_joined", LONG));
    m.put(MEDIAN_FOLLOWERS_BY_JOIN_YEAR, schema("post_year", INT, "median_follower_count", LONG));
    m.put(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP,
        schema("age_group", STR, "post_year", INT, "median_follower_count", LONG));
    return java.util.Collections.unmodifiableMap(m);
  }

  static Schema schema(Object... nameTypePairs) {
    Schema.Builder b = Schema.builder();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      b.addField((String) nameTypePairs[i], (FieldType) nameTypePairs[i + 1]);
    }
    return b.build();
  }
}
