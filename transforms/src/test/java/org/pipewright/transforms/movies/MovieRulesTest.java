package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;

public class MovieRulesTest {
  private static final String SRC = "movies_metadata.csv:2";

  private static Row movie(String... changes) {
    return MovieRules.movie(MovieCsv.movie(SRC, changes));
  }

  private static String refused(String... changes) {
    return assertThrows(BadValueException.class, () -> movie(changes)).getMessage();
  }

  private static Row genre(long id, String name) {
    return Row.withSchema(MovieSchemas.GENRE).addValues(id, name).build();
  }

  @Test
  public void aFullMovie() {
    assertEquals(Row.withSchema(ParseMovies.PARSED).addValues(862L, false, 30000000L, "en", "Toy Story", 21.946943,
            LocalDate.of(1995, 10, 30), 373554033L, 5415L, 7.7, List.of(genre(16, "Animation"), genre(35, "Comedy")), SRC)
        .build(), movie());
  }

  @Test
  public void zeroAndEmptyMeanUnknown() {
    Row m = movie("budget", "0", "revenue", "0.0", "release_date", "", "popularity", "", "vote_average", null,
        "vote_count", "", "genres", "", "title", "  ", "original_language", null);
    assertNull(m.getInt64("budget"));
    assertNull(m.getInt64("revenue"));
    assertNull(m.getValue("release_date"));
    assertNull(m.getDouble("popularity"));
    assertNull(m.getDouble("vote_average"));
    assertNull(m.getInt64("vote_count"));
    assertNull(m.getString("title"));
    assertNull(m.getString("original_language"));
    assertEquals(List.of(), m.getArray("genres"));
    assertEquals(List.of(), movie("genres", "[]").getArray("genres"));
  }

  @Test
  public void wholeNumbersWrittenWithAPoint() {
    Row m = movie("budget", "1500.0", "revenue", " 12 ", "vote_count", "12.00", "adult", "True", "title", "NULL");
    assertEquals(1500L, (long) m.getInt64("budget"));
    assertEquals(12L, (long) m.getInt64("revenue"));
    assertEquals(12L, (long) m.getInt64("vote_count"));
    assertEquals(true, m.getBoolean("is_adult"));
    assertEquals("NULL", m.getString("title"));
  }

  @Test
  public void genresWithQuotesApostrophesAndRepeats() {
    assertEquals(List.of(genre(1, "Lucy's \"Best\""), genre(2, "Ação")),
        movie("genres", "[{'id': 1, 'name': 'Lucy\\'s \"Best\"'}, {\"name\": \"Ação\", \"id\": 2}, {'id': 1, 'name': 'x'}]")
            .getArray("genres"));
  }

  @Test
  public void everyMovieReason() {
    assertEquals("bad_id: '1997-08-20'", refused("id", "1997-08-20"));
    assertEquals("bad_id: missing", refused("id", null));
    assertEquals("bad_id: '-5'", refused("id", "-5"));
    assertEquals("bad_id: '12.0'", refused("id", "12.0"));
    assertEquals("bad_adult: ' - Written by Ørnås'", refused("adult", " - Written by Ørnås"));
    assertEquals("bad_adult: missing", refused("adult", null));
    assertEquals("bad_adult: 'true'", refused("adult", "true"));
    assertEquals("bad_release_date: '1995-02-30'", refused("release_date", "1995-02-30"));
    assertEquals("bad_release_date: '30/10/1995'", refused("release_date", "30/10/1995"));
    assertEquals("bad_release_date: '1995-1-3'", refused("release_date", "1995-1-3"));
    assertEquals("bad_budget: '/ff9qCepilowshEtG2GYWwzt2bs4.jpg'", refused("budget", "/ff9qCepilowshEtG2GYWwzt2bs4.jpg"));
    assertEquals("bad_budget: '1.5'", refused("budget", "1.5"));
    assertEquals("bad_budget: '1e30'", refused("budget", "1e30"));
    assertEquals("negative_budget: '-100'", refused("budget", "-100"));
    assertEquals("bad_revenue: 'NaN'", refused("revenue", "NaN"));
    assertEquals("negative_revenue: '-1.0'", refused("revenue", "-1.0"));
    // Beyond any film; two of them would overflow the sums per genre and period.
    assertEquals("too_large_revenue: '5000000000000000000' is over 10^12 dollars",
        refused("revenue", "5000000000000000000"));
    assertEquals("too_large_budget: '1000000000001' is over 10^12 dollars", refused("budget", "1000000000001"));
    assertEquals("bad_popularity: 'Beware Of Frost Bites'", refused("popularity", "Beware Of Frost Bites"));
    assertEquals("bad_vote_average: 'Infinity'", refused("vote_average", "Infinity"));
    assertEquals("bad_vote_count: '3.5'", refused("vote_count", "3.5"));
    assertEquals("bad_genres: malformed Python literal at offset 32: expected ',' or ']'",
        refused("genres", "[{'id': 16, 'name': 'Animation'}"));
    assertEquals("bad_genres: not a list: '{'id': 16, 'name': 'Animation'}'",
        refused("genres", "{'id': 16, 'name': 'Animation'}"));
    assertEquals("bad_genres: expected {'id': ..., 'name': ...}, got '{id=16}'", refused("genres", "[{'id': 16}]"));
    assertEquals("bad_genres: expected {'id': ..., 'name': ...}, got '{id=16, title=x}'",
        refused("genres", "[{'id': 16, 'title': 'x'}]"));
    assertEquals("bad_genres: expected {'id': ..., 'name': ...}, got '{id=a, name=x}'",
        refused("genres", "[{'id': 'a', 'name': 'x'}]"));
    assertEquals("bad_genres: expected {'id': ..., 'name': ...}, got '16'", refused("genres", "[16]"));
    assertEquals("bad_genres: malformed Python literal at offset 0: expected a value, got the name 'Animation'",
        refused("genres", "Animation"));
  }

  @Test
  public void longValuesAreQuotedShort() {
    String reason = refused("id", "x".repeat(500));
    assertEquals("bad_id: '" + "x".repeat(64) + "...'", reason);
  }

  @Test
  public void links() {
    assertEquals(Row.withSchema(MovieSchemas.LINK).addValues(1L, "0114709", 862L).build(),
        MovieRules.link(MovieCsv.row(MovieCsv.LINKS, "links.csv:2", "1", "0114709", "862")));
    assertEquals(Row.withSchema(MovieSchemas.LINK).addValues(2L, "0113497", null).build(),
        MovieRules.link(MovieCsv.row(MovieCsv.LINKS, "links.csv:3", "2", "0113497", "")));
    assertEquals("bad_movie_id: 'abc'", assertThrows(BadValueException.class,
        () -> MovieRules.link(MovieCsv.row(MovieCsv.LINKS, "l:4", "abc", "1", "2"))).getMessage());
    assertEquals("bad_tmdb_id: '86.2'", assertThrows(BadValueException.class,
        () -> MovieRules.link(MovieCsv.row(MovieCsv.LINKS, "l:4", "3", "1", "86.2"))).getMessage());
  }

  @Test
  public void cpi() {
    assertEquals(Row.withSchema(MovieSchemas.CPI).addValues(LocalDate.of(1999, 1, 1), new BigDecimal("102.700")).build(),
        MovieRules.cpi(MovieCsv.row(MovieCsv.CPI, "cpi.csv:2", "1999-01-01", "102.700"), "DATE", "CUSR0000SS62031"));
    String[][] bad = {
        {"1999-01-15", "1", "bad_month: '1999-01-15'"},
        {"1999-13-01", "1", "bad_month: '1999-13-01'"},
        {"", "1", "bad_month: missing"},
        {"1999-01-01", ".", "bad_value: '.'"},
        {"1999-01-01", "", "bad_value: missing"},
        {"1999-01-01", "1,5", "bad_value: '1,5'"},
        {"1999-01-01", "1e-999999999", "bad_value: '1e-999999999'"},
        // 30 digits before the point: no NUMERIC(38, 9) column or Parquet decimal holds it.
        {"1999-01-01", "1e29", "bad_value: '1e29'"},
        // More decimals than the tables keep: stored rounded, it would not be the CPI used.
        {"1999-01-01", "188.1291234567891", "bad_value: '188.1291234567891'"},
        {"1999-01-01", "0.000", "bad_value: '0.000' is not above 0"},
        {"1999-01-01", "-1", "bad_value: '-1' is not above 0"},
    };
    for (String[] b : bad) {
      assertEquals(b[2], assertThrows(BadValueException.class, () -> MovieRules.cpi(
          MovieCsv.row(MovieCsv.CPI, "cpi.csv:3", b[0], b[1]), "DATE", "CUSR0000SS62031")).getMessage());
    }
  }

  @Test
  public void theLargestStorableCpiAndRatingAreKept() {
    String nines = "99999999999999999999999999999"; // 29 digits
    assertEquals(new BigDecimal(nines), MovieRules.cpi(MovieCsv.row(MovieCsv.CPI, "cpi.csv:2", "1999-01-01", nines),
        "DATE", "CUSR0000SS62031").getDecimal("value"));
    assertEquals(new BigDecimal("188.129123456000"), MovieRules.cpi(MovieCsv.row(MovieCsv.CPI, "cpi.csv:2",
        "1999-01-01", "188.129123456000"), "DATE", "CUSR0000SS62031").getDecimal("value"));
    assertEquals(9.99e28, MovieRules.rating(MovieCsv.row(MovieCsv.RATINGS, "r:2", "1", "31", "9.99e28", "0"))
        .getDouble("rating"), 0.0);
  }

  @Test
  public void ratings() {
    assertEquals(Row.withSchema(ParseRatings.PARSED)
            .addValues(1L, 31L, 2.5, Instant.ofEpochSecond(1260759144L), "ratings.csv:2").build(),
        MovieRules.rating(MovieCsv.row(MovieCsv.RATINGS, "ratings.csv:2", "1", "31", "2.5", "1260759144")));
    // Out of range is kept: the quality gate judges the range.
    assertEquals(7.5, MovieRules.rating(MovieCsv.row(MovieCsv.RATINGS, "r:3", "1", "31", "7.5", "0")).getDouble("rating"),
        0.0);
    String[][] bad = {
        {"x", "31", "2.5", "1", "bad_user_id: 'x'"},
        {"1", "", "2.5", "1", "bad_movie_id: missing"},
        {"1", "31", "good", "1", "bad_rating: 'good'"},
        {"1", "31", "", "1", "bad_rating: missing"},
        // Its movie's mean would be too large for any sink.
        {"1", "31", "1e29", "1", "bad_rating: '1e29'"},
        {"1", "31", "2.5", "2016-01-01", "bad_timestamp: '2016-01-01'"},
        {"1", "31", "2.5", "", "bad_timestamp: missing"},
        {"1", "31", "2.5", "99999999999999999", "bad_timestamp: '99999999999999999'"},
        // Year ~31 million: fits a long, but no warehouse stores it.
        {"1", "31", "2.5", "999999999999999", "bad_timestamp: '999999999999999'"},
    };
    for (String[] b : bad) {
      assertEquals(b[4], assertThrows(BadValueException.class, () -> MovieRules.rating(
          MovieCsv.row(MovieCsv.RATINGS, "r:4", b[0], b[1], b[2], b[3]))).getMessage());
    }
  }

  @Test
  public void releaseDateDimension() {
    assertEquals(Row.withSchema(MovieSchemas.RELEASE_DATE).addValues(LocalDate.of(1995, 10, 30), 30, 44, 10, 4, 1995)
        .build(), MovieRules.releaseDate(LocalDate.of(1995, 10, 30)));
    // 1 January 2010 is in ISO week 53 of 2009; the year stays the calendar year.
    assertEquals(Row.withSchema(MovieSchemas.RELEASE_DATE).addValues(LocalDate.of(2010, 1, 1), 1, 53, 1, 1, 2010)
        .build(), MovieRules.releaseDate(LocalDate.of(2010, 1, 1)));
    assertEquals(2, (int) MovieRules.releaseDate(LocalDate.of(2001, 6, 30)).getInt32("quarter"));
    assertEquals(3, (int) MovieRules.releaseDate(LocalDate.of(2001, 7, 1)).getInt32("quarter"));
  }
}
