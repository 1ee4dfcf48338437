package org.pipewright.transforms.movies;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanResult;

/**
 * Parses the rows of MovieLens' {@code ratings.csv} ({@code ReadCsv} rows with the {@link
 * MovieSchemas#RATINGS_CSV} columns) into {@link #PARSED} rows: {@link MovieSchemas#RATING}'s
 * fields, with the <em>MovieLens</em> movie id in {@code movie_id} ({@link MapRatings} turns it
 * into the TMDB id), the timestamp's epoch seconds as {@code rated_at}, and the row's {@code
 * source}. A rating outside 0.5..5 is kept: judging the range is the quality gate's job. Dead
 * letters: {@code kind} {@value #KIND}, {@code step} {@value #STEP}, reasons {@code bad_user_id},
 * {@code bad_movie_id}, {@code bad_rating}, {@code bad_timestamp}, payload the row's columns as
 * JSON. Counters {@code ratings.read}, {@code ratings.clean}, {@code ratings.deadLetter}.
 *
 * <pre>{@code
 * CleanResult parsed = rows.apply("Parse ratings", ParseRatings.create());
 * CleanResult ratings = parsed.output().apply("Map ratings",
 *     MapRatings.create().withLinks(links.output()).withMovies(movies));
 * }</pre>
 */
public final class ParseRatings extends PTransform<PCollection<Row>, CleanResult> {
  public static final String KIND = "ratings";
  public static final String STEP = "ParseRatings";

  /** A parsed rating: {@link MovieSchemas#RATING}'s fields ({@code movie_id} = MovieLens id), then {@code source}. */
  public static final Schema PARSED =
      Schema.builder()
          .addFields(MovieSchemas.RATING.getFields())
          .addNullableField("source", FieldType.STRING)
          .build();

  private ParseRatings() {}

  public static ParseRatings create() {
    return new ParseRatings();
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    return input.apply(STEP, new ParseCsvRows(KIND, STEP, MovieSchemas.RATINGS_CSV, PARSED, MovieRules::rating));
  }
}
