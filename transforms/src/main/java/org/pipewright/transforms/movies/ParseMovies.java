package org.pipewright.transforms.movies;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanResult;

/**
 * Parses the rows of TMDB's {@code movies_metadata.csv} as {@code ReadCsv} gives them ({@code
 * source} = {@code file:line}, then the {@link MovieSchemas#MOVIES_CSV} columns as nullable
 * strings) into {@link #PARSED} rows: the {@link MovieSchemas#MOVIE} fields, the movie's {@code
 * genres} and its {@code source}, kept for {@link MovieModel}'s choice of the first row of a
 * movie id. The rules, and every dead-letter reason, are {@link MovieRules}'.
 *
 * <p>Every input row is one output row or one dead letter ({@code kind} {@value #KIND}, {@code
 * step} {@value #STEP}, the row's {@code source}, and as payload a JSON object of the row's
 * columns, e.g. {@code {"adult":"False",...,"id":"1997-08-20",...}}); counters {@code
 * movies.read}, {@code movies.clean}, {@code movies.deadLetter}. Duplicates are not dropped here.
 *
 * <pre>{@code
 * CleanResult movies = rows.apply("Parse movies", ParseMovies.create());
 * PCollectionTuple model = movies.output().apply("Model", MovieModel.create());
 * }</pre>
 */
public final class ParseMovies extends PTransform<PCollection<Row>, CleanResult> {
  public static final String KIND = "movies";
  public static final String STEP = "ParseMovies";

  /** A parsed movie: {@link MovieSchemas#MOVIE}'s fields, then {@code genres} and {@code source}. */
  public static final Schema PARSED =
      Schema.builder()
          .addFields(MovieSchemas.MOVIE.getFields())
          .addArrayField("genres", FieldType.row(MovieSchemas.GENRE))
          .addNullableField("source", FieldType.STRING)
          .build();

  private ParseMovies() {}

  public static ParseMovies create() {
    return new ParseMovies();
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    return input.apply(STEP, new ParseCsvRows(KIND, STEP, MovieSchemas.MOVIES_CSV, PARSED, MovieRules::movie));
  }
}
