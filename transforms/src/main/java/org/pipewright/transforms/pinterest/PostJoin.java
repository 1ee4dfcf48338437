package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.pinterest.PinterestQueries.GEO;
import static org.pipewright.transforms.pinterest.PinterestQueries.INT;
import static org.pipewright.transforms.pinterest.PinterestQueries.LONG;
import static org.pipewright.transforms.pinterest.PinterestQueries.PIN;
import static org.pipewright.transforms.pinterest.PinterestQueries.POST_GEO;
import static org.pipewright.transforms.pinterest.PinterestQueries.POST_USER;
import static org.pipewright.transforms.pinterest.PinterestQueries.STR;
import static org.pipewright.transforms.pinterest.PinterestQueries.USER;
import static org.pipewright.transforms.pinterest.PinterestQueries.schema;
import static org.pipewright.transforms.pinterest.QuerySteps.year;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
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
import org.pipewright.transforms.internal.Buckets;
import org.pipewright.transforms.internal.Checks;

/** Inner joins of pins with their geo and user records, for the queries that need both. */
final class PostJoin {
  private PostJoin() {}

  static final Schema PIN_PART =
      schema("ind", FieldType.INT64, "category", STR, "poster_name", STR, "follower_count", LONG);
  static final Schema GEO_PART = schema("ind", FieldType.INT64, "country", STR, "post_year", INT);
  static final Schema USER_PART =
      schema("ind", FieldType.INT64, "age_group", STR, "join_year", INT);

  static final TupleTag<Row> POST_GEO_TAG = new TupleTag<>("postGeo");
  static final TupleTag<Row> POST_USER_TAG = new TupleTag<>("postUser");

  /**
   * Inner joins of pins with geo and with users on {@code ind}, in one shuffle: the three projected
   * tables are grouped by {@link Buckets} of the id and hash-joined within each bucket.
   */
  static final class JoinPosts extends PTransform<PCollectionTuple, PCollectionTuple> {
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

  interface Projection extends java.io.Serializable {
    Object[] values(Row row);
  }

  static PCollection<KV<Integer, Row>> project(
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

  static final class HashJoinFn extends DoFn<KV<Integer, CoGbkResult>, Row> {
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

    static Map<Long, List<Row>> byId(Iterable<Row> rows) {
      Map<Long, List<Row>> index = new HashMap<>();
      for (Row row : rows) {
        index.computeIfAbsent(row.getInt64(0), k -> new ArrayList<>(1)).add(row);
      }
      return index;
    }
  }
}
