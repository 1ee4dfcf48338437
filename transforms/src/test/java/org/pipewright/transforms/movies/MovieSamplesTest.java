package org.pipewright.transforms.movies;

import static org.junit.Assert.assertEquals;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/**
 * The movie parsers on the real samples ({@code ../shared/data/movies} beside the clone; override
 * with {@code -Dpipewright.sharedData=DIR}): every input row is a clean row, a duplicate or a
 * dead letter with a reason, and the ratings' fate matches a plain-Java reading of the same files.
 * Skipped, with a visible message, where the data is absent. The files are read with commons-csv,
 * as ReadCsv (io-files) does, into rows of ReadCsv's shape.
 */
public class MovieSamplesTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static Path shared(String relative) {
    String root = System.getProperty("pipewright.sharedData", "../../shared/data");
    Path path = Path.of(root).resolve(relative).normalize();
    if (!Files.exists(path)) {
      System.err.println("SKIPPED: shared validation data not found at " + path.toAbsolutePath()
          + " (set -Dpipewright.sharedData=DIR to run this test)");
    }
    assumeTrue("shared validation data not found at " + path, Files.exists(path));
    return path;
  }

  /** The file's records as ReadCsv rows: source {@code name:line} (the record's first line, header = 1). */
  private static List<Row> read(Path file, List<String> columns) throws IOException {
    Schema schema = MovieCsv.schema(columns);
    List<Row> rows = new ArrayList<>();
    CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(reader, format)) {
      assertEquals(columns, parser.getHeaderNames());
      long line = parser.getCurrentLineNumber() + 1;
      for (CSVRecord record : parser) {
        String[] values = new String[columns.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = record.get(i);
        }
        rows.add(MovieCsv.row(schema, file.getFileName() + ":" + line, values));
        line = parser.getCurrentLineNumber() + 1;
      }
    }
    return rows;
  }

  private static PCollection<KV<String, Long>> reasons(String name, PCollection<Row> deadLetters) {
    return deadLetters
        .apply(name + " reasons", MapElements.into(TypeDescriptors.strings()).via(d -> {
          String reason = DeadLetter.reason(d);
          return DeadLetter.kind(d) + "/" + DeadLetter.step(d) + "/"
              + (reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
        }))
        .apply(name + " count reasons", Count.perElement());
  }

  private static List<KV<String, Long>> kvs(Map<String, Long> counts) {
    List<KV<String, Long>> kvs = new ArrayList<>();
    counts.forEach((k, v) -> kvs.add(KV.of(k, v)));
    return kvs;
  }

  @Test
  public void theSamplesAddUp() throws IOException {
    List<Row> movieRows = read(shared("movies/movies_metadata-first2996.csv"), MovieSchemas.MOVIES_CSV);
    List<Row> linkRows = read(shared("movies/links_small.csv"), MovieSchemas.LINKS_CSV);
    List<Row> ratingRows = read(shared("movies/ratings_small.csv"), MovieSchemas.RATINGS_CSV);
    List<Row> cpiRows = read(shared("movies/cpi-CUSR0000SS62031.csv"), MovieSchemas.CPI_CSV);

    // A plain reading of the same files: what the ratings must come to.
    Set<Long> movieIds = new HashSet<>();
    int multiLine = 0;
    for (Row m : movieRows) {
      movieIds.add(Long.parseLong(m.getString("id")));
      multiLine += m.getString("overview") != null && m.getString("overview").contains("\n") ? 1 : 0;
    }
    Map<Long, Long> tmdbOf = new HashMap<>();
    for (Row l : linkRows) {
      tmdbOf.put(Long.parseLong(l.getString("movieId")),
          l.getString("tmdbId") == null ? null : Long.parseLong(l.getString("tmdbId")));
    }
    Map<String, Long> expectedReasons = new TreeMap<>();
    Set<String> pairs = new HashSet<>();
    long mapped = 0;
    for (Row r : ratingRows) {
      Long tmdb = tmdbOf.get(Long.parseLong(r.getString("movieId")));
      String reason = tmdb == null ? "unmapped_movie" : !movieIds.contains(tmdb) ? "unknown_movie" : null;
      if (reason == null) {
        mapped++;
        pairs.add(r.getString("userId") + "/" + tmdb);
      } else {
        expectedReasons.merge("ratings/MapRatings/" + reason, 1L, Long::sum);
      }
    }
    long ratingDuplicates = mapped - pairs.size();
    long unmapped = expectedReasons.getOrDefault("ratings/MapRatings/unmapped_movie", 0L);
    long unknown = expectedReasons.getOrDefault("ratings/MapRatings/unknown_movie", 0L);
    System.out.printf("movies: read %d, unique ids %d, multi-line overviews %d%n", movieRows.size(), movieIds.size(),
        multiLine);
    System.out.printf("links: read %d; cpi: read %d%n", linkRows.size(), cpiRows.size());
    System.out.printf("ratings: read %d = clean %d + duplicates %d + unmapped_movie %d + unknown_movie %d%n",
        ratingRows.size(), pairs.size(), ratingDuplicates, unmapped, unknown);
    assertEquals(ratingRows.size(), pairs.size() + ratingDuplicates + unmapped + unknown);
    assertEquals(0, ratingDuplicates);

    CleanResult movies = pipeline.apply("Movie rows", Create.of(movieRows).withRowSchema(MovieCsv.MOVIES))
        .apply("Parse movies", ParseMovies.create());
    PCollectionTuple model = movies.output().apply("Model", MovieModel.create());
    CleanResult links = pipeline.apply("Link rows", Create.of(linkRows).withRowSchema(MovieCsv.LINKS))
        .apply("Parse links", ParseLinks.create());
    CleanResult cpi = pipeline.apply("CPI rows", Create.of(cpiRows).withRowSchema(MovieCsv.CPI))
        .apply("Parse CPI", ParseCpi.create());
    CleanResult parsedRatings = pipeline.apply("Rating rows", Create.of(ratingRows).withRowSchema(MovieCsv.RATINGS))
        .apply("Parse ratings", ParseRatings.create());
    // LatestRatings is left out: the Direct runner spends minutes on its ~60k keys (ParseRatingsTest
    // covers it), and the sample has no duplicate (user, movie) pair after mapping (asserted above).
    CleanResult ratings = parsedRatings.output().apply("Map ratings",
        MapRatings.create().withLinks(links.output()).withMovies(model.get(MovieModel.MOVIES)));

    // movies: read = clean + duplicates + dead letters; the sample has one id twice (105045) and no bad rows.
    PAssert.thatSingleton(movies.output().apply("Count parsed movies", Count.globally())).isEqualTo((long) movieRows.size());
    PAssert.that(movies.deadLetters()).empty();
    PAssert.thatSingleton(model.get(MovieModel.MOVIES).apply("Count movies", Count.globally()))
        .isEqualTo((long) movieIds.size());
    PAssert.thatSingleton(model.get(MovieModel.GENRES).apply("Count genres", Count.globally())).isEqualTo(20L);
    PAssert.thatSingleton(links.output().apply("Count links", Count.globally())).isEqualTo((long) linkRows.size());
    PAssert.that(links.deadLetters()).empty();
    PAssert.thatSingleton(cpi.output().apply("Count CPI", Count.globally())).isEqualTo((long) cpiRows.size());
    PAssert.that(cpi.deadLetters()).empty();
    // ratings: every row is a clean rating, a duplicate, or a dead letter with its reason.
    PAssert.thatSingleton(ratings.output().apply("Count ratings", Count.globally())).isEqualTo(mapped);
    PCollection<Row> ratingDeadLetters = PCollectionList.of(parsedRatings.deadLetters()).and(ratings.deadLetters())
        .apply("All rating dead letters", Flatten.pCollections());
    PAssert.that(reasons("Ratings", ratingDeadLetters)).containsInAnyOrder(kvs(expectedReasons));
    pipeline.run();
  }
}
