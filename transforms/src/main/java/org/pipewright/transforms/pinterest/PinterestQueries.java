package org.pipewright.transforms.pinterest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.Buckets;
import org.pipewright.transforms.core.Checks;
import org.pipewright.transforms.core.GroupCounts;
import org.pipewright.transforms.core.GroupMedians;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.TopTies;

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

  static final int POST_YEAR_FROM = 2018;
  static final int POST_YEAR_TO = 2022;
  static final int JOIN_YEAR_FROM = 2015;
  static final int JOIN_YEAR_TO = 2020;

  private static final FieldType STR = FieldType.STRING.withNullable(true);
  private static final FieldType LONG = FieldType.INT64.withNullable(true);
  private static final FieldType INT = FieldType.INT32.withNullable(true);

  /** Output schemas, in the order the analytics are numbered. */
  public static final Map<String, Schema> OUTPUTS = outputs();

  /** A pin joined with its geo record: the columns the country and year queries need. */
  public static final Schema POST_GEO =
      schema("country", STR, "category", STR, "poster_name", STR, "follower_count", LONG, "post_year", INT);

  /** A pin joined with its user record: the columns the age and join-year queries need. */
  public static final Schema POST_USER =
      schema("category", STR, "follower_count", LONG, "age_group", STR, "join_year", INT);

  private static final Schema PIN_PART =
      schema("ind", FieldType.INT64, "category", STR, "poster_name", STR, "follower_count", LONG);
  private static final Schema GEO_PART = schema("ind", FieldType.INT64, "country", STR, "post_year", INT);
  private static final Schema USER_PART =
      schema("ind", FieldType.INT64, "age_group", STR, "join_year", INT);

  private static final TupleTag<Row> POST_GEO_TAG = new TupleTag<>("postGeo");
  private static final TupleTag<Row> POST_USER_TAG = new TupleTag<>("postUser");

  private PinterestQueries() {}

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

  // ---- the join ---------------------------------------------------------------------------

  /**
   * Inner joins of pins with geo and with users on {@code ind}, in one shuffle: the three projected
   * tables are grouped by {@link Buckets} of the id and hash-joined within each bucket.
   */
  private static final class JoinPosts extends PTransform<PCollectionTuple, PCollectionTuple> {
    private final int buckets;

    JoinPosts(int buckets) {
      this.buckets = buckets;
    }

    @Override
    public PCollectionTuple expand(PCollectionTuple tables) {
      for (TupleTag<Row> tag : List.of(PIN, GEO, USER)) {
        Checks.checkArgument(tables.has(tag), "the input tuple has no '%s' table", tag.getId());
      }
      PCollectionTuple joined = KeyedPCollectionTuple
          .of(PIN, project(tables.get(PIN), "pins", PIN_PART, buckets,
              p -> new Object[] {p.getInt64("ind"), p.getString("category"), p.getString("poster_name"),
                  p.getInt64("follower_count")}))
          .and(GEO, project(tables.get(GEO), "geo", GEO_PART, buckets,
              g -> new Object[] {g.getInt64("ind"), g.getString("country"), year(g.getDateTime("timestamp"))}))
          .and(USER, project(tables.get(USER), "users", USER_PART, buckets,
              u -> new Object[] {u.getInt64("ind"), AgeGroups.of(u.getInt32("age")),
                  year(u.getDateTime("date_joined"))}))
          .apply("Group buckets", CoGroupByKey.create())
          .apply("Hash join", ParDo.of(new HashJoinFn())
              .withOutputTags(POST_GEO_TAG, TupleTagList.of(POST_USER_TAG)));
      joined.get(POST_GEO_TAG).setRowSchema(POST_GEO);
      joined.get(POST_USER_TAG).setRowSchema(POST_USER);
      return joined;
    }
  }

  private interface Projection extends java.io.Serializable {
    Object[] values(Row row);
  }

  private static PCollection<KV<Integer, Row>> project(
      PCollection<Row> table, String name, Schema part, int buckets, Projection projection) {
    return table
        .apply("Project " + name, ParDo.of(new DoFn<Row, KV<Integer, Row>>() {
          @ProcessElement
          public void process(@Element Row row, OutputReceiver<KV<Integer, Row>> out) {
            Row projected = Row.withSchema(part).attachValues(projection.values(row));
            out.output(KV.of(Buckets.of(projected.getInt64(0), buckets), projected));
          }
        }))
        .setCoder(KvCoder.of(VarIntCoder.of(), RowCoder.of(part)));
  }

  private static Integer year(ReadableInstant instant) {
    return instant == null ? null : Timestamps.utcYear(instant);
  }

  private static final class HashJoinFn extends DoFn<KV<Integer, CoGbkResult>, Row> {
    @ProcessElement
    public void process(@Element KV<Integer, CoGbkResult> bucket, MultiOutputReceiver out) {
      Map<Long, List<Row>> geo = byId(bucket.getValue().getAll(GEO));
      Map<Long, List<Row>> users = byId(bucket.getValue().getAll(USER));
      for (Row p : bucket.getValue().getAll(PIN)) {
        Long id = p.getInt64(0);
        for (Row g : geo.getOrDefault(id, List.of())) {
          out.get(POST_GEO_TAG).output(Row.withSchema(POST_GEO)
              .attachValues(g.getValue(1), p.getValue(1), p.getValue(2), p.getValue(3), g.getValue(2)));
        }
        for (Row u : users.getOrDefault(id, List.of())) {
          out.get(POST_USER_TAG).output(Row.withSchema(POST_USER)
              .attachValues(p.getValue(1), p.getValue(3), u.getValue(1), u.getValue(2)));
        }
      }
    }

    private static Map<Long, List<Row>> byId(Iterable<Row> rows) {
      Map<Long, List<Row>> index = new HashMap<>();
      for (Row row : rows) {
        index.computeIfAbsent(row.getInt64(0), k -> new ArrayList<>(1)).add(row);
      }
      return index;
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

  /** Keeps rows whose year field is within an inclusive range. */
  private static final class YearRange implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final String field;
    final int from;
    final int to;

    YearRange(String field, int from, int to) {
      this.field = field;
      this.from = from;
      this.to = to;
    }

    boolean contains(Row row) {
      Integer year = row.getInt32(field);
      return year != null && year >= from && year <= to;
    }
  }

  private static final YearRange JOIN_YEARS = new YearRange("join_year", JOIN_YEAR_FROM, JOIN_YEAR_TO);

  /** Projects {@code keys} of each row (dropping rows outside {@code range}, if given). */
  private static final class KeyFn extends DoFn<Row, Row> {
    private final Schema keySchema;
    private final YearRange range;

    KeyFn(Schema keySchema, YearRange range) {
      this.keySchema = keySchema;
      this.range = range;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      if (range == null || range.contains(row)) {
        out.output(key(row, keySchema));
      }
    }
  }

  private static Row key(Row row, Schema keySchema) {
    Object[] values = new Object[keySchema.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.getValue(keySchema.getField(i).getName());
    }
    return Row.withSchema(keySchema).attachValues(values);
  }

  private static PCollection<Map<Row, Long>> countGroups(
      PCollection<Row> input, YearRange range, String... keys) {
    Schema keySchema = project(input.getSchema(), keys);
    return input
        .apply("Key", ParDo.of(new KeyFn(keySchema, range)))
        .setRowSchema(keySchema)
        .apply("Count per group", Combine.globally(GroupCounts.of(keySchema)));
  }

  /** Counts rows per key fields; the output row is the key values followed by the count. */
  private static final class CountBy extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final String outputName;
    private final YearRange range;
    private final String[] keys;

    CountBy(String outputName, YearRange range, String... keys) {
      this.outputName = outputName;
      this.range = range;
      this.keys = keys;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      return countGroups(input, range, keys)
          .apply("To rows", ParDo.of(new KeyValueRowsFn(OUTPUTS.get(outputName))))
          .setRowSchema(OUTPUTS.get(outputName));
    }
  }

  /** Emits one row per map entry: the key row's values followed by the value. */
  private static final class KeyValueRowsFn extends DoFn<Map<Row, Long>, Row> {
    private final Schema out;

    KeyValueRowsFn(Schema out) {
      this.out = out;
    }

    @ProcessElement
    public void process(@Element Map<Row, Long> groups, OutputReceiver<Row> o) {
      for (Map.Entry<Row, Long> e : groups.entrySet()) {
        List<Object> values = new ArrayList<>(e.getKey().getValues());
        values.add(e.getValue());
        o.output(Row.withSchema(out).attachValues(values));
      }
    }
  }

  private static final class UsersJoinedByYear extends PTransform<PCollection<Row>, PCollection<Row>> {
    @Override
    public PCollection<Row> expand(PCollection<Row> users) {
      Schema years = schema("join_year", INT);
      return users
          .apply("Join year", ParDo.of(new DoFn<Row, Row>() {
            @ProcessElement
            public void process(@Element Row u, OutputReceiver<Row> out) {
              out.output(Row.withSchema(years).addValue(year(u.getDateTime("date_joined"))).build());
            }
          }))
          .setRowSchema(years)
          .apply("Count", new CountBy(USERS_JOINED_BY_YEAR, JOIN_YEARS, "join_year"));
    }
  }

  /** Rank 1 (ties kept) of category counts within each group. */
  private static final class PopularCategory extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final String groupField;
    private final String outputName;

    PopularCategory(String groupField, String outputName) {
      this.groupField = groupField;
      this.outputName = outputName;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      Schema out = OUTPUTS.get(outputName);
      return countGroups(input, null, groupField, "category")
          .apply("Rank 1 with ties", ParDo.of(new DoFn<Map<Row, Long>, Row>() {
            @ProcessElement
            public void process(@Element Map<Row, Long> counts, OutputReceiver<Row> o) {
              Map<String, List<KV<String, Long>>> top = new HashMap<>();
              TopTies ties = TopTies.of();
              counts.forEach((key, count) -> ties.addInput(
                  top.computeIfAbsent(key.getString(0), k -> ties.createAccumulator()),
                  KV.of(key.getString(1), count)));
              top.forEach((group, best) -> best.forEach(kv ->
                  o.output(Row.withSchema(out).attachValues(group, kv.getKey(), kv.getValue()))));
            }
          }))
          .setRowSchema(out);
    }
  }

  /** Orders (poster, followers): more followers first, then the smaller poster name. */
  static final class ByFollowersThenName implements Comparator<KV<String, Long>>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(KV<String, Long> a, KV<String, Long> b) {
      Long fa = a.getValue();
      Long fb = b.getValue();
      if (fa == null || fb == null) {
        if (fa != fb) {
          return fa == null ? -1 : 1;
        }
      } else if (!fa.equals(fb)) {
        return Long.compare(fa, fb);
      }
      String na = a.getKey();
      String nb = b.getKey();
      if (na == null || nb == null) {
        return na == nb ? 0 : (na == null ? -1 : 1);
      }
      // Code-point order, reversed: the smaller name is the better one.
      return -compareCodePoints(na, nb);
    }

    static int compareCodePoints(String a, String b) {
      int i = 0;
      int j = 0;
      while (i < a.length() && j < b.length()) {
        int ca = a.codePointAt(i);
        int cb = b.codePointAt(j);
        if (ca != cb) {
          return Integer.compare(ca, cb);
        }
        i += Character.charCount(ca);
        j += Character.charCount(cb);
      }
      return Integer.compare(a.length() - i, b.length() - j);
    }
  }

  /** Per country, the best (poster, followers) by {@link ByFollowersThenName}. */
  static final class BestPerCountry
      extends Combine.CombineFn<KV<String, KV<String, Long>>, Map<String, KV<String, Long>>,
          Map<String, KV<String, Long>>> {
    private static final long serialVersionUID = 1L;
    private static final ByFollowersThenName ORDER = new ByFollowersThenName();

    @Override
    public Map<String, KV<String, Long>> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public Map<String, KV<String, Long>> addInput(
        Map<String, KV<String, Long>> best, KV<String, KV<String, Long>> input) {
      best.merge(input.getKey(), input.getValue(), (a, b) -> ORDER.compare(a, b) >= 0 ? a : b);
      return best;
    }

    @Override
    public Map<String, KV<String, Long>> mergeAccumulators(Iterable<Map<String, KV<String, Long>>> accs) {
      Map<String, KV<String, Long>> merged = createAccumulator();
      for (Map<String, KV<String, Long>> acc : accs) {
        acc.forEach((country, poster) -> addInput(merged, KV.of(country, poster)));
      }
      return merged;
    }

    @Override
    public Map<String, KV<String, Long>> extractOutput(Map<String, KV<String, Long>> best) {
      return best;
    }

    @Override
    public Coder<Map<String, KV<String, Long>>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<String, KV<String, Long>>> inputCoder) {
      return MapCoder.of(NULLABLE_STRING, KvCoder.of(NULLABLE_STRING, NULLABLE_LONG));
    }

    @Override
    public Coder<Map<String, KV<String, Long>>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<String, KV<String, Long>>> inputCoder) {
      return getAccumulatorCoder(registry, inputCoder);
    }
  }

  private static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final NullableCoder<Long> NULLABLE_LONG = NullableCoder.of(VarLongCoder.of());

  private static final class TopUserByCountry extends PTransform<PCollection<Row>, PCollection<Row>> {
    @Override
    public PCollection<Row> expand(PCollection<Row> postGeo) {
      Schema out = OUTPUTS.get(TOP_USER_BY_COUNTRY);
      return postGeo
          .apply("Key by country", ParDo.of(new DoFn<Row, KV<String, KV<String, Long>>>() {
            @ProcessElement
            public void process(@Element Row r, OutputReceiver<KV<String, KV<String, Long>>> o) {
              o.output(KV.of(r.getString("country"),
                  KV.of(r.getString("poster_name"), r.getInt64("follower_count"))));
            }
          }))
          .setCoder(KvCoder.of(NULLABLE_STRING, KvCoder.of(NULLABLE_STRING, NULLABLE_LONG)))
          .apply("Most followed", Combine.globally(new BestPerCountry()))
          .apply("To rows", ParDo.of(new DoFn<Map<String, KV<String, Long>>, Row>() {
            @ProcessElement
            public void process(@Element Map<String, KV<String, Long>> best, OutputReceiver<Row> o) {
              best.forEach((country, poster) ->
                  o.output(Row.withSchema(out).attachValues(country, poster.getKey(), poster.getValue())));
            }
          }))
          .setRowSchema(out);
    }
  }

  private static final class CountryWithTopUser extends PTransform<PCollection<Row>, PCollection<Row>> {
    @Override
    public PCollection<Row> expand(PCollection<Row> topUsers) {
      Schema out = OUTPUTS.get(COUNTRY_WITH_TOP_USER);
      return topUsers
          .apply("Country and followers", ParDo.of(new DoFn<Row, KV<String, Long>>() {
            @ProcessElement
            public void process(@Element Row r, OutputReceiver<KV<String, Long>> o) {
              o.output(KV.of(r.getString("country"), r.getInt64("follower_count")));
            }
          }))
          .setCoder(KvCoder.of(NULLABLE_STRING, NULLABLE_LONG))
          .apply("Rank 1 with ties", Combine.globally(TopTies.of()))
          .apply("To rows", ParDo.of(new DoFn<List<KV<String, Long>>, Row>() {
            @ProcessElement
            public void process(@Element List<KV<String, Long>> top, OutputReceiver<Row> o) {
              for (KV<String, Long> kv : top) {
                o.output(Row.withSchema(out).attachValues(kv.getKey(), kv.getValue()));
              }
            }
          }))
          .setRowSchema(out);
    }
  }

  /** Lower median of follower counts per key fields (optionally within a year range). */
  private static final class MedianBy extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final String outputName;
    private final YearRange range;
    private final String[] keys;

    MedianBy(String outputName, YearRange range, String... keys) {
      this.outputName = outputName;
      this.range = range;
      this.keys = keys;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      Schema out = OUTPUTS.get(outputName);
      Schema keySchema = project(input.getSchema(), keys);
      YearRange years = range;
      return input
          .apply("Key", ParDo.of(new DoFn<Row, KV<Row, Long>>() {
            @ProcessElement
            public void process(@Element Row r, OutputReceiver<KV<Row, Long>> o) {
              if (years == null || years.contains(r)) {
                o.output(KV.of(key(r, keySchema), r.getInt64("follower_count")));
              }
            }
          }))
          .setCoder(KvCoder.of(RowCoder.of(keySchema), NULLABLE_LONG))
          .apply("Lower median", Combine.globally(GroupMedians.of(keySchema)))
          .apply("To rows", ParDo.of(new KeyValueRowsFn(out)))
          .setRowSchema(out);
    }
  }

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

  private static Schema schema(Object... nameTypePairs) {
    Schema.Builder b = Schema.builder();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      b.addField((String) nameTypePairs[i], (FieldType) nameTypePairs[i + 1]);
    }
    return b.build();
  }

  private static Schema project(Schema schema, String... fields) {
    Schema.Builder b = Schema.builder();
    for (String f : fields) {
      b.addField(schema.getField(f));
    }
    return b.build();
  }
}
