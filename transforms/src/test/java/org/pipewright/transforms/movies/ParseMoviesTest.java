package org.pipewright.transforms.movies;

import static org.junit.Assert.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

public class ParseMoviesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String OVERVIEW = "Line one, with \"quotes\".\nLine two: Andy's toys.\r\nLine three";

  private static Row movie(long id, String title, LocalDate date, Long budget) {
    return Row.withSchema(MovieSchemas.MOVIE)
        .addValues(id, false, budget, "en", title, 21.946943, date, 373554033L, 5415L, 7.7).build();
  }

  private static Row genre(long id, String name) {
    return Row.withSchema(MovieSchemas.GENRE).addValues(id, name).build();
  }

  private static Row movieGenre(long movie, long genre) {
    return Row.withSchema(MovieSchemas.MOVIE_GENRE).addValues(movie, genre).build();
  }

  @Test
  public void moviesGenresDatesAndDeadLetters() {
    Row bad = MovieCsv.movie("m.csv:7", "id", "1997-08-20", "overview", OVERVIEW);
    CleanResult parsed = pipeline
        .apply(Create.of(
            // A multi-line overview is one record like any other.
            MovieCsv.movie("m.csv:2", "overview", OVERVIEW),
            MovieCsv.movie("m.csv:5", "id", "8844", "title", "Jumanji", "budget", "0",
                "genres", "[{'id': 12, 'name': 'Adventure'}, {'id': 16, 'name': 'Animação'}]"),
            // A later row of id 862 (line 10 > line 2 although "10" < "2" as text): a duplicate.
            MovieCsv.movie("m.csv:10", "title", "Toy Story (again)", "release_date", "2001-01-01"),
            MovieCsv.movie("m.csv:11", "id", "5", "title", "Four Rooms", "release_date", "",
                "genres", "[]"),
            bad,
            MovieCsv.movie("m.csv:8", "id", "6", "budget", "-3"),
            MovieCsv.movie("m.csv:9", "id", "7", "release_date", "1995-13-01"))
            .withRowSchema(MovieCsv.MOVIES))
        .apply(ParseMovies.create());
    PCollectionTuple model = parsed.output().apply(MovieModel.create());

    PAssert.that(model.get(MovieModel.MOVIES)).containsInAnyOrder(
        movie(862, "Toy Story", LocalDate.of(1995, 10, 30), 30000000L),
        movie(8844, "Jumanji", LocalDate.of(1995, 10, 30), null),
        movie(5, "Four Rooms", null, 30000000L));
    // Genre 16 is seen as "Animation" and "Animação": the smallest name wins.
    PAssert.that(model.get(MovieModel.GENRES)).containsInAnyOrder(
        genre(12, "Adventure"), genre(16, "Animation"), genre(35, "Comedy"));
    // ... and both names are in the pairs a quality check can refuse.
    PAssert.that(model.get(MovieModel.GENRE_NAMES)).containsInAnyOrder(
        genre(12, "Adventure"), genre(16, "Animation"), genre(16, "Animação"), genre(35, "Comedy"));
    PAssert.that(model.get(MovieModel.MOVIE_GENRES)).containsInAnyOrder(
        movieGenre(862, 16), movieGenre(862, 35), movieGenre(8844, 12), movieGenre(8844, 16));
    PAssert.that(model.get(MovieModel.RELEASE_DATES)).containsInAnyOrder(
        MovieRules.releaseDate(LocalDate.of(1995, 10, 30)));
    PAssert.that(parsed.deadLetters()).containsInAnyOrder(
        DeadLetter.of("movies", "ParseMovies", "bad_id: '1997-08-20'", "m.csv:7", ParseCsvRows.payload(bad)),
        DeadLetter.of("movies", "ParseMovies", "negative_budget: '-3'", "m.csv:8",
            ParseCsvRows.payload(MovieCsv.movie("m.csv:8", "id", "6", "budget", "-3"))),
        DeadLetter.of("movies", "ParseMovies", "bad_release_date: '1995-13-01'", "m.csv:9",
            ParseCsvRows.payload(MovieCsv.movie("m.csv:9", "id", "7", "release_date", "1995-13-01"))));
    // Counts add up: 7 read = 3 movies + 1 duplicate + 3 dead letters.
    PAssert.thatSingleton(parsed.output().apply("Count parsed", Count.globally())).isEqualTo(4L);
    pipeline.run();
  }

  @Test
  public void theDeadLetterPayloadIsTheRowAsJson() {
    Row row = MovieCsv.row(MovieCsv.schema(List.of("id", "title", "overview")), "f.csv:3", "x", "", OVERVIEW);
    org.junit.Assert.assertEquals(
        "{\"id\":\"x\",\"title\":null,\"overview\":\"Line one, with \\\"quotes\\\".\\nLine two: Andy's toys.\\r\\nLine three\"}",
        ParseCsvRows.payload(row));
  }

  @Test
  public void inputWithoutTheColumnsIsRefusedWhenTheGraphIsBuilt() {
    Schema noGenres = MovieCsv.schema(List.of("id", "adult"));
    PCollection<Row> rows = pipeline.apply(Create.empty(noGenres));
    assertThrows(IllegalArgumentException.class, () -> rows.apply(ParseMovies.create()));
    PCollection<Row> noSource = pipeline.apply("No source", Create.empty(MovieSchemas.MOVIE));
    assertThrows(IllegalArgumentException.class, () -> noSource.apply(MovieModel.create()));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}
