package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.movies.MovieAnalytics;

/**
 * MoviesWarehouse end to end on files: a small hand-written input whose every output was worked
 * out by hand (the model, the analytics, each dead letter, the summary, the quality report), the
 * same input gzipped, the quality gate failing, the real samples, and the command-line errors.
 */
public class MoviesWarehouseTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final String MOVIES_HEADER = "adult,belongs_to_collection,budget,genres,homepage,id,imdb_id,"
      + "original_language,original_title,overview,popularity,poster_path,production_companies,"
      + "production_countries,release_date,revenue,runtime,spoken_languages,status,tagline,title,video,"
      + "vote_average,vote_count";

  /**
   * Line 1 is the header; Toy Story's overview spans lines 2-3, so Jumanji starts on line 4. The
   * apostrophes: a title, and a genre name that Python writes in double quotes.
   */
  private static final String MOVIES = MOVIES_HEADER + "\n"
      + movie("30000000", "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}, "
          + "{'id': 10762, 'name': \"Children's\"}]", "862", "Led by Woody, Andy's toys live happily in his room\n"
          + "until Andy's birthday brings \"Buzz Lightyear\".", "1995-10-30", "373554033", "Toy Story", "7.7", "5415")
      + movie("65000000", "[{'id': 12, 'name': 'Adventure'}, {'id': 35, 'name': 'Comedy'}]", "8844",
          "A board game.", "1995-12-15", "262797249", "Jumanji", "6.9", "2413")
      + movie("22000000", "[{'id': 18, 'name': 'Drama'}, {'id': 36, 'name': 'History'}]", "424", "A list.",
          "1993-11-30", "321365570", "Schindler's List", "8.3", "4436")
      // Budget and revenue 0 mean unknown.
      + movie("0", "[{'id': 80, 'name': 'Crime'}]", "949", "A heist.", "1995-12-15", "0", "Heat", "7.7", "1886")
      + movie("11000000", "[{'id': 12, 'name': 'Adventure'}]", "11", "Far away.", "1977-05-25", "775398007",
          "Star Wars", "8.1", "6778")
      // Line 8: the same id again: a duplicate, the first row (line 2) wins.
      + movie("1", "[{'id': 99, 'name': 'Documentary'}]", "862", "Again.", "2001-01-01", "5", "Toy Story again",
          "1.0", "1")
      // Lines 9-11: a date in the id column, a 13th month, a negative budget.
      + movie("0", "[{'id': 98, 'name': 'Shifted'}]", "1997-08-20", "Shifted.", "", "", "Broken", "", "")
      + movie("0", "[]", "500", "Bad date.", "1995-13-01", "0", "Bad Date", "5.0", "1")
      + movie("-5", "[]", "501", "Negative.", "1995-01-01", "0", "Negative", "5.0", "1");

  private static final String LINKS = "movieId,imdbId,tmdbId\n"
      + "1,0114709,862\n"
      + "2,0113497,8844\n"
      + "3,0113228,\n" // line 4: no TMDB id
      + "527,0108052,424\n"
      + "6,0113277,949\n"
      + "7,0076759,11\n"
      + "8,0000008,99999\n" // line 8: a TMDB id the movies file does not have
      + "abc,0000001,5\n"; // line 9

  private static final String RATINGS = "userId,movieId,rating,timestamp\n"
      + "1,1,4.0,964982703\n" // line 2: user 1 rates movie 1 again on line 12, later: a duplicate
      + "2,1,5.0,964982931\n"
      + "3,1,3.5,1260759144\n"
      + "1,2,3.0,964982400\n"
      + "2,2,4.5,964983000\n"
      + "1,527,5.0,964981247\n"
      + "1,3,4.0,964982224\n" // line 8: link without a TMDB id
      + "1,8,2.0,964982300\n" // line 9: TMDB id 99999 is not a movie
      + "1,404,3.0,964982301\n" // line 10: no link at all
      + "2,527,x,964982302\n" // line 11
      + "1,1,4.5,964990000\n"
      + "3,2\n" // line 13
      + "1,6,2.0,964982500\n"
      + "2,6,3.0,964982600\n";

  private static final String CPI = "DATE,CUSR0000SS62031\n"
      + "1993-11-01,96.000\n"
      + "1995-10-01,100.000\n"
      + "1995-12-01,101.500\n"
      + "1996-01-01,102.000\n" // the latest month
      + "1996-02-15,103.000\n" // line 6: not a month
      + "1996-03-01,.\n"; // line 7: FRED's "no value"

  private static final List<String> SMALL_ARGS = List.of("--outputFormat=json", "--progressSeconds=0",
      "--minVotes=2", "--topN=2", "--deadLetterWarn=0.2", "--deadLetterError=0.4");

  private static Path small;
  private static Path smallOut;
  private static boolean smallPassed;

  @BeforeClass
  public static void runSmall() throws Exception {
    small = TMP.newFolder("small").toPath();
    write(small.resolve("movies_metadata.csv"), MOVIES);
    write(small.resolve("links.csv"), LINKS);
    write(small.resolve("ratings.csv"), RATINGS);
    write(small.resolve("cpi.csv"), CPI);
    smallOut = TMP.getRoot().toPath().resolve("small-out");
    smallPassed = MoviesWarehouse.run(args(small, smallOut, SMALL_ARGS));
  }

  @Test
  public void theSmallInputGivesTheHandComputedModel() {
    assertEquals(List.of(
        "{\"movie_id\":11,\"is_adult\":false,\"budget\":11000000,\"original_language\":\"en\",\"title\":\"Star Wars\","
            + "\"popularity\":1.5,\"release_date\":\"1977-05-25\",\"revenue\":775398007,\"vote_count\":6778,"
            + "\"vote_average\":8.1}",
        "{\"movie_id\":424,\"is_adult\":false,\"budget\":22000000,\"original_language\":\"en\","
            + "\"title\":\"Schindler's List\",\"popularity\":1.5,\"release_date\":\"1993-11-30\",\"revenue\":321365570,"
            + "\"vote_count\":4436,\"vote_average\":8.3}",
        "{\"movie_id\":862,\"is_adult\":false,\"budget\":30000000,\"original_language\":\"en\",\"title\":\"Toy Story\","
            + "\"popularity\":1.5,\"release_date\":\"1995-10-30\",\"revenue\":373554033,\"vote_count\":5415,"
            + "\"vote_average\":7.7}",
        "{\"movie_id\":8844,\"is_adult\":false,\"budget\":65000000,\"original_language\":\"en\",\"title\":\"Jumanji\","
            + "\"popularity\":1.5,\"release_date\":\"1995-12-15\",\"revenue\":262797249,\"vote_count\":2413,"
            + "\"vote_average\":6.9}",
        "{\"movie_id\":949,\"is_adult\":false,\"budget\":null,\"original_language\":\"en\",\"title\":\"Heat\","
            + "\"popularity\":1.5,\"release_date\":\"1995-12-15\",\"revenue\":null,\"vote_count\":1886,"
            + "\"vote_average\":7.7}"),
        table(smallOut, "clean/movies"));
    // The rating on line 2 gave way to the later one on line 12; MovieLens ids became TMDB ids.
    assertEquals(List.of(
        "{\"user_id\":1,\"movie_id\":424,\"rating\":5.0,\"rated_at\":\"2000-07-30T18:20:47Z\"}",
        "{\"user_id\":1,\"movie_id\":862,\"rating\":4.5,\"rated_at\":\"2000-07-30T20:46:40Z\"}",
        "{\"user_id\":1,\"movie_id\":8844,\"rating\":3.0,\"rated_at\":\"2000-07-30T18:40:00Z\"}",
        "{\"user_id\":1,\"movie_id\":949,\"rating\":2.0,\"rated_at\":\"2000-07-30T18:41:40Z\"}",
        "{\"user_id\":2,\"movie_id\":862,\"rating\":5.0,\"rated_at\":\"2000-07-30T18:48:51Z\"}",
        "{\"user_id\":2,\"movie_id\":8844,\"rating\":4.5,\"rated_at\":\"2000-07-30T18:50:00Z\"}",
        "{\"user_id\":2,\"movie_id\":949,\"rating\":3.0,\"rated_at\":\"2000-07-30T18:43:20Z\"}",
        "{\"user_id\":3,\"movie_id\":862,\"rating\":3.5,\"rated_at\":\"2009-12-14T02:52:24Z\"}"),
        table(smallOut, "clean/ratings"));
    // Only the kept rows' genres: not line 8's Documentary nor line 9's.
    assertEquals(List.of("{\"genre_id\":10762,\"name\":\"Children's\"}", "{\"genre_id\":12,\"name\":\"Adventure\"}",
        "{\"genre_id\":16,\"name\":\"Animation\"}", "{\"genre_id\":18,\"name\":\"Drama\"}",
        "{\"genre_id\":35,\"name\":\"Comedy\"}", "{\"genre_id\":36,\"name\":\"History\"}",
        "{\"genre_id\":80,\"name\":\"Crime\"}"), table(smallOut, "clean/genre"));
    assertEquals(List.of("{\"movie_id\":11,\"genre_id\":12}", "{\"movie_id\":424,\"genre_id\":18}",
        "{\"movie_id\":424,\"genre_id\":36}", "{\"movie_id\":862,\"genre_id\":10762}",
        "{\"movie_id\":862,\"genre_id\":16}", "{\"movie_id\":862,\"genre_id\":35}",
        "{\"movie_id\":8844,\"genre_id\":12}", "{\"movie_id\":8844,\"genre_id\":35}",
        "{\"movie_id\":949,\"genre_id\":80}"), table(smallOut, "clean/movie_genre"));
    // ISO weeks: 1995-10-30 is the Monday of week 44; Jumanji and Heat share 1995-12-15.
    assertEquals(List.of(
        "{\"date\":\"1977-05-25\",\"day\":25,\"week\":21,\"month\":5,\"quarter\":2,\"year\":1977}",
        "{\"date\":\"1993-11-30\",\"day\":30,\"week\":48,\"month\":11,\"quarter\":4,\"year\":1993}",
        "{\"date\":\"1995-10-30\",\"day\":30,\"week\":44,\"month\":10,\"quarter\":4,\"year\":1995}",
        "{\"date\":\"1995-12-15\",\"day\":15,\"week\":50,\"month\":12,\"quarter\":4,\"year\":1995}"),
        table(smallOut, "clean/release_date"));
    assertEquals(List.of("{\"month\":\"1993-11-01\",\"value\":96.000}", "{\"month\":\"1995-10-01\",\"value\":100.000}",
        "{\"month\":\"1995-12-01\",\"value\":101.500}", "{\"month\":\"1996-01-01\",\"value\":102.000}"),
        table(smallOut, "clean/cpi"));
  }

  @Test
  public void theSmallInputGivesTheHandComputedAnalytics() {
    // revenue * CPI(1996-01) / CPI(release month), half up to cents:
    //   Toy Story  373554033 * 102 / 100   = 381025113.66 exactly
    //   Jumanji    262797249 * 102 / 101.5 = 264091816.72906...  -> .73
    //   Schindler  321365570 * 102 / 96    = 341450918.125       -> .13 (half even would give .12)
    //   Star Wars  1977-05 is not in the series -> null; Heat's revenue is unknown -> null
    assertEquals(List.of(
        "{\"movie_id\":11,\"title\":\"Star Wars\",\"release_date\":\"1977-05-25\",\"revenue\":775398007,"
            + "\"revenue_real\":null}",
        "{\"movie_id\":424,\"title\":\"Schindler's List\",\"release_date\":\"1993-11-30\",\"revenue\":321365570,"
            + "\"revenue_real\":341450918.13}",
        "{\"movie_id\":862,\"title\":\"Toy Story\",\"release_date\":\"1995-10-30\",\"revenue\":373554033,"
            + "\"revenue_real\":381025113.66}",
        "{\"movie_id\":8844,\"title\":\"Jumanji\",\"release_date\":\"1995-12-15\",\"revenue\":262797249,"
            + "\"revenue_real\":264091816.73}",
        "{\"movie_id\":949,\"title\":\"Heat\",\"release_date\":\"1995-12-15\",\"revenue\":null,\"revenue_real\":null}"),
        table(smallOut, "analytics/real_revenue"));
    // Sums of the rounded per-movie values; Crime's only movie has no known revenue: no row.
    assertEquals(List.of(
        "{\"genre\":\"Adventure\",\"movies\":2,\"revenue\":1038195256,\"revenue_real\":264091816.73}",
        "{\"genre\":\"Animation\",\"movies\":1,\"revenue\":373554033,\"revenue_real\":381025113.66}",
        "{\"genre\":\"Children's\",\"movies\":1,\"revenue\":373554033,\"revenue_real\":381025113.66}",
        "{\"genre\":\"Comedy\",\"movies\":2,\"revenue\":636351282,\"revenue_real\":645116930.39}",
        "{\"genre\":\"Drama\",\"movies\":1,\"revenue\":321365570,\"revenue_real\":341450918.13}",
        "{\"genre\":\"History\",\"movies\":1,\"revenue\":321365570,\"revenue_real\":341450918.13}"),
        table(smallOut, "analytics/genre_revenue"));
    assertEquals(List.of("{\"month\":\"1977-05\",\"movies\":1,\"revenue\":775398007}",
        "{\"month\":\"1993-11\",\"movies\":1,\"revenue\":321365570}",
        "{\"month\":\"1995-10\",\"movies\":1,\"revenue\":373554033}",
        "{\"month\":\"1995-12\",\"movies\":1,\"revenue\":262797249}"), table(smallOut, "analytics/revenue_by_month"));
    assertEquals(List.of("{\"year\":1977,\"quarter\":2,\"movies\":1,\"revenue\":775398007}",
        "{\"year\":1993,\"quarter\":4,\"movies\":1,\"revenue\":321365570}",
        "{\"year\":1995,\"quarter\":4,\"movies\":2,\"revenue\":636351282}"), table(smallOut, "analytics/revenue_by_quarter"));
    // --minVotes=2 leaves out Schindler's List (1 rating); --topN=2 cuts Heat (2.0 and 3.0: 2.5).
    // Toy Story: 4.5 (the later of user 1's), 5.0, 3.5 -> 13 / 3 = 4.3333; Jumanji: (3.0 + 4.5) / 2.
    assertEquals(List.of(
        "{\"rank\":1,\"movie_id\":862,\"title\":\"Toy Story\",\"ratings\":3,\"mean_rating\":4.3333}",
        "{\"rank\":2,\"movie_id\":8844,\"title\":\"Jumanji\",\"ratings\":2,\"mean_rating\":3.7500}"),
        table(smallOut, "analytics/top_rated"));
  }

  @Test
  public void everyRefusedRecordIsADeadLetterWithItsReasonAndLine() {
    Map<String, String> reasons = new TreeMap<>();
    Map<String, JsonNode> letters = new HashMap<>();
    for (JsonNode d : Outputs.rows(smallOut.resolve("dead-letter"))) {
      String source = d.get("source").asText().replace(small + "/", "");
      reasons.put(source, d.get("kind").asText() + " " + d.get("step").asText() + " " + d.get("reason").asText());
      letters.put(source, d);
    }
    Map<String, String> expected = new TreeMap<>();
    expected.put("movies_metadata.csv:9", "movies ParseMovies bad_id: '1997-08-20'");
    expected.put("movies_metadata.csv:10", "movies ParseMovies bad_release_date: '1995-13-01'");
    expected.put("movies_metadata.csv:11", "movies ParseMovies negative_budget: '-5'");
    expected.put("links.csv:9", "links ParseLinks bad_movie_id: 'abc'");
    expected.put("cpi.csv:6", "cpi ParseCpi bad_month: '1996-02-15'");
    expected.put("cpi.csv:7", "cpi ParseCpi bad_value: '.'");
    expected.put("ratings.csv:8", "ratings MapRatings unmapped_movie: 3");
    expected.put("ratings.csv:9", "ratings MapRatings unknown_movie: 99999");
    expected.put("ratings.csv:10", "ratings MapRatings unmapped_movie: 404");
    expected.put("ratings.csv:11", "ratings ParseRatings bad_rating: 'x'");
    expected.put("ratings.csv:13", "ratings read-csv wrong_field_count: 2 of 4");
    assertEquals(expected, reasons);
    assertEquals(11, Outputs.rows(smallOut.resolve("dead-letter")).size());
    // Payloads: the raw text for a CSV-level refusal, the named columns for a parse refusal, the
    // parsed rating (MovieLens id) for a mapping refusal.
    assertEquals("3,2", letters.get("ratings.csv:13").get("payload").asText());
    JsonNode shifted = Outputs.parse(letters.get("movies_metadata.csv:9").get("payload").asText());
    assertEquals("1997-08-20", shifted.get("id").asText());
    assertEquals("Broken", shifted.get("title").asText());
    assertEquals(24, shifted.size());
    assertEquals("{\"user_id\":1,\"movie_id\":8,\"rating\":2.0,\"rated_at\":\"2000-07-30T18:38:20Z\","
        + "\"source\":\"" + small.resolve("ratings.csv") + ":9\"}", letters.get("ratings.csv:9").get("payload").asText());
  }

  @Test
  public void theSummaryAddsUpPerInput() throws Exception {
    // movies: 9 records, 3 refused, 6 parsed of which line 8 repeats id 862.
    // ratings: 14 records; 2 refused reading or parsing, 3 not mapped, 1 duplicate, 8 kept.
    assertEquals(Outputs.parse("{\"movies\": {\"read\": 9, \"clean\": 5, \"duplicates\": 1, \"deadLetter\": 3},"
        + " \"ratings\": {\"read\": 14, \"clean\": 8, \"duplicates\": 1, \"deadLetter\": 5},"
        + " \"links\": {\"read\": 8, \"clean\": 7, \"duplicates\": 0, \"deadLetter\": 1},"
        + " \"cpi\": {\"read\": 6, \"clean\": 4, \"duplicates\": 0, \"deadLetter\": 2}}"), Outputs.summary(smallOut));
  }

  @Test
  public void theQualityReportJudgesTheSmallInput() {
    assertTrue("no error-level check fails", smallPassed);
    assertEquals(List.of(
        "cpi | in_range(value, 0..) | error | pass | 0 of 4 rows | 0",
        "cpi | row_count | error | pass | 4 rows | >= 1",
        "cpi | unique(month) | error | pass | 0 of 4 rows | 0",
        "cpi_input | dead_letter_ratio <= 20% | warn | fail | 2 of 6 records (33.33%) | <= 20%",
        "cpi_input | dead_letter_ratio <= 40% | error | pass | 2 of 6 records (33.33%) | <= 40%",
        "genre | not_null(name) | error | pass | 0 of 7 rows | 0",
        "genre | unique(genre_id) | error | pass | 0 of 7 rows | 0",
        "genre_names | unique(genre_id) | error | pass | 0 of 7 rows | 0",
        "links_input | dead_letter_ratio <= 20% | warn | pass | 1 of 8 records (12.5%) | <= 20%",
        "links_input | dead_letter_ratio <= 40% | error | pass | 1 of 8 records (12.5%) | <= 40%",
        "movie_genre | references(genre_id -> genre.genre_id) | error | pass | 0 of 9 rows | 0",
        "movie_genre | references(movie_id -> movies.movie_id) | error | pass | 0 of 9 rows | 0",
        "movie_genre | unique(movie_id, genre_id) | error | pass | 0 of 9 rows | 0",
        "movies | in_range(vote_average, 0..10) | warn | pass | 0 of 5 rows | 0",
        "movies | row_count | error | pass | 5 rows | >= 1",
        "movies | unique(movie_id) | error | pass | 0 of 5 rows | 0",
        "movies_input | dead_letter_ratio <= 20% | warn | fail | 3 of 9 records (33.33%) | <= 20%",
        "movies_input | dead_letter_ratio <= 40% | error | pass | 3 of 9 records (33.33%) | <= 40%",
        "ratings | in_range(rating, 0.5..5.0) | error | pass | 0 of 8 rows | 0",
        "ratings | references(movie_id -> movies.movie_id) | error | pass | 0 of 8 rows | 0",
        "ratings | row_count | error | pass | 8 rows | >= 1",
        "ratings | unique(user_id, movie_id) | error | pass | 0 of 8 rows | 0",
        "ratings_input | dead_letter_ratio <= 20% | warn | pass | 2 of 14 records (14.29%) | <= 20%",
        "ratings_input | dead_letter_ratio <= 40% | error | pass | 2 of 14 records (14.29%) | <= 40%",
        // Every parsed rating goes to the mapping: 12, of which 3 are not mapped.
        "ratings_movie_match | dead_letter_ratio <= 20% | warn | fail | 3 of 12 records (25%) | <= 20%",
        "ratings_movie_match | dead_letter_ratio <= 40% | warn | pass | 3 of 12 records (25%) | <= 40%",
        "release_date | unique(date) | error | pass | 0 of 4 rows | 0"),
        Outputs.quality(smallOut, "movies"));
  }

  @Test
  public void gzippedInputsGiveTheSameOutputs() throws Exception {
    Path zipped = TMP.newFolder("zipped").toPath();
    gzip(zipped.resolve("movies_metadata.csv.gz"), MOVIES);
    gzip(zipped.resolve("ratings.csv.gz"), RATINGS);
    write(zipped.resolve("links.csv"), LINKS); // any of them may be gzipped, not necessarily all
    gzip(zipped.resolve("cpi.csv.gz"), CPI);
    Path out = TMP.getRoot().toPath().resolve("zipped-out");
    assertTrue(MoviesWarehouse.run(args(zipped, out, SMALL_ARGS)));
    List<String> tables = new ArrayList<>(List.of("quality"));
    for (String table : List.of("movies", "ratings", "genre", "movie_genre", "release_date", "cpi")) {
      tables.add("clean/" + table);
    }
    for (String name : MovieAnalytics.OUTPUTS.keySet()) {
      tables.add("analytics/" + name);
    }
    for (String table : tables) {
      assertEquals(table, table(smallOut, table), table(out, table));
    }
    assertEquals(Outputs.summary(smallOut), Outputs.summary(out));
    List<String> dead = new ArrayList<>();
    for (String line : Outputs.lines(out.resolve("dead-letter"))) {
      dead.add(line.replace(zipped + "/", small + "/").replace(".csv.gz:", ".csv:"));
    }
    dead.sort(null);
    assertEquals(table(smallOut, "dead-letter"), dead);
  }

  @Test
  public void aRatingOutOfRangeFailsTheGateAfterEveryOutputIsWritten() throws Exception {
    Path in = TMP.newFolder("out-of-range").toPath();
    write(in.resolve("movies_metadata.csv"), MOVIES);
    write(in.resolve("links.csv"), LINKS);
    write(in.resolve("ratings.csv"), RATINGS + "4,1,7.0,964982800\n");
    write(in.resolve("cpi.csv"), CPI);
    Path out = TMP.getRoot().toPath().resolve("out-of-range-out");
    assertFalse(MoviesWarehouse.run(args(in, out, SMALL_ARGS)));
    List<String> quality = Outputs.quality(out, "movies");
    assertTrue(quality.toString(),
        quality.contains("ratings | in_range(rating, 0.5..5.0) | error | fail | 1 of 9 rows | 0"));
    // Only that check fails at error level; the outputs are all there.
    assertEquals(1, quality.stream().filter(q -> q.contains(" | error | fail | ")).count());
    assertThat(table(out, "clean/ratings").toString(), containsString("\"user_id\":4,\"movie_id\":862,\"rating\":7.0"));
    assertEquals(15, Outputs.summary(out).get("ratings").get("read").asLong());
    assertEquals(11, Outputs.rows(out.resolve("dead-letter")).size());
    assertEquals(5, table(out, "analytics/real_revenue").size());
  }

  @Test
  public void aGenreIdWithTwoNamesFailsTheGate() throws Exception {
    Path in = TMP.newFolder("two-names").toPath();
    // Star Wars' genre 12 is "Sci-Fi" here, Jumanji's "Adventure": the genre table keeps one of them.
    write(in.resolve("movies_metadata.csv"), MOVIES.replace("[{'id': 12, 'name': 'Adventure'}]\"",
        "[{'id': 12, 'name': 'Sci-Fi'}]\""));
    write(in.resolve("links.csv"), LINKS);
    write(in.resolve("ratings.csv"), RATINGS);
    write(in.resolve("cpi.csv"), CPI);
    Path out = TMP.getRoot().toPath().resolve("two-names-out");
    assertFalse(MoviesWarehouse.run(args(in, out, SMALL_ARGS)));
    List<String> failed = Outputs.quality(out, "movies").stream().filter(q -> q.contains(" | error | fail | "))
        .collect(java.util.stream.Collectors.toList());
    assertEquals(List.of("genre_names | unique(genre_id) | error | fail | 1 of 8 rows | 0"), failed);
  }

  @Test
  public void theGateFailureExitsWithItsOwnCode() throws Exception {
    Path in = TMP.newFolder("exit-code").toPath();
    write(in.resolve("movies_metadata.csv"), MOVIES);
    write(in.resolve("links.csv"), LINKS);
    write(in.resolve("ratings.csv"), "userId,movieId,rating,timestamp\n1,1,7.0,964982800\n");
    write(in.resolve("cpi.csv"), CPI);
    BundledJar.Result result = runMain("--input=" + in, "--output=" + TMP.getRoot().toPath().resolve("exit-code-out"),
        "--outputFormat=json", "--progressSeconds=0", "--deadLetterError=0.4");
    assertEquals(result.output, MoviesWarehouse.QUALITY_FAILED, result.exitCode);
    assertThat(result.output, containsString("error: the quality gate failed: 1 error-level check(s) failed"));
  }

  @Test
  public void aMissingInputNamesTheExpectedPath() throws Exception {
    Path in = TMP.newFolder("missing").toPath();
    write(in.resolve("movies_metadata.csv"), MOVIES);
    write(in.resolve("cpi.csv"), CPI);
    String out = "--output=" + TMP.newFolder().toPath();
    UsageException e = assertThrows(UsageException.class,
        () -> MoviesWarehouse.run(new String[] {"--input=" + in, out}));
    assertEquals("no ratings input: expected " + in.resolve("ratings.csv") + " or " + in.resolve("ratings.csv.gz")
        + " (or --ratingsFile)", e.getMessage());
    Path nowhere = in.resolve("nowhere.csv");
    e = assertThrows(UsageException.class,
        () -> MoviesWarehouse.run(new String[] {"--input=" + in, out, "--ratingsFile=" + nowhere}));
    assertEquals("no ratings input: " + nowhere + " matches no file", e.getMessage());
  }

  @Test
  public void badNumbersAreOneClearMessage() throws Exception {
    String in = "--input=" + small;
    String out = "--output=" + TMP.newFolder().toPath();
    assertEquals("--minVotes must be >= 1, got 0", usageError(in, out, "--minVotes=0"));
    assertEquals("--topN must be >= 1, got -3", usageError(in, out, "--topN=-3"));
    assertEquals("--deadLetterWarn and --deadLetterError must be within [0, 1] with warn <= error, got 0.5 and 0.05",
        usageError(in, out, "--deadLetterWarn=0.5"));
    assertEquals("--deadLetterWarn and --deadLetterError must be within [0, 1] with warn <= error, got -0.1 and 0.05",
        usageError(in, out, "--deadLetterWarn=-0.1"));
    // A CPI column the reader or the parser cannot take.
    assertEquals("--cpiColumn: columns must be distinct, got [DATE, DATE]", usageError(in, out, "--cpiColumn=DATE"));
    assertEquals("--cpiColumn: 'source' is the output's own first field; it cannot be a column",
        usageError(in, out, "--cpiColumn=source"));
    assertEquals("--cpiColumn: a column name must be non-empty without surrounding spaces, got ' CPI'",
        usageError(in, out, "--cpiColumn= CPI"));
    assertThat(usageError(out), containsString("--input"));

    // As a user sees it: one error line, exit code 2.
    BundledJar.Result result = runMain(in, out, "--deadLetterWarn=2");
    assertEquals(result.output, 2, result.exitCode);
    assertEquals(List.of("error: --deadLetterWarn and --deadLetterError must be within [0, 1] with warn <= error, "
        + "got 2.0 and 0.05"), result.output.strip().lines().toList());
  }

  @Test
  public void helpListsTheOptions() throws Exception {
    BundledJar.Result result = runMain("--help");
    assertEquals(result.output, 0, result.exitCode);
    assertThat(result.output, startsWith("MoviesWarehouse options:"));
    for (String option : new String[] {"--input=String (required)", "--output=String (required)", "--moviesFile",
        "--ratingsFile", "--linksFile", "--cpiFile", "--cpiColumn=String (default: CUSR0000SS62031)",
        "--minVotes=int (default: 50)", "--topN=int (default: 25)", "--deadLetterWarn=double (default: 0.01)",
        "--deadLetterError=double (default: 0.05)", "--outputFormat", "--jdbcUrl", "--tablePrefix",
        "--createTables"}) {
      assertThat(result.output, containsString(option));
    }
  }

  /** The schedulers' option check (CheckOptions, used by the Airflow DAGs) knows the job. */
  @Test
  public void checkOptionsKnowsTheJob() throws Exception {
    BundledJar.Result ok = run(CheckOptions.class.getName(), MoviesWarehouse.class.getName(), "--input=in",
        "--output=out", "--minVotes=10", "--jdbcUrl=jdbc:postgresql://db/w", "--createTables=true");
    assertEquals(ok.output, 0, ok.exitCode);
    assertThat(ok.output, containsString("options ok for " + MoviesWarehouse.class.getName()));
    BundledJar.Result bad = run(CheckOptions.class.getName(), MoviesWarehouse.class.getName(), "--input=in",
        "--output=out", "--minVote=10");
    assertEquals(bad.output, 2, bad.exitCode);
    assertThat(bad.output, containsString("minVote"));
  }

  private static String usageError(String... args) {
    return assertThrows(UsageException.class, () -> MoviesWarehouse.run(args)).getMessage();
  }

  /** Runs MoviesWarehouse's main in its own JVM (it calls System.exit) on this test's class path. */
  private static BundledJar.Result runMain(String... args) throws Exception {
    return run(MoviesWarehouse.class.getName(), args);
  }

  private static BundledJar.Result run(String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(BundledJar.javaBin(), "-cp", System.getProperty("java.class.path"),
        mainClass));
    command.addAll(List.of(args));
    return BundledJar.finish(new ProcessBuilder(command).redirectErrorStream(true).start(), 3);
  }

  private static String[] args(Path in, Path out, List<String> more) {
    List<String> args = new ArrayList<>(List.of("--input=" + in, "--output=" + out));
    args.addAll(more);
    return args.toArray(new String[0]);
  }

  /** A table's JSON lines, sorted. */
  static List<String> table(Path out, String table) {
    List<String> lines = new ArrayList<>(Outputs.lines(out.resolve(table)));
    lines.sort(null);
    return lines;
  }

  /** The data records of a CSV file (the header and blank lines are not records). */
  static List<CSVRecord> records(Path file) throws Exception {
    try (var parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build()
        .parse(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
      return parser.getRecords();
    }
  }

  /** One line of movies_metadata.csv; the columns the model does not use are fixed. */
  private static String movie(String budget, String genres, String id, String overview, String releaseDate,
      String revenue, String title, String voteAverage, String voteCount) {
    return csv("False", "", budget, genres, "", id, "tt0000001", "en", title, overview, "1.5", "/p.jpg",
        "[{'name': 'Studio', 'id': 3}]", "[{'iso_3166_1': 'US', 'name': 'United States of America'}]", releaseDate,
        revenue, "81.0", "[{'iso_639_1': 'en', 'name': 'English'}]", "Released", "", title, "False", voteAverage,
        voteCount) + "\n";
  }

  private static String csv(String... fields) {
    List<String> quoted = new ArrayList<>();
    for (String f : fields) {
      quoted.add(f.matches("[^,\"\\n]*") ? f : "\"" + f.replace("\"", "\"\"") + "\"");
    }
    return String.join(",", quoted);
  }

  private static void write(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void gzip(Path file, String text) throws Exception {
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
