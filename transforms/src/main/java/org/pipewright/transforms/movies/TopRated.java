package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.movies.MovieAnalytics.MEAN_SCALE;
import static org.pipewright.transforms.movies.MovieAnalytics.MOVIES;
import static org.pipewright.transforms.movies.MovieAnalytics.RATINGS;
import static org.pipewright.transforms.movies.MovieAnalytics.TOP_RATED_SCHEMA;
import static org.pipewright.transforms.movies.MovieAnalytics.checkField;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.internal.PerKey;

/**
 * The best-rated movies: rows of {@link MovieAnalytics#TOP_RATED_SCHEMA} for the movies with at
 * least {@code minVotes} ratings (default {@value #DEFAULT_MIN_VOTES}), by mean rating descending,
 * then number of ratings descending, then {@code movie_id} ascending; the first {@code topN}
 * (default {@value #DEFAULT_TOP_N}), ranked 1..N without gaps (fewer when fewer movies qualify).
 *
 * <p>The mean is the exact sum of the ratings ({@code BigDecimal} of each rating's decimal text,
 * no float drift) divided by their number, rounded half up to {@value MovieAnalytics#MEAN_SCALE}
 * decimals once; movies are ranked by that published mean, so two movies that show the same mean
 * are ordered by their number of ratings and the order can be checked from the table alone. The
 * title is looked up in the movies table (null when the movie is not there).
 *
 * <p>Input: a tuple of {@link MovieAnalytics#RATINGS} ({@code movie_id INT64}, {@code rating
 * DOUBLE}, such as {@link MovieSchemas#RATING}) and {@link MovieAnalytics#MOVIES} ({@code movie_id
 * INT64}, {@code title STRING}). A combiner per movie counts and sums its ratings; Beam's {@link
 * Top} keeps at most N movies per worker; only the N winners' titles are looked up, through a side
 * input, so the movies table is read once and never shuffled. A rating that is not a finite number
 * cannot come from the clean model; it is skipped and counted ({@code
 * ratings.TopRated.skipped}).
 *
 * <pre>{@code
 * PCollection<Row> top = PCollectionTuple.of(MovieAnalytics.RATINGS, ratings)
 *     .and(MovieAnalytics.MOVIES, movies)
 *     .apply("Top rated", TopRated.create().withMinVotes(100).withTopN(10));
 * }</pre>
 */
public final class TopRated extends PTransform<PCollectionTuple, PCollection<Row>> {
  public static final int DEFAULT_MIN_VOTES = 50;
  public static final int DEFAULT_TOP_N = 25;

  /** A qualifying movie before ranking: {@code movie_id}, {@code ratings}, {@code mean_rating}. */
  static final Schema RATED =
      Schema.builder()
          .addInt64Field("movie_id")
          .addInt64Field("ratings")
          .addDecimalField("mean_rating")
          .build();

  private final int minVotes;
  private final int topN;

  private TopRated(int minVotes, int topN) {
    this.minVotes = minVotes;
    this.topN = topN;
  }

  /** The first {@value #DEFAULT_TOP_N} of the movies with at least {@value #DEFAULT_MIN_VOTES} ratings. */
  public static TopRated create() {
    return new TopRated(DEFAULT_MIN_VOTES, DEFAULT_TOP_N);
  }

  /** Returns a copy that ranks only movies with at least {@code minVotes} (>= 1) ratings. */
  public TopRated withMinVotes(int minVotes) {
    checkArgument(minVotes >= 1, "minVotes must be >= 1, got %s", minVotes);
    return new TopRated(minVotes, topN);
  }

  /** Returns a copy that keeps the first {@code topN} (>= 1) movies. */
  public TopRated withTopN(int topN) {
    checkArgument(topN >= 1, "topN must be >= 1, got %s", topN);
    return new TopRated(minVotes, topN);
  }

  @Override
  public PCollection<Row> expand(PCollectionTuple tables) {
    for (TupleTag<Row> tag : List.of(RATINGS, MOVIES)) {
      checkArgument(tables.has(tag), "the input tuple has no '%s' table", tag.getId());
    }
    PCollection<Row> ratings = tables.get(RATINGS);
    PCollection<Row> movies = tables.get(MOVIES);
    checkField(ratings.getSchema(), "movie_id", FieldType.INT64, "TopRated");
    checkField(ratings.getSchema(), "rating", FieldType.DOUBLE, "TopRated");
    checkField(movies.getSchema(), "movie_id", FieldType.INT64, "TopRated");
    checkField(movies.getSchema(), "title", FieldType.STRING, "TopRated");

    PCollection<List<Row>> top = ratings
        .apply("Key by movie", ParDo.of(new KeyFn(
            ratings.getSchema().indexOf("movie_id"), ratings.getSchema().indexOf("rating"))))
        .setCoder(KvCoder.of(VarLongCoder.of(), DoubleCoder.of()))
        .apply("Count and sum per movie", PerKey.combine(new StatsFn()))
        .apply("At least " + minVotes + " ratings", ParDo.of(new QualifyFn(minVotes)))
        .setRowSchema(RATED)
        .apply("Top " + topN, Top.of(topN, new ByMean()));
    PCollectionView<Map<Long, Long>> topIds = top
        .apply("Ids of the top", ParDo.of(new IdsFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("View top ids", View.asMap());
    PCollectionView<List<KV<Long, String>>> titles = movies
        .apply("Titles of the top", ParDo.of(new TitleFn(topIds,
                movies.getSchema().indexOf("movie_id"), movies.getSchema().indexOf("title")))
            .withSideInputs(topIds))
        .setCoder(KvCoder.of(VarLongCoder.of(), NullableCoder.of(StringUtf8Coder.of())))
        .apply("View titles", View.asList());
    return top
        .apply("Rank", ParDo.of(new RankFn(titles)).withSideInputs(titles))
        .setRowSchema(TOP_RATED_SCHEMA);
  }

  /** {@code sum / count}, rounded half up to {@value MovieAnalytics#MEAN_SCALE} decimals once. */
  static BigDecimal mean(BigDecimal sum, long count) {
    return sum.divide(BigDecimal.valueOf(count), MEAN_SCALE, RoundingMode.HALF_UP);
  }

  /**
   * Greater is better: the higher mean, then more ratings, then the smaller movie id. Movie ids
   * are unique after the per-movie combine, so this is a total order: the same top on every runner.
   */
  static final class ByMean implements Comparator<Row>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Row a, Row b) {
      int byMean = a.getDecimal(2).compareTo(b.getDecimal(2));
      if (byMean != 0) {
        return byMean;
      }
      int byRatings = Long.compare(a.getInt64(1), b.getInt64(1));
      if (byRatings != 0) {
        return byRatings;
      }
      return -Long.compare(a.getInt64(0), b.getInt64(0));
    }
  }

  private static final class KeyFn extends DoFn<Row, KV<Long, Double>> {
    private final int movie;
    private final int rating;
    private final Counter skipped = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "ratings.TopRated.skipped");

    KeyFn(int movie, int rating) {
      this.movie = movie;
      this.rating = rating;
    }

    @ProcessElement
    public void process(@Element Row r, OutputReceiver<KV<Long, Double>> out) {
      double value = r.getDouble(rating);
      if (!Double.isFinite(value)) {
        skipped.inc();
        return;
      }
      out.output(KV.of(r.getInt64(movie), value));
    }
  }

  private static final class QualifyFn extends DoFn<KV<Long, Stats>, Row> {
    private final int minVotes;

    QualifyFn(int minVotes) {
      this.minVotes = minVotes;
    }

    @ProcessElement
    public void process(@Element KV<Long, Stats> kv, OutputReceiver<Row> out) {
      Stats s = kv.getValue();
      if (s.count >= minVotes) {
        out.output(Row.withSchema(RATED).attachValues(kv.getKey(), s.count, mean(s.sum, s.count)));
      }
    }
  }

  /** The movie ids of the top (the values are unused). */
  private static final class IdsFn extends DoFn<List<Row>, KV<Long, Long>> {
    @ProcessElement
    public void process(@Element List<Row> top, OutputReceiver<KV<Long, Long>> out) {
      for (Row r : top) {
        out.output(KV.of(r.getInt64(0), r.getInt64(1)));
      }
    }
  }

  /** The movies of the top, with their titles. */
  private static final class TitleFn extends DoFn<Row, KV<Long, String>> {
    private final PCollectionView<Map<Long, Long>> topIds;
    private final int id;
    private final int title;

    TitleFn(PCollectionView<Map<Long, Long>> topIds, int id, int title) {
      this.topIds = topIds;
      this.id = id;
      this.title = title;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Long movieId = c.element().getInt64(id);
      if (c.sideInput(topIds).containsKey(movieId)) {
        c.output(KV.of(movieId, c.element().getString(title)));
      }
    }
  }

  private static final class RankFn extends DoFn<List<Row>, Row> {
    private final PCollectionView<List<KV<Long, String>>> titles;

    RankFn(PCollectionView<List<KV<Long, String>>> titles) {
      this.titles = titles;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<Long, String> byId = new HashMap<>();
      for (KV<Long, String> t : c.sideInput(titles)) {
        // The model has one title per movie; were there more, keep one chosen by value, not arrival.
        if (!byId.containsKey(t.getKey()) || better(t.getValue(), byId.get(t.getKey()))) {
          byId.put(t.getKey(), t.getValue());
        }
      }
      List<Row> top = c.element();
      // Top emits best first.
      for (int i = 0; i < top.size(); i++) {
        Row r = top.get(i);
        c.output(Row.withSchema(TOP_RATED_SCHEMA).attachValues(
            i + 1, r.getInt64(0), byId.get(r.getInt64(0)), r.getInt64(1), r.getDecimal(2)));
      }
    }
  }

  /** A title beats null, and the smaller title by code point beats a larger one. */
  private static boolean better(@Nullable String candidate, @Nullable String current) {
    if (candidate == null || current == null) {
      return current == null && candidate != null;
    }
    return Values.compareCodePoints(candidate, current) < 0;
  }

  /** A movie's number of ratings and their exact sum. */
  static final class Stats {
    long count;
    BigDecimal sum;

    Stats(long count, BigDecimal sum) {
      this.count = count;
      this.sum = sum;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Stats && ((Stats) other).count == count && ((Stats) other).sum.compareTo(sum) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(count, sum.stripTrailingZeros());
    }

    @Override
    public String toString() {
      return "Stats{" + count + ", " + sum + "}";
    }
  }

  /** Counts and sums ratings exactly: {@code BigDecimal.valueOf} of each, the decimal the CSV held. */
  static final class StatsFn extends Combine.CombineFn<Double, Stats, Stats> {
    private static final long serialVersionUID = 1L;

    @Override
    public Stats createAccumulator() {
      return new Stats(0, BigDecimal.ZERO);
    }

    @Override
    public Stats addInput(Stats acc, Double rating) {
      acc.count++;
      acc.sum = acc.sum.add(BigDecimal.valueOf(rating));
      return acc;
    }

    @Override
    public Stats mergeAccumulators(Iterable<Stats> accs) {
      Stats merged = createAccumulator();
      for (Stats acc : accs) {
        merged.count += acc.count;
        merged.sum = merged.sum.add(acc.sum);
      }
      return merged;
    }

    @Override
    public Stats extractOutput(Stats acc) {
      return acc;
    }

    @Override
    public Coder<Stats> getAccumulatorCoder(CoderRegistry registry, Coder<Double> inputCoder) {
      return StatsCoder.INSTANCE;
    }

    @Override
    public Coder<Stats> getDefaultOutputCoder(CoderRegistry registry, Coder<Double> inputCoder) {
      return StatsCoder.INSTANCE;
    }
  }

  private static final class StatsCoder extends CustomCoder<Stats> {
    private static final long serialVersionUID = 1L;
    static final StatsCoder INSTANCE = new StatsCoder();
    private static final Coder<Long> LONG = VarLongCoder.of();
    private static final Coder<BigDecimal> SUM = BigDecimalCoder.of();

    @Override
    public void encode(Stats s, OutputStream out) throws IOException {
      LONG.encode(s.count, out);
      SUM.encode(s.sum, out);
    }

    @Override
    public Stats decode(InputStream in) throws IOException {
      return new Stats(LONG.decode(in), SUM.decode(in));
    }
  }
}
