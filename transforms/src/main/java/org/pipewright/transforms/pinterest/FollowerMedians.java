package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS;
import static org.pipewright.transforms.pinterest.QuerySteps.KeyValueRowsFn;
import static org.pipewright.transforms.pinterest.QuerySteps.NULLABLE_LONG;
import static org.pipewright.transforms.pinterest.QuerySteps.YearRange;
import static org.pipewright.transforms.pinterest.QuerySteps.key;
import static org.pipewright.transforms.pinterest.QuerySteps.project;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.GroupMedians;

/** Lower medians of follower counts per group. */
final class FollowerMedians {
  private FollowerMedians() {}

  /** Lower median of follower counts per key fields (optionally within a year range). */
  static final class MedianBy extends PTransform<PCollection<Row>, PCollection<Row>> {
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
}
