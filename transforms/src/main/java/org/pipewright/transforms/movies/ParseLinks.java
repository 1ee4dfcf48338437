package org.pipewright.transforms.movies;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanResult;

/**
 * Parses the rows of MovieLens' {@code links.csv} ({@code ReadCsv} rows with the {@link
 * MovieSchemas#LINKS_CSV} columns) into {@link MovieSchemas#LINK} rows. An empty {@code tmdbId}
 * is a valid link whose {@code tmdb_id} is null (the ratings of that movie become {@code
 * unmapped_movie} in {@link MapRatings}); ids that are not whole numbers are dead letters ({@code
 * kind} {@value #KIND}, {@code step} {@value #STEP}, reasons {@code bad_movie_id}, {@code
 * bad_tmdb_id}, payload the row's columns as JSON). Counters {@code links.read}, {@code
 * links.clean}, {@code links.deadLetter}.
 *
 * <pre>{@code
 * CleanResult links = rows.apply("Parse links", ParseLinks.create());
 * }</pre>
 */
public final class ParseLinks extends PTransform<PCollection<Row>, CleanResult> {
  public static final String KIND = "links";
  public static final String STEP = "ParseLinks";

  private ParseLinks() {}

  public static ParseLinks create() {
    return new ParseLinks();
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    return input.apply(STEP, new ParseCsvRows(KIND, STEP, MovieSchemas.LINKS_CSV, MovieSchemas.LINK, MovieRules::link));
  }
}
