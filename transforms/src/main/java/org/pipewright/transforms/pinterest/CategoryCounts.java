package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.pinterest.PinterestQueries.INT;
import static org.pipewright.transforms.pinterest.PinterestQueries.JOIN_YEARS;
import static org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS;
import static org.pipewright.transforms.pinterest.PinterestQueries.USERS_JOINED_BY_YEAR;
import static org.pipewright.transforms.pinterest.PinterestQueries.schema;
import static org.pipewright.transforms.pinterest.QuerySteps.KeyValueRowsFn;
import static org.pipewright.transforms.pinterest.QuerySteps.YearRange;
import static org.pipewright.transforms.pinterest.QuerySteps.countGroups;
import static org.pipewright.transforms.pinterest.QuerySteps.year;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.TopTies;

/** The counting queries: most popular category per group, posts per category and year, users per join year. */
final class CategoryCounts {
  private CategoryCounts() {}

  /** Counts rows per key fields; the output row is the key values followed by the count. */
  static final class CountBy extends PTransform<PCollection<Row>, PCollection<Row>> {
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

  static final class UsersJoinedByYear extends PTransform<PCollection<Row>, PCollection<Row>> {
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
  static final class PopularCategory extends PTransform<PCollection<Row>, PCollection<Row>> {
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
}
