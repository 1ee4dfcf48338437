package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.movies.MovieAnalytics.GENRES;
import static org.pipewright.transforms.movies.MovieAnalytics.GENRE_REVENUE_SCHEMA;
import static org.pipewright.transforms.movies.MovieAnalytics.MOVIE_GENRES;
import static org.pipewright.transforms.movies.MovieAnalytics.checkField;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.internal.Buckets;
import org.pipewright.transforms.internal.PerKey;

/**
 * Revenue per genre: one row of {@link MovieAnalytics#GENRE_REVENUE_SCHEMA} per genre name that
 * has a movie with a known revenue: {@code movies} (how many), {@code revenue} (the sum of their
 * revenues) and {@code revenue_real}, the sum of their per-movie real revenues as {@link
 * RealRevenue} publishes them (rounded to cents, so re-adding {@value MovieAnalytics#REAL_REVENUE}
 * gives the same number), over the movies that have one; null when none has. A movie counts once
 * per genre name and in every genre it has. Movies of unknown revenue add nothing, nor do {@code
 * movie_genre} rows whose movie or genre is not in the model (the quality checks' reference checks
 * report those).
 *
 * <p>Input: a tuple of {@link #REAL_REVENUE} ({@link RealRevenue}'s output: {@code movie_id},
 * {@code revenue}, {@code revenue_real}), {@link MovieAnalytics#MOVIE_GENRES} and {@link
 * MovieAnalytics#GENRES}. The genre names (a few dozen) are a side input; movies and their genres
 * are joined in one shuffle by {@link Buckets} of the movie id, and summed by a combiner per genre.
 *
 * <pre>{@code
 * PCollection<Row> byGenre = PCollectionTuple.of(GenreRevenue.REAL_REVENUE, realRevenue)
 *     .and(MovieAnalytics.MOVIE_GENRES, movieGenres).and(MovieAnalytics.GENRES, genres)
 *     .apply("Genre revenue", GenreRevenue.create());
 * }</pre>
 */
public final class GenreRevenue extends PTransform<PCollectionTuple, PCollection<Row>> {
  /** Input: {@link RealRevenue}'s output (the tag of {@value MovieAnalytics#REAL_REVENUE}). */
  public static final TupleTag<Row> REAL_REVENUE = MovieAnalytics.output(MovieAnalytics.REAL_REVENUE);

  private static final TupleTag<KV<Long, KV<Long, BigDecimal>>> MOVIE_SIDE = new TupleTag<>("movie");
  private static final TupleTag<KV<Long, Long>> GENRE_SIDE = new TupleTag<>("movieGenre");

  private final int buckets;

  private GenreRevenue(int buckets) {
    this.buckets = buckets;
  }

  public static GenreRevenue create() {
    return new GenreRevenue(Buckets.DEFAULT);
  }

  /**
   * Returns a copy that joins movies with their genres in {@code buckets} groups (default {@value
   * Buckets#DEFAULT}); more for very large tables.
   */
  public GenreRevenue withBuckets(int buckets) {
    checkArgument(buckets > 0, "buckets must be > 0, got %s", buckets);
    return new GenreRevenue(buckets);
  }

  @Override
  public PCollection<Row> expand(PCollectionTuple tables) {
    for (TupleTag<Row> tag : List.of(REAL_REVENUE, MOVIE_GENRES, GENRES)) {
      checkArgument(tables.has(tag), "the input tuple has no '%s' table", tag.getId());
    }
    PCollection<Row> real = tables.get(REAL_REVENUE);
    PCollection<Row> movieGenres = tables.get(MOVIE_GENRES);
    PCollection<Row> genres = tables.get(GENRES);
    checkField(real.getSchema(), "movie_id", FieldType.INT64, "GenreRevenue");
    checkField(real.getSchema(), "revenue", FieldType.INT64, "GenreRevenue");
    checkField(real.getSchema(), "revenue_real", FieldType.DECIMAL, "GenreRevenue");
    checkField(movieGenres.getSchema(), "movie_id", FieldType.INT64, "GenreRevenue");
    checkField(movieGenres.getSchema(), "genre_id", FieldType.INT64, "GenreRevenue");
    checkField(genres.getSchema(), "genre_id", FieldType.INT64, "GenreRevenue");
    checkField(genres.getSchema(), "name", FieldType.STRING, "GenreRevenue");

    PCollectionView<Map<Long, Iterable<String>>> names = genres
        .apply("Genre names", ParDo.of(new GenreNameFn(
            genres.getSchema().indexOf("genre_id"), genres.getSchema().indexOf("name"))))
        .setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()))
        .apply("View genre names", View.asMultimap());

    Schema rs = real.getSchema();
    PCollection<KV<Integer, KV<Long, KV<Long, BigDecimal>>>> movies = real
        .apply("Movies with a revenue", ParDo.of(new MovieSideFn(buckets,
            rs.indexOf("movie_id"), rs.indexOf("revenue"), rs.indexOf("revenue_real"))))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), RevenueTotals.inputCoder())));
    Schema gs = movieGenres.getSchema();
    PCollection<KV<Integer, KV<Long, Long>>> pairs = movieGenres
        .apply("Movie genres", ParDo.of(new GenreSideFn(buckets, gs.indexOf("movie_id"), gs.indexOf("genre_id"))))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), VarLongCoder.of())));

    return KeyedPCollectionTuple.of(MOVIE_SIDE, movies).and(GENRE_SIDE, pairs)
        .apply("Group buckets", CoGroupByKey.create())
        .apply("Join with genres", ParDo.of(new JoinFn(names)).withSideInputs(names))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RevenueTotals.inputCoder()))
        .apply("Sum per genre", PerKey.combine(new RevenueTotals.SumFn()))
        .apply("To rows", ParDo.of(new ToRowFn()))
        .setRowSchema(GENRE_REVENUE_SCHEMA);
  }

  private static final class GenreNameFn extends DoFn<Row, KV<Long, String>> {
    private final int id;
    private final int name;

    GenreNameFn(int id, int name) {
      this.id = id;
      this.name = name;
    }

    @ProcessElement
    public void process(@Element Row genre, OutputReceiver<KV<Long, String>> out) {
      String n = genre.getString(name);
      if (n != null) {
        out.output(KV.of(genre.getInt64(id), n));
      }
    }
  }

  private static final class MovieSideFn extends DoFn<Row, KV<Integer, KV<Long, KV<Long, BigDecimal>>>> {
    private final int buckets;
    private final int id;
    private final int revenue;
    private final int real;

    MovieSideFn(int buckets, int id, int revenue, int real) {
      this.buckets = buckets;
      this.id = id;
      this.revenue = revenue;
      this.real = real;
    }

    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<KV<Integer, KV<Long, KV<Long, BigDecimal>>>> out) {
      Long amount = movie.getInt64(revenue);
      if (amount != null) {
        Long movieId = movie.getInt64(id);
        out.output(KV.of(Buckets.of(movieId, buckets), KV.of(movieId, KV.of(amount, movie.getDecimal(real)))));
      }
    }
  }

  private static final class GenreSideFn extends DoFn<Row, KV<Integer, KV<Long, Long>>> {
    private final int buckets;
    private final int movie;
    private final int genre;

    GenreSideFn(int buckets, int movie, int genre) {
      this.buckets = buckets;
      this.movie = movie;
      this.genre = genre;
    }

    @ProcessElement
    public void process(@Element Row pair, OutputReceiver<KV<Integer, KV<Long, Long>>> out) {
      Long movieId = pair.getInt64(movie);
      out.output(KV.of(Buckets.of(movieId, buckets), KV.of(movieId, pair.getInt64(genre))));
    }
  }

  /** Within a bucket: each movie with a revenue, once per name of each of its genres. */
  private static final class JoinFn extends DoFn<KV<Integer, CoGbkResult>, KV<String, KV<Long, BigDecimal>>> {
    private final PCollectionView<Map<Long, Iterable<String>>> names;

    JoinFn(PCollectionView<Map<Long, Iterable<String>>> names) {
      this.names = names;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      CoGbkResult groups = c.element().getValue();
      Map<Long, KV<Long, BigDecimal>> revenues = new HashMap<>();
      for (KV<Long, KV<Long, BigDecimal>> movie : groups.getAll(MOVIE_SIDE)) {
        revenues.put(movie.getKey(), movie.getValue());
      }
      if (revenues.isEmpty()) {
        return;
      }
      Map<Long, Iterable<String>> genreNames = c.sideInput(names);
      Map<Long, Set<String>> counted = new HashMap<>();
      for (KV<Long, Long> pair : groups.getAll(GENRE_SIDE)) {
        KV<Long, BigDecimal> revenue = revenues.get(pair.getKey());
        String name = revenue == null ? null : name(genreNames.get(pair.getValue()));
        if (name != null && counted.computeIfAbsent(pair.getKey(), k -> new HashSet<>()).add(name)) {
          c.output(KV.of(name, revenue));
        }
      }
    }

    /** The model has one name per genre id; were there more, the smallest by code point, on every runner. */
    private static String name(Iterable<String> names) {
      String best = null;
      if (names != null) {
        for (String n : names) {
          if (best == null || Values.compareCodePoints(n, best) < 0) {
            best = n;
          }
        }
      }
      return best;
    }
  }

  private static final class ToRowFn extends DoFn<KV<String, RevenueTotals>, Row> {
    @ProcessElement
    public void process(@Element KV<String, RevenueTotals> kv, OutputReceiver<Row> out) {
      RevenueTotals t = kv.getValue();
      out.output(Row.withSchema(GENRE_REVENUE_SCHEMA).attachValues(kv.getKey(), t.movies, t.revenue, t.real));
    }
  }
}
