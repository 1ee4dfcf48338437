package org.pipewright.transforms.movies;

import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/** Links, CPI, ratings and the mapping of ratings to TMDB ids. */
public class ParseRatingsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static Row link(String source, String movieId, String imdbId, String tmdbId) {
    return MovieCsv.row(MovieCsv.LINKS, source, movieId, imdbId, tmdbId);
  }

  private static Row rating(String source, String user, String movie, String rating, String timestamp) {
    return MovieCsv.row(MovieCsv.RATINGS, source, user, movie, rating, timestamp);
  }

  private static Row clean(long user, long tmdbId, double rating, long seconds) {
    return Row.withSchema(MovieSchemas.RATING).addValues(user, tmdbId, rating, Instant.ofEpochSecond(seconds)).build();
  }

  private static Row movieId(long id) {
    return Row.withSchema(MovieSchemas.MOVIE).addValues(id, false, null, null, null, null, null, null, null, null).build();
  }

  /** The parsed rating of {@code csv} with the TMDB id. */
  private static Row mapped(Row csv, long tmdbId) {
    Row parsed = MovieRules.rating(csv);
    return Row.fromRow(parsed).withFieldValue("movie_id", tmdbId).build();
  }

  private static String parsedJson(Row csv) {
    return RowJson.format(MovieRules.rating(csv));
  }

  @Test
  public void linksAndCpi() {
    CleanResult links = pipeline
        .apply("Links", Create.of(
            link("l.csv:2", "1", "0114709", "862"),
            link("l.csv:3", "2", "0113497", ""),
            link("l.csv:4", "x", "0113497", "1"),
            link("l.csv:5", "4", "", "tt12"))
            .withRowSchema(MovieCsv.LINKS))
        .apply(ParseLinks.create());
    PAssert.that(links.output()).containsInAnyOrder(
        Row.withSchema(MovieSchemas.LINK).addValues(1L, "0114709", 862L).build(),
        Row.withSchema(MovieSchemas.LINK).addValues(2L, "0113497", null).build());
    PAssert.that(links.deadLetters()).containsInAnyOrder(
        DeadLetter.of("links", "ParseLinks", "bad_movie_id: 'x'", "l.csv:4",
            "{\"movieId\":\"x\",\"imdbId\":\"0113497\",\"tmdbId\":\"1\"}"),
        DeadLetter.of("links", "ParseLinks", "bad_tmdb_id: 'tt12'", "l.csv:5",
            "{\"movieId\":\"4\",\"imdbId\":null,\"tmdbId\":\"tt12\"}"));

    Schema cpiAll = MovieCsv.schema(List.of("DATE", "CPIAUCSL"));
    CleanResult cpi = pipeline
        .apply("CPI", Create.of(
            MovieCsv.row(cpiAll, "c.csv:2", "1999-01-01", "164.300"),
            MovieCsv.row(cpiAll, "c.csv:3", "1999-02-01", "."),
            MovieCsv.row(cpiAll, "c.csv:4", "1999-03-02", "164.7"))
            .withRowSchema(cpiAll))
        .apply(ParseCpi.create().withValueColumn("CPIAUCSL"));
    PAssert.that(cpi.output()).containsInAnyOrder(
        Row.withSchema(MovieSchemas.CPI).addValues(LocalDate.of(1999, 1, 1), new BigDecimal("164.300")).build());
    PAssert.that(cpi.deadLetters()).containsInAnyOrder(
        DeadLetter.of("cpi", "ParseCpi", "bad_value: '.'", "c.csv:3", "{\"DATE\":\"1999-02-01\",\"CPIAUCSL\":\".\"}"),
        DeadLetter.of("cpi", "ParseCpi", "bad_month: '1999-03-02'", "c.csv:4",
            "{\"DATE\":\"1999-03-02\",\"CPIAUCSL\":\"164.7\"}"));
    pipeline.run();
  }

  @Test
  public void ratingsAreMappedToTmdbIdsOrDeadLettered() {
    PCollection<Row> links = pipeline
        .apply("Links", Create.of(
            link("l.csv:2", "1", "0114709", "862"),
            link("l.csv:3", "2", "0113497", "8844"),
            link("l.csv:4", "3", "0113228", ""),
            // MovieLens 1 listed again without a TMDB id: the one with it holds, whatever the order.
            link("l.csv:5", "1", "0114709", ""),
            // MovieLens 4 linked to two movies: its ratings cannot be mapped.
            link("l.csv:6", "4", "0000004", "5"),
            link("l.csv:7", "4", "0000004", "862"),
            link("l.csv:8", "4", "0000004", "5")).withRowSchema(MovieCsv.LINKS))
        .apply("Parse links", ParseLinks.create()).output();
    PCollection<Row> movies = pipeline.apply("Movies", Create.of(movieId(862), movieId(862), movieId(5))
        .withRowSchema(MovieSchemas.MOVIE));
    Row unmappedNoLink = rating("r.csv:6", "1", "99", "4.0", "1260759144");
    Row unmappedNullTmdb = rating("r.csv:7", "1", "3", "4.0", "1260759144");
    Row unknown = rating("r.csv:8", "2", "2", "3.0", "1260759144");
    Row badRating = rating("r.csv:9", "2", "1", "four", "1260759144");
    Row ambiguous = rating("r.csv:10", "2", "4", "3.0", "1260759144");
    CleanResult parsed = pipeline
        .apply("Ratings", Create.of(
            rating("r.csv:2", "1", "1", "2.5", "1260759144"),
            // The same user and movie rated again later: the latest wins.
            rating("r.csv:3", "1", "1", "3.5", "1260759200"),
            rating("r.csv:4", "1", "1", "1.0", "1260759100"),
            // Out of range: kept for the quality gate to judge.
            rating("r.csv:5", "2", "1", "9.0", "1260759144"),
            unmappedNoLink, unmappedNullTmdb, unknown, badRating, ambiguous)
            .withRowSchema(MovieCsv.RATINGS))
        .apply("Parse ratings", ParseRatings.create());
    CleanResult ratings = parsed.output().apply(MapRatings.create().withLinks(links).withMovies(movies));

    PAssert.that(ratings.output()).containsInAnyOrder(
        mapped(rating("r.csv:2", "1", "1", "2.5", "1260759144"), 862),
        mapped(rating("r.csv:3", "1", "1", "3.5", "1260759200"), 862),
        mapped(rating("r.csv:4", "1", "1", "1.0", "1260759100"), 862),
        mapped(rating("r.csv:5", "2", "1", "9.0", "1260759144"), 862));
    PAssert.that(ratings.output().apply(LatestRatings.create()))
        .containsInAnyOrder(clean(1, 862, 3.5, 1260759200L), clean(2, 862, 9.0, 1260759144L));
    PAssert.that(parsed.deadLetters()).containsInAnyOrder(
        DeadLetter.of("ratings", "ParseRatings", "bad_rating: 'four'", "r.csv:9",
            "{\"userId\":\"2\",\"movieId\":\"1\",\"rating\":\"four\",\"timestamp\":\"1260759144\"}"));
    PAssert.that(ratings.deadLetters()).containsInAnyOrder(
        DeadLetter.of("ratings", "MapRatings", "unmapped_movie: 99", "r.csv:6", parsedJson(unmappedNoLink)),
        DeadLetter.of("ratings", "MapRatings", "unmapped_movie: 3", "r.csv:7", parsedJson(unmappedNullTmdb)),
        DeadLetter.of("ratings", "MapRatings", "unknown_movie: 8844", "r.csv:8", parsedJson(unknown)),
        DeadLetter.of("ratings", "MapRatings", "ambiguous_link: 4 links to TMDB ids 5, 862", "r.csv:10",
            parsedJson(ambiguous)));
    pipeline.run();
  }

  @Test
  public void misconfigurationIsRefusedWhenTheGraphIsBuilt() {
    assertThrows(IllegalArgumentException.class, () -> ParseCpi.create().withValueColumn("DATE"));
    assertThrows(IllegalArgumentException.class, () -> ParseCpi.create().withValueColumn(""));
    PCollection<Row> cpi = pipeline.apply("CPI", Create.empty(MovieCsv.CPI));
    assertThrows(IllegalArgumentException.class, () -> cpi.apply(ParseCpi.create().withValueColumn("CPIAUCSL")));
    PCollection<Row> parsed = pipeline.apply("Parsed", Create.empty(ParseRatings.PARSED));
    assertThrows(IllegalArgumentException.class, () -> parsed.apply(MapRatings.create()));
    PCollection<Row> links = pipeline.apply("Links", Create.empty(MovieSchemas.LINK));
    assertThrows(IllegalArgumentException.class, () -> parsed.apply(MapRatings.create().withLinks(links)));
    assertThrows(IllegalArgumentException.class, () -> MapRatings.create().withLinks(parsed));
    assertThrows(IllegalArgumentException.class, () -> links.apply(LatestRatings.create()));
    PCollection<Row> genres = pipeline.apply("Genres", Create.empty(MovieSchemas.GENRE));
    assertThrows(IllegalArgumentException.class, () -> MapRatings.create().withMovies(genres));
    pipeline.enableAbandonedNodeEnforcement(false);
  }
}
