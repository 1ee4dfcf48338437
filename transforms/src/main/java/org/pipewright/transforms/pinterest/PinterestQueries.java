package org.pipewright.transforms.pinterest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Max;
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
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.Checks;
import org.pipewright.transforms.core.LowerMedian;
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
 * <p>Everything is computed with combiners (counts, rank-1 ties, histogram medians); no step groups
 * a whole table under one key. The pin table is projected and shuffled once for both joins.
 */
public final class PinterestQueries {
  public static final TupleTag<Row> PIN = new TupleTag<>("pin");
  public static final TupleTag<Row> GEO = new TupleTag<>("geo");
  public static final TupleTag<Row> USER = new TupleTag<>("user");

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

  private static final Schema PIN_PART = schema("category", STR, "poster_name", STR, "follower_count", LONG);

  private PinterestQueries() {}

  /** The output tag of the analytics named {@code name} (one of {@link #OUTPUTS}' keys). */
  public static TupleTag<Row> output(String name) {
    Checks.checkArgument(OUTPUTS.containsKey(name), "unknown analytics '%s'", name);
    return new TupleTag<>(name);
  }

  /** All nine analytics: a tuple of {@link #PIN}, {@link #GEO}, {@link #USER} in, nine tables out. */
  public static PTransform<PCollectionTuple, PCollectionTuple> all() {
    return new All();
  }

  private static final class All extends PTransform<PCollectionTuple, PCollectionTuple> {
    @Override
    public PCollectionTuple expand(PCollectionTuple tables) {
      for (TupleTag<Row> tag : List.of(PIN, GEO, USER)) {
        Checks.checkArgument(tables.has(tag), "the input tuple has no '%s' table", tag.getId());
      }
      PCollection<Row> users = tables.get(USER);
      PCollection<KV<Long, Row>> pinParts =
          tables.get(PIN).apply("Project pins", ParDo.of(new ProjectPinFn()))
              .setCoder(KvCoder.of(VarLongCoder.of(), org.apache.beam.sdk.coders.RowCoder.of(PIN_PART)));
      PCollection<Row> postGeo = joinPinsWithGeo(pinParts, tables.get(GEO));
      PCollection<Row> postUser = joinPinsWithUsers(pinParts, users);

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
              users.apply(USERS_JOINED_BY_YEAR, usersJoinedByYear()))
          .and(output(MEDIAN_FOLLOWERS_BY_JOIN_YEAR),
              postUser.apply(MEDIAN_FOLLOWERS_BY_JOIN_YEAR, medianFollowersByJoinYear()))
          .and(output(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP),
              postUser.apply(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP,
                  medianFollowersByJoinYearAndAgeGroup()));
    }
  }

  // ---- joins ------------------------------------------------------------------------------

  private static final TupleTag<Row> PIN_SIDE = new TupleTag<>("pin");
  private static final TupleTag<Row> OTHER_SIDE = new TupleTag<>("other");

  private static PCollection<Row> joinPinsWithGeo(PCollection<KV<Long, Row>> pins, PCollection<Row> geo) {
    Schema geoPart = schema("country", STR, "post_year", INT);
    PCollection<KV<Long, Row>> geoParts =
        geo.apply("Project geo", ParDo.of(new DoFn<Row, KV<Long, Row>>() {
              @ProcessElement
              public void process(@Element Row g, OutputReceiver<KV<Long, Row>> out) {
                ReadableInstant t = g.getDateTime("timestamp");
                out.output(KV.of(g.getInt64("ind"), Row.withSchema(geoPart)
                    .addValues(g.getString("country"), t == null ? null : Timestamps.utcYear(t)).build()));
              }
            }))
            .setCoder(KvCoder.of(VarLongCoder.of(), org.apache.beam.sdk.coders.RowCoder.of(geoPart)));
    return join("Join pins with geo", pins, geoParts, POST_GEO, (p, g) -> Row.withSchema(POST_GEO)
        .addValues(g.getValue(0), p.getValue(0), p.getValue(1), p.getValue(2), g.getValue(1)).build());
  }

  private static PCollection<Row> joinPinsWithUsers(PCollection<KV<Long, Row>> pins, PCollection<Row> users) {
    Schema userPart = schema("age_group", STR, "join_year", INT);
    PCollection<KV<Long, Row>> userParts =
        users.apply("Project users", ParDo.of(new DoFn<Row, KV<Long, Row>>() {
              @ProcessElement
              public void process(@Element Row u, OutputReceiver<KV<Long, Row>> out) {
                ReadableInstant t = u.getDateTime("date_joined");
                out.output(KV.of(u.getInt64("ind"), Row.withSchema(userPart)
                    .addValues(AgeGroups.of(u.getInt32("age")), t == null ? null : Timestamps.utcYear(t))
                    .build()));
              }
            }))
            .setCoder(KvCoder.of(VarLongCoder.of(), org.apache.beam.sdk.coders.RowCoder.of(userPart)));
    return join("Join pins with users", pins, userParts, POST_USER, (p, u) -> Row.withSchema(POST_USER)
        .addValues(p.getValue(0), p.getValue(2), u.getValue(0), u.getValue(1)).build());
  }

  private interface Combiner extends java.io.Serializable {
    Row combine(Row pin, Row other);
  }

  private static PCollection<Row> join(
      String name, PCollection<KV<Long, Row>> pins, PCollection<KV<Long, Row>> other, Schema out,
      Combiner combiner) {
    return KeyedPCollectionTuple.of(PIN_SIDE, pins).and(OTHER_SIDE, other)
        .apply(name + " (group)", CoGroupByKey.create())
        .apply(name, ParDo.of(new DoFn<KV<Long, CoGbkResult>, Row>() {
          @ProcessElement
          public void process(@Element KV<Long, CoGbkResult> group, OutputReceiver<Row> o) {
            Iterable<Row> others = group.getValue().getAll(OTHER_SIDE);
            for (Row p : group.getValue().getAll(PIN_SIDE)) {
              for (Row x : others) {
                o.output(combiner.combine(p, x));
              }
            }
          }
        }))
        .setRowSchema(out);
  }

  private static final class ProjectPinFn extends DoFn<Row, KV<Long, Row>> {
    @ProcessElement
    public void process(@Element Row pin, OutputReceiver<KV<Long, Row>> out) {
      out.output(KV.of(pin.getInt64("ind"), Row.withSchema(PIN_PART)
          .addValues(pin.getString("category"), pin.getString("poster_name"), pin.getInt64("follower_count"))
          .build()));
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
    return new CountBy(POSTS_PER_CATEGORY_BY_YEAR, "post_year", POST_YEAR_FROM, POST_YEAR_TO,
        "post_year", "category");
  }

  /** 7. Users joined per year 2015-2020. Input: the clean user table. */
  public static PTransform<PCollection<Row>, PCollection<Row>> usersJoinedByYear() {
    return new PTransform<PCollection<Row>, PCollection<Row>>() {
      @Override
      public PCollection<Row> expand(PCollection<Row> users) {
        Schema years = schema("join_year", INT);
        return users
            .apply("Join year", ParDo.of(new DoFn<Row, Row>() {
              @ProcessElement
              public void process(@Element Row u, OutputReceiver<Row> out) {
                ReadableInstant t = u.getDateTime("date_joined");
                out.output(Row.withSchema(years).addValue(t == null ? null : Timestamps.utcYear(t)).build());
              }
            }))
            .setRowSchema(years)
            .apply("Count", new CountBy(USERS_JOINED_BY_YEAR, "join_year", JOIN_YEAR_FROM, JOIN_YEAR_TO,
                "join_year"));
      }
    };
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
    return new MedianBy(MEDIAN_FOLLOWERS_BY_JOIN_YEAR, "join_year", "join_year");
  }

  /** 9. Median follower count per join year 2015-2020 and age group. Input: {@link #POST_USER}. */
  public static PTransform<PCollection<Row>, PCollection<Row>> medianFollowersByJoinYearAndAgeGroup() {
    return new MedianBy(MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP, "join_year", "age_group", "join_year");
  }

  /** Counts rows per key (projected fields), optionally keeping a year field within a range. */
  private static final class CountBy extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final String outputName;
    private final String yearField;
    private final int from;
    private final int to;
    private final String[] keys;

    CountBy(String outputName, String yearField, int from, int to, String... keys) {
      this.outputName = outputName;
      this.yearField = yearField;
      this.from = from;
      this.to = to;
      this.keys = keys;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      Schema keySchema = project(input.getSchema(), keys);
      Schema out = OUTPUTS.get(outputName);
      return input
          .apply("Key", ParDo.of(new KeyFn(keySchema, keys, yearField, from, to)))
          .setRowSchema(keySchema)
          .apply("Count", Count.perElement())
          .apply("To rows", ParDo.of(new DoFn<KV<Row, Long>, Row>() {
            @ProcessElement
            public void process(@Element KV<Row, Long> kv, OutputReceiver<Row> o) {
              List<Object> values = new ArrayList<>(kv.getKey().getValues());
              values.add(kv.getValue());
              o.output(Row.withSchema(out).addValues(values).build());
            }
          }))
          .setRowSchema(out);
    }
  }

  /** Projects {@code keys} of a row; drops rows whose {@code yearField} is null or out of range. */
  private static final class KeyFn extends DoFn<Row, Row> {
    private final Schema keySchema;
    private final String[] keys;
    private final String yearField;
    private final int from;
    private final int to;

    KeyFn(Schema keySchema, String[] keys, String yearField, int from, int to) {
      this.keySchema = keySchema;
      this.keys = keys;
      this.yearField = yearField;
      this.from = from;
      this.to = to;
    }

    @ProcessElement
    public void process(@Element Row row, OutputReceiver<Row> out) {
      if (yearField != null) {
        Integer year = row.getInt32(yearField);
        if (year == null || year < from || year > to) {
          return;
        }
      }
      Row.Builder key = Row.withSchema(keySchema);
      for (String k : keys) {
        key.addValue(row.getValue(k));
      }
      out.output(key.build());
    }
  }

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
      Schema keySchema = project(input.getSchema(), groupField, "category");
      return input
          .apply("Key", ParDo.of(new KeyFn(keySchema, new String[] {groupField, "category"}, null, 0, 0)))
          .setRowSchema(keySchema)
          .apply("Count per category", Count.perElement())
          .apply("By group", ParDo.of(new DoFn<KV<Row, Long>, KV<String, KV<String, Long>>>() {
            @ProcessElement
            public void process(@Element KV<Row, Long> kv, OutputReceiver<KV<String, KV<String, Long>>> o) {
              o.output(KV.of(kv.getKey().getString(0), KV.of(kv.getKey().getString(1), kv.getValue())));
            }
          }))
          .setCoder(KvCoder.of(NULLABLE_STRING, KvCoder.of(NULLABLE_STRING, NULLABLE_LONG)))
          .apply("Rank 1 with ties", Combine.perKey(TopTies.of()))
          .apply("To rows", ParDo.of(new DoFn<KV<String, List<KV<String, Long>>>, Row>() {
            @ProcessElement
            public void process(@Element KV<String, List<KV<String, Long>>> kv, OutputReceiver<Row> o) {
              for (KV<String, Long> top : kv.getValue()) {
                o.output(Row.withSchema(out).addValues(kv.getKey(), top.getKey(), top.getValue()).build());
              }
            }
          }))
          .setRowSchema(out);
    }
  }

  private static final NullableCoder<String> NULLABLE_STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final NullableCoder<Long> NULLABLE_LONG = NullableCoder.of(VarLongCoder.of());

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
          .apply("Most followed", Max.perKey(new ByFollowersThenName()))
          .apply("To rows", ParDo.of(new DoFn<KV<String, KV<String, Long>>, Row>() {
            @ProcessElement
            public void process(@Element KV<String, KV<String, Long>> kv, OutputReceiver<Row> o) {
              o.output(Row.withSchema(out)
                  .addValues(kv.getKey(), kv.getValue().getKey(), kv.getValue().getValue()).build());
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
                o.output(Row.withSchema(out).addValues(kv.getKey(), kv.getValue()).build());
              }
            }
          }))
          .setRowSchema(out);
    }
  }

  /** Lower median of follower counts per key, optionally keeping join years 2015-2020. */
  private static final class MedianBy extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final String outputName;
    private final String yearField;
    private final String[] keys;

    MedianBy(String outputName, String yearField, String... keys) {
      this.outputName = outputName;
      this.yearField = yearField;
      this.keys = keys;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> input) {
      Schema out = OUTPUTS.get(outputName);
      Schema keySchema = project(input.getSchema(), keys);
      String[] keyFields = keys;
      String year = yearField;
      return input
          .apply("Key", ParDo.of(new DoFn<Row, KV<Row, Long>>() {
            @ProcessElement
            public void process(@Element Row r, OutputReceiver<KV<Row, Long>> o) {
              if (year != null) {
                Integer y = r.getInt32(year);
                if (y == null || y < JOIN_YEAR_FROM || y > JOIN_YEAR_TO) {
                  return;
                }
              }
              Row.Builder key = Row.withSchema(keySchema);
              for (String k : keyFields) {
                key.addValue(r.getValue(k));
              }
              o.output(KV.of(key.build(), r.getInt64("follower_count")));
            }
          }))
          .setCoder(KvCoder.of(org.apache.beam.sdk.coders.RowCoder.of(keySchema), NULLABLE_LONG))
          .apply("Lower median", Combine.perKey(LowerMedian.of()))
          .apply("To rows", ParDo.of(new DoFn<KV<Row, Long>, Row>() {
            @ProcessElement
            public void process(@Element KV<Row, Long> kv, OutputReceiver<Row> o) {
              List<Object> values = new ArrayList<>(kv.getKey().getValues());
              values.add(kv.getValue());
              o.output(Row.withSchema(out).addValues(values).build());
            }
          }))
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
