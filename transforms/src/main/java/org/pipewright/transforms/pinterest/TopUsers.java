package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.pinterest.PinterestQueries.COUNTRY_WITH_TOP_USER;
import static org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS;
import static org.pipewright.transforms.pinterest.PinterestQueries.TOP_USER_BY_COUNTRY;
import static org.pipewright.transforms.pinterest.QuerySteps.NULLABLE_LONG;
import static org.pipewright.transforms.pinterest.QuerySteps.NULLABLE_STRING;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.TopTies;
import org.pipewright.transforms.core.Values;

/** The most followed poster per country, and the countries whose top poster leads overall. */
final class TopUsers {
  private TopUsers() {}

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
      return Values.compareCodePoints(a, b);
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

  static final class TopUserByCountry extends PTransform<PCollection<Row>, PCollection<Row>> {
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

  static final class CountryWithTopUser extends PTransform<PCollection<Row>, PCollection<Row>> {
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
}
