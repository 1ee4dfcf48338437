package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * Maps parsed ratings ({@link ParseRatings#PARSED}, MovieLens movie ids) to TMDB movie ids through
 * the links, keeping only movies of the {@code movies} table; the output has the same schema,
 * {@code movie_id} now the TMDB id, and {@link LatestRatings} makes the {@code ratings} table of
 * it:
 *
 * <ul>
 *   <li>a rating whose MovieLens id has no link, or a link without a TMDB id, is a dead letter
 *       {@code unmapped_movie: <MovieLens id>};
 *   <li>a rating whose TMDB id is not among the movies (for example a partial metadata file) is
 *       {@code unknown_movie: <TMDB id>};
 *   <li>a rating whose MovieLens id two links map to different TMDB ids is {@code ambiguous_link:
 *       <MovieLens id> links to TMDB ids a, b}: which movie was rated is anyone's guess;
 * </ul>
 *
 * <p>Every input rating is one output row or one dead letter: {@code input = output +
 * deadLetters}.
 *
 * <p>Dead letters have {@code kind} {@value ParseRatings#KIND}, {@code step} {@value #STEP}, the
 * rating's source, and as payload the parsed rating as JSON ({@code {"user_id":1,"movie_id":31,
 * "rating":2.5,"rated_at":"2009-12-14T02:52:24Z","source":"ratings.csv:2"}}, MovieLens id).
 * Counters {@code ratings.unmappedMovie}, {@code ratings.unknownMovie}.
 *
 * <p>Links and movie ids (tens of thousands) are side inputs, read into hash maps once per
 * window and worker, so the ratings (millions) are mapped where they are, without a shuffle. A
 * MovieLens id listed by two links with the same TMDB id, or by one without a TMDB id and one with,
 * takes that TMDB id. {@code movies} may be any
 * rows with an INT64 {@code movie_id} ({@link MovieModel#MOVIES}); repeated ids are fine.
 *
 * <pre>{@code
 * CleanResult mapped = parsed.output().apply("Map ratings",
 *     MapRatings.create().withLinks(links.output()).withMovies(model.get(MovieModel.MOVIES)));
 * PCollection<Row> ratings = mapped.output().apply("Latest ratings", LatestRatings.create());
 * }</pre>
 */
public final class MapRatings extends PTransform<PCollection<Row>, CleanResult> {
  public static final String STEP = "MapRatings";
  /** A link without a TMDB id, in the side-input map (TMDB ids are never negative). */
  private static final long NO_TMDB_ID = -1L;

  private final transient @Nullable PCollection<Row> links;
  private final transient @Nullable PCollection<Row> movies;

  private MapRatings(@Nullable PCollection<Row> links, @Nullable PCollection<Row> movies) {
    this.links = links;
    this.movies = movies;
  }

  /** Needs {@link #withLinks} and {@link #withMovies}. */
  public static MapRatings create() {
    return new MapRatings(null, null);
  }

  /** The {@link MovieSchemas#LINK} rows (from {@link ParseLinks}). */
  public MapRatings withLinks(PCollection<Row> links) {
    checkArgument(links != null, "links must not be null");
    checkArgument(links.getSchema().equals(MovieSchemas.LINK), "links must have MovieSchemas.LINK, got %s",
        links.getSchema());
    return new MapRatings(links, movies);
  }

  /** The movies the ratings may refer to: rows with an INT64 {@code movie_id}, the TMDB id. */
  public MapRatings withMovies(PCollection<Row> movies) {
    checkArgument(movies != null, "movies must not be null");
    checkArgument(movies.getSchema().hasField("movie_id")
            && movies.getSchema().getField("movie_id").getType().getTypeName()
                == org.apache.beam.sdk.schemas.Schema.TypeName.INT64,
        "movies must have an INT64 movie_id field, got %s", movies.getSchema());
    return new MapRatings(links, movies);
  }

  @Override
  public CleanResult expand(PCollection<Row> ratings) {
    checkArgument(links != null, "MapRatings needs withLinks(links)");
    checkArgument(movies != null, "MapRatings needs withMovies(movies)");
    checkArgument(ratings.getSchema().equals(ParseRatings.PARSED),
        "MapRatings expects ParseRatings.PARSED rows, got schema %s", ratings.getSchema());
    // Plain iterables, made into hash maps once per window by MapFn: no grouping step at all.
    PCollectionView<Iterable<KV<Long, Long>>> tmdbIds = links
        .apply("Link ids", MapElements.into(TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
            .via(link -> KV.of(link.getInt64("movie_id"),
                link.getInt64("tmdb_id") == null ? NO_TMDB_ID : link.getInt64("tmdb_id"))))
        .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
        .apply("Links view", View.asIterable());
    PCollectionView<Iterable<Long>> movieIds = movies
        .apply("Movie ids", MapElements.into(TypeDescriptors.longs()).via(movie -> movie.getInt64("movie_id")))
        .setCoder(VarLongCoder.of())
        .apply("Movies view", View.asIterable());

    TupleTag<Row> mappedTag = newTag();
    TupleTag<Row> deadLetterTag = newTag();
    PCollectionTuple mapped = ratings.apply("Map to TMDB ids",
        ParDo.of(new MapFn(tmdbIds, movieIds, mappedTag, deadLetterTag))
            .withSideInputs(tmdbIds, movieIds)
            .withOutputTags(mappedTag, TupleTagList.of(deadLetterTag)));
    PCollection<Row> output = mapped.get(mappedTag).setRowSchema(ParseRatings.PARSED);
    return CleanResult.of(output, mapped.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA));
  }

  /** Made in a static method: an anonymous tag made in expand() would capture this transform and its collections. */
  private static TupleTag<Row> newTag() {
    return new TupleTag<Row>() {};
  }

  private static final class MapFn extends DoFn<Row, Row> {
    private final PCollectionView<Iterable<KV<Long, Long>>> tmdbIds;
    private final PCollectionView<Iterable<Long>> movieIds;
    private final TupleTag<Row> mappedTag;
    private final TupleTag<Row> deadLetterTag;
    private final Counter unmapped = Metrics.counter(CleanRecords.METRICS_NAMESPACE, ParseRatings.KIND + ".unmappedMovie");
    private final Counter unknown = Metrics.counter(CleanRecords.METRICS_NAMESPACE, ParseRatings.KIND + ".unknownMovie");

    MapFn(PCollectionView<Iterable<KV<Long, Long>>> tmdbIds, PCollectionView<Iterable<Long>> movieIds,
        TupleTag<Row> mappedTag, TupleTag<Row> deadLetterTag) {
      this.tmdbIds = tmdbIds;
      this.movieIds = movieIds;
      this.mappedTag = mappedTag;
      this.deadLetterTag = deadLetterTag;
    }

    // The lookups of the current window, built once: ratings are millions, links and movies few.
    private transient @Nullable BoundedWindow window;
    private transient Map<Long, Long> tmdbIdOf;
    /** MovieLens ids that links map to more than one TMDB id, with the reason. */
    private transient Map<Long, String> ambiguous;
    private transient Set<Long> knownMovies;

    @ProcessElement
    public void process(@Element Row rating, MultiOutputReceiver out, ProcessContext context, BoundedWindow w) {
      if (!w.equals(window)) {
        tmdbIdOf = new HashMap<>();
        Map<Long, Set<Long>> conflicting = new HashMap<>();
        for (KV<Long, Long> link : context.sideInput(tmdbIds)) {
          Long before = tmdbIdOf.get(link.getKey());
          long id = link.getValue();
          if (before == null || before == NO_TMDB_ID) {
            tmdbIdOf.put(link.getKey(), id);
          } else if (id != NO_TMDB_ID && id != before) {
            conflicting.computeIfAbsent(link.getKey(), k -> new TreeSet<>(List.of(before))).add(id);
          }
        }
        ambiguous = new HashMap<>();
        conflicting.forEach((movieLensId, ids) -> ambiguous.put(movieLensId, "ambiguous_link: " + movieLensId
            + " links to TMDB ids " + ids.stream().map(String::valueOf).collect(Collectors.joining(", "))));
        knownMovies = new HashSet<>();
        for (Long id : context.sideInput(movieIds)) {
          knownMovies.add(id);
        }
        window = w;
      }
      long movieLensId = rating.getInt64("movie_id");
      String conflict = ambiguous.get(movieLensId);
      if (conflict != null) {
        out.get(deadLetterTag).output(DeadLetter.of(ParseRatings.KIND, STEP, conflict, rating.getString("source"),
            RowJson.format(rating)));
        return;
      }
      Long tmdbId = tmdbIdOf.get(movieLensId);
      if (tmdbId == null || tmdbId == NO_TMDB_ID) {
        unmapped.inc();
        out.get(deadLetterTag).output(DeadLetter.of(ParseRatings.KIND, STEP, "unmapped_movie: " + movieLensId,
            rating.getString("source"), RowJson.format(rating)));
        return;
      }
      if (!knownMovies.contains(tmdbId)) {
        unknown.inc();
        out.get(deadLetterTag).output(DeadLetter.of(ParseRatings.KIND, STEP, "unknown_movie: " + tmdbId,
            rating.getString("source"), RowJson.format(rating)));
        return;
      }
      out.get(mappedTag).output(Row.withSchema(ParseRatings.PARSED).attachValues(rating.getInt64("user_id"), tmdbId,
          rating.getDouble("rating"), rating.getValue("rated_at"), rating.getString("source")));
    }
  }
}
