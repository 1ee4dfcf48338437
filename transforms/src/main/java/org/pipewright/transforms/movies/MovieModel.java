package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.time.LocalDate;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Min;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.pipewright.transforms.core.KeepFirst;
import org.pipewright.transforms.internal.PerKey;

/**
 * Turns parsed movies ({@link ParseMovies#PARSED}) into four tables of the warehouse model, one
 * {@link PCollectionTuple} entry each:
 *
 * <ul>
 *   <li>{@link #MOVIES}: {@link MovieSchemas#MOVIE} rows, one per movie id: the first row of an
 *       id in source order ({@link KeepFirst} on {@code source}, file then line number); the
 *       others are dropped, and the caller counts them as {@code parsed - movies}.
 *   <li>{@link #GENRES}: {@link MovieSchemas#GENRE} rows, one per genre id of the kept movies. An
 *       id seen with two names gets the smallest name in {@link String#compareTo} order: a choice
 *       that does not depend on the order rows arrive in.
 *   <li>{@link #GENRE_NAMES}: {@link MovieSchemas#GENRE} rows, one per distinct id and name: an
 *       id in two of them has two names, which a quality check ({@code unique(genre_id)} on this
 *       output) can refuse, since the choice above relabels the movies of the other name.
 *   <li>{@link #MOVIE_GENRES}: {@link MovieSchemas#MOVIE_GENRE} rows, one per kept movie and
 *       genre.
 *   <li>{@link #RELEASE_DATES}: {@link MovieSchemas#RELEASE_DATE} rows, one per distinct release
 *       date of the kept movies ({@link MovieRules#releaseDate}: ISO week, quarter 1..4).
 * </ul>
 *
 * <p>Genres and dates are combined per id/date (combiners, no grouping of a whole table).
 *
 * <pre>{@code
 * PCollectionTuple model = ParseMovies.create().expand(rows).output().apply(MovieModel.create());
 * PCollection<Row> movies = model.get(MovieModel.MOVIES);
 * }</pre>
 */
public final class MovieModel extends PTransform<PCollection<Row>, PCollectionTuple> {
  public static final TupleTag<Row> MOVIES = new TupleTag<>("movies");
  public static final TupleTag<Row> GENRES = new TupleTag<>("genre");
  public static final TupleTag<Row> GENRE_NAMES = new TupleTag<>("genre_names");
  public static final TupleTag<Row> MOVIE_GENRES = new TupleTag<>("movie_genre");
  public static final TupleTag<Row> RELEASE_DATES = new TupleTag<>("release_date");

  private MovieModel() {}

  public static MovieModel create() {
    return new MovieModel();
  }

  @Override
  public PCollectionTuple expand(PCollection<Row> parsed) {
    checkArgument(parsed.getSchema().equals(ParseMovies.PARSED),
        "MovieModel expects ParseMovies.PARSED rows, got schema %s", parsed.getSchema());
    PCollection<Row> first = parsed.apply("Keep first per movie id", KeepFirst.perKey("movie_id").inSourceOrder("source"));
    PCollection<Row> movies = first.apply("Movies", ParDo.of(new MovieFn())).setRowSchema(MovieSchemas.MOVIE);
    PCollection<KV<Long, String>> names = first
        .apply("Genre names", ParDo.of(new GenreNamesFn()))
        .setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()))
        .apply("Distinct genre names", PerKey.distinct());
    PCollection<Row> genreNames = names.apply("Genre name rows", ParDo.of(new GenreFn())).setRowSchema(MovieSchemas.GENRE);
    PCollection<Row> genres = names
        .apply("One name per genre", PerKey.combine(Min.<String>naturalOrder()))
        .apply("Genres", ParDo.of(new GenreFn()))
        .setRowSchema(MovieSchemas.GENRE);
    PCollection<Row> movieGenres =
        first.apply("Movie genres", ParDo.of(new MovieGenreFn())).setRowSchema(MovieSchemas.MOVIE_GENRE);
    PCollection<Row> releaseDates = first
        .apply("Release days", ParDo.of(new ReleaseDayFn()))
        .setCoder(VarLongCoder.of())
        .apply("Distinct release days", PerKey.distinct())
        .apply("Release dates", ParDo.of(new ReleaseDateFn()))
        .setRowSchema(MovieSchemas.RELEASE_DATE);
    return PCollectionTuple.of(MOVIES, movies)
        .and(GENRES, genres)
        .and(GENRE_NAMES, genreNames)
        .and(MOVIE_GENRES, movieGenres)
        .and(RELEASE_DATES, releaseDates);
  }

  private static final class MovieFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<Row> out) {
      // PARSED starts with MOVIE's fields, in MOVIE's order.
      out.output(Row.withSchema(MovieSchemas.MOVIE)
          .attachValues(movie.getValues().subList(0, MovieSchemas.MOVIE.getFieldCount())));
    }
  }

  private static final class GenreNamesFn extends DoFn<Row, KV<Long, String>> {
    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<KV<Long, String>> out) {
      for (Row genre : movie.<Row>getArray("genres")) {
        out.output(KV.of(genre.getInt64("genre_id"), genre.getString("name")));
      }
    }
  }

  private static final class GenreFn extends DoFn<KV<Long, String>, Row> {
    @ProcessElement
    public void process(@Element KV<Long, String> genre, OutputReceiver<Row> out) {
      out.output(Row.withSchema(MovieSchemas.GENRE).addValues(genre.getKey(), genre.getValue()).build());
    }
  }

  private static final class MovieGenreFn extends DoFn<Row, Row> {
    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<Row> out) {
      // MovieRules.genres keeps each genre id once per movie, so these rows are distinct.
      Long movieId = movie.getInt64("movie_id");
      for (Row genre : movie.<Row>getArray("genres")) {
        out.output(Row.withSchema(MovieSchemas.MOVIE_GENRE).addValues(movieId, genre.getInt64("genre_id")).build());
      }
    }
  }

  private static final class ReleaseDayFn extends DoFn<Row, Long> {
    @ProcessElement
    public void process(@Element Row movie, OutputReceiver<Long> out) {
      LocalDate date = movie.getLogicalTypeValue("release_date", LocalDate.class);
      if (date != null) {
        out.output(date.toEpochDay());
      }
    }
  }

  private static final class ReleaseDateFn extends DoFn<Long, Row> {
    @ProcessElement
    public void process(@Element Long epochDay, OutputReceiver<Row> out) {
      out.output(MovieRules.releaseDate(LocalDate.ofEpochDay(epochDay)));
    }
  }
}
