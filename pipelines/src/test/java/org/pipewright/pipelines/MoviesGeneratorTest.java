package org.pipewright.pipelines;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.movies.MovieSchemas;

/** The generated files: byte-identical per seed, valid CSV with the declared columns, dirty in the stated shares. */
public class MoviesGeneratorTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final List<String> FILES = List.of(MoviesGenerator.MOVIES_FILE, MoviesGenerator.LINKS_FILE,
      MoviesGenerator.RATINGS_FILE, MoviesGenerator.CPI_FILE);
  private static final int MOVIES = 20_000;
  private static final int RATINGS = 200_000;

  private static Path plain;
  private static MoviesGenerator.Stats stats;

  @BeforeClass
  public static void generate() throws Exception {
    plain = TMP.newFolder("plain").toPath();
    stats = generate(plain, "7", false);
  }

  private static MoviesGenerator.Stats generate(Path dir, String seed, boolean gzip) throws Exception {
    return MoviesGenerator.run(new String[] {"--output=" + dir, "--movies=" + MOVIES, "--ratings=" + RATINGS,
        "--seed=" + seed, "--gzip=" + gzip});
  }

  @Test
  public void theSameSeedGivesTheSameBytesAndGzipHoldsTheSameText() throws Exception {
    Path again = TMP.newFolder("again").toPath();
    Path zipped = TMP.newFolder("zipped").toPath();
    Path zippedAgain = TMP.newFolder("zipped-again").toPath();
    Path other = TMP.newFolder("other").toPath();
    assertEquals(stats.toString(), generate(again, "7", false).toString());
    generate(zipped, "7", true);
    generate(zippedAgain, "7", true);
    generate(other, "8", false);
    for (String file : FILES) {
      byte[] bytes = Files.readAllBytes(plain.resolve(file));
      assertArrayEquals(file, bytes, Files.readAllBytes(again.resolve(file)));
      assertArrayEquals(file, Files.readAllBytes(zipped.resolve(file + ".gz")),
          Files.readAllBytes(zippedAgain.resolve(file + ".gz")));
      try (InputStream in = new GZIPInputStream(Files.newInputStream(zipped.resolve(file + ".gz")))) {
        assertArrayEquals(file, bytes, in.readAllBytes());
      }
    }
    assertFalse(new String(Files.readAllBytes(plain.resolve(MoviesGenerator.RATINGS_FILE)), StandardCharsets.UTF_8)
        .equals(new String(Files.readAllBytes(other.resolve(MoviesGenerator.RATINGS_FILE)), StandardCharsets.UTF_8)));
  }

  /** Every record of a file, checked against the declared header and its field count. */
  private static List<CSVRecord> read(String file, List<String> columns) throws IOException {
    String text = Files.readString(plain.resolve(file));
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader(columns.toArray(new String[0]))
        .setSkipHeaderRecord(false).get();
    List<CSVRecord> records;
    try (Reader in = new StringReader(text); CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
      records = parser.getRecords();
    }
    assertEquals(file, columns, records.get(0).toList());
    for (CSVRecord record : records) {
      assertEquals(file + " record " + record.getRecordNumber(), columns.size(), record.size());
    }
    return records.subList(1, records.size());
  }

  private static void assertShare(String what, double share, long count, long of) {
    double observed = (double) count / of;
    assertTrue(what + ": " + count + " of " + of + ", expected a share near " + share,
        observed > share * 0.6 && observed < share * 1.4);
  }

  @Test
  public void theMetadataIsDirtyInTheStatedShares() throws Exception {
    List<CSVRecord> movies = read(MoviesGenerator.MOVIES_FILE, MovieSchemas.MOVIES_CSV);
    assertEquals(MOVIES, movies.size());
    assertEquals(MOVIES, stats.movies);
    Set<String> ids = new HashSet<>();
    long badIds = 0;
    long duplicates = 0;
    long badDates = 0;
    long negative = 0;
    long zero = 0;
    long multiLine = 0;
    long apostrophes = 0;
    long doubleQuotes = 0;
    for (CSVRecord movie : movies) {
      String id = movie.get("id");
      if (!id.matches("[0-9]+")) {
        assertTrue(id, id.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}"));
        badIds++;
        continue;
      }
      if (!ids.add(id)) {
        duplicates++;
        continue;
      }
      String date = movie.get("release_date");
      if (!date.isEmpty() && !isDate(date)) {
        badDates++;
      }
      long budget = Long.parseLong(movie.get("budget"));
      negative += budget < 0 ? 1 : 0;
      zero += budget == 0 ? 1 : 0;
      multiLine += movie.get("overview").contains("\n") ? 1 : 0;
      apostrophes += movie.get("production_companies").contains("\"Workin' Man Films\"") ? 1 : 0;
      doubleQuotes += movie.get("title").contains("\"") ? 1 : 0;
      assertTrue(movie.get("genres"), movie.get("genres").matches("\\[(\\{'id': [0-9]+, 'name': '[A-Za-z ]+'\\}(, )?)*\\]"));
    }
    assertEquals(stats.badIds, badIds);
    assertEquals(stats.duplicates, duplicates);
    assertEquals(stats.badDates, badDates);
    assertEquals(stats.negativeBudgets, negative);
    assertEquals(stats.zeroBudgets, zero);
    assertEquals(stats.multiLineOverviews, multiLine);
    assertShare("date in id", MoviesGenerator.BAD_ID_SHARE, badIds, MOVIES);
    assertShare("duplicate ids", MoviesGenerator.DUPLICATE_SHARE, duplicates, MOVIES);
    assertShare("bad release dates", MoviesGenerator.BAD_DATE_SHARE, badDates, MOVIES);
    assertShare("negative budgets", MoviesGenerator.NEGATIVE_BUDGET_SHARE, negative, MOVIES);
    assertShare("zero budgets", MoviesGenerator.ZERO_BUDGET_SHARE, zero, MOVIES);
    assertShare("multi-line overviews", MoviesGenerator.MULTI_LINE_SHARE, multiLine, MOVIES);
    assertTrue(apostrophes > 0);
    assertTrue(doubleQuotes > 0);
  }

  private static boolean isDate(String text) {
    try {
      java.time.LocalDate.parse(text);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  @Test
  public void linksRatingsAndCpiHaveTheirShapeAndDirt() throws Exception {
    Set<Long> movieIds = new HashSet<>();
    for (CSVRecord movie : read(MoviesGenerator.MOVIES_FILE, MovieSchemas.MOVIES_CSV)) {
      if (movie.get("id").matches("[0-9]+")) {
        movieIds.add(Long.parseLong(movie.get("id")));
      }
    }
    List<CSVRecord> links = read(MoviesGenerator.LINKS_FILE, MovieSchemas.LINKS_CSV);
    Map<Long, String> tmdbOf = new HashMap<>();
    long unlinked = 0;
    long dangling = 0;
    for (CSVRecord link : links) {
      assertEquals(tmdbOf.size() + 1, Long.parseLong(link.get("movieId")));
      assertTrue(link.get("imdbId").matches("[0-9]{7}"));
      String tmdb = link.get("tmdbId");
      tmdbOf.put(Long.parseLong(link.get("movieId")), tmdb);
      unlinked += tmdb.isEmpty() ? 1 : 0;
      dangling += !tmdb.isEmpty() && !movieIds.contains(Long.parseLong(tmdb)) ? 1 : 0;
    }
    assertEquals(stats.links, links.size());
    assertEquals(stats.unlinked, unlinked);
    assertEquals(stats.dangling, dangling);
    assertShare("unlinked", MoviesGenerator.UNLINKED_SHARE, unlinked, movieIds.size());
    assertShare("dangling", MoviesGenerator.DANGLING_SHARE, dangling, movieIds.size());

    List<CSVRecord> ratings = read(MoviesGenerator.RATINGS_FILE, MovieSchemas.RATINGS_CSV);
    assertEquals(RATINGS, ratings.size());
    Set<String> pairs = new HashSet<>();
    Set<String> values = new HashSet<>();
    long ratingsUnlinked = 0;
    long ratingsDangling = 0;
    long lastUser = 0;
    for (CSVRecord rating : ratings) {
      long user = Long.parseLong(rating.get("userId"));
      assertTrue(user >= lastUser);
      lastUser = user;
      assertTrue(pairs.add(user + "/" + rating.get("movieId")));
      values.add(rating.get("rating"));
      String tmdb = tmdbOf.get(Long.parseLong(rating.get("movieId")));
      ratingsUnlinked += tmdb.isEmpty() ? 1 : 0;
      ratingsDangling += !tmdb.isEmpty() && !movieIds.contains(Long.parseLong(tmdb)) ? 1 : 0;
      long at = Long.parseLong(rating.get("timestamp"));
      assertTrue(at > 800_000_000L && at < 1_600_000_000L);
    }
    assertEquals(Set.of("0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"), values);
    assertEquals(stats.ratingsUnlinked, ratingsUnlinked);
    assertEquals(stats.ratingsDangling, ratingsDangling);
    assertTrue(ratingsUnlinked > RATINGS / 100 && ratingsDangling > RATINGS / 100);
    assertTrue(ratingsUnlinked + ratingsDangling < RATINGS / 5);

    List<CSVRecord> cpi = read(MoviesGenerator.CPI_FILE, MovieSchemas.CPI_CSV);
    assertEquals(41 * 12, cpi.size());
    assertEquals("1980-01-01", cpi.get(0).get("DATE"));
    assertEquals("2020-12-01", cpi.get(cpi.size() - 1).get("DATE"));
    List<Double> index = new ArrayList<>();
    for (CSVRecord month : cpi) {
      index.add(Double.parseDouble(month.get("CUSR0000SS62031")));
    }
    assertTrue(index.get(index.size() - 1) > 2 * index.get(0));
  }

  @Test
  public void pythonReprQuoting() {
    assertEquals("'Canal+'", MoviesGenerator.py("Canal+"));
    assertEquals("\"Workin' Man Films\"", MoviesGenerator.py("Workin' Man Films"));
    assertEquals("'The \"Little\" Studio'", MoviesGenerator.py("The \"Little\" Studio"));
    assertEquals("'Rock \\'n\\' Roll \"Pictures\"'", MoviesGenerator.py("Rock 'n' Roll \"Pictures\""));
  }
}
