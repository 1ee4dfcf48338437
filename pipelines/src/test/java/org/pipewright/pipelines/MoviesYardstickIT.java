package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/**
 * The movies benchmark's yardstick does MoviesWarehouse's work: on generated input (with its dirt:
 * shifted rows, bad dates, negative budgets, duplicate movies, unlinked and dangling links) it
 * writes the same eleven tables and summary, and loads the same rows and dead letters into
 * PostgreSQL, so {@code benchmarks/run-movies.sh} compares like with like.
 */
public class MoviesYardstickIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  @Test
  public void theYardstickWritesAndLoadsTheSameTablesAsMoviesWarehouse() throws Exception {
    Path in = TMP.newFolder("in").toPath();
    MoviesGenerator.Stats stats = MoviesGenerator.run(new String[] {"--output=" + in, "--movies=400",
        "--ratings=8000", "--seed=11"});
    assertTrue(stats.badIds > 0 && stats.duplicates > 0 && stats.ratingsUnlinked > 0 && stats.ratingsDangling > 0);
    LocalPostgres pg = POSTGRES.get();

    Path password = TMP.newFile("password").toPath();
    Files.writeString(password, pg.password() + "\n");

    Path pipeline = TMP.getRoot().toPath().resolve("pipeline");
    // The bundled jar on its default engine, embedded Flink (the gate passes: exit 0); Beam's Direct
    // runner needs many minutes for the ratings' keys.
    BundledJar.runOk(MoviesWarehouse.class.getName(), java.util.List.of("--runner=FlinkRunner",
        "--flinkMaster=[local]", "--input=" + in,
        "--output=" + pipeline, "--outputFormat=json", "--progressSeconds=0", "--jdbcUrl=" + pg.jdbcUrl(),
        "--jdbcUser=" + pg.user(), "--jdbcPasswordFile=" + password, "--createTables=true", "--tablePrefix=pipe_"),
        java.util.Map.of());
    Path yard = TMP.getRoot().toPath().resolve("yardstick");
    MoviesYardstick.run(in, yard, pg.jdbcUrl(), "yard_", pg.user(), pg.password());

    assertEquals(Files.readString(pipeline.resolve("summary.json")), Files.readString(yard.resolve("summary.json")));
    // Refused movies, unmapped and unknown ratings: the dead-letter paths are exercised.
    assertTrue(Outputs.summary(yard).get("movies").get("deadLetter").asLong() > 0);
    assertTrue(Outputs.summary(yard).get("ratings").get("deadLetter").asLong()
        >= stats.ratingsUnlinked + stats.ratingsDangling);
    assertTrue(Outputs.summary(yard).get("movies").get("duplicates").asLong() > 0);

    List<String> tables = new ArrayList<>(List.of(MoviesTables.MOVIES, MoviesTables.RATINGS, MoviesTables.GENRE,
        MoviesTables.MOVIE_GENRE, MoviesTables.RELEASE_DATE, MoviesTables.CPI));
    tables.addAll(MoviesTables.ANALYTICS);
    Warehouse warehouse = new Warehouse(pg);
    for (String table : tables) {
      String folder = MoviesTables.ANALYTICS.contains(table) ? "analytics" : "clean";
      List<String> expected = new ArrayList<>(Outputs.lines(pipeline.resolve(folder).resolve(table)));
      List<String> actual = new ArrayList<>(Outputs.lines(yard.resolve(folder).resolve(table)));
      expected.sort(null);
      actual.sort(null);
      assertTrue(table + " is empty", !expected.isEmpty());
      assertEquals(table + " files", expected, actual);
      assertEquals(table + " rows", warehouse.rows("pipe_" + table), warehouse.rows("yard_" + table));
    }
    assertEquals(7, warehouse.count("SELECT COUNT(*) FROM yard_top_rated"));
    List<String> deadLetters = warehouse.rows("pipe_" + WarehouseTables.DEAD_LETTER);
    assertEquals(Outputs.summary(yard).get("ratings").get("deadLetter").asLong()
        + Outputs.summary(yard).get("movies").get("deadLetter").asLong(), deadLetters.size());
    assertEquals(deadLetters, warehouse.rows("yard_" + WarehouseTables.DEAD_LETTER));
  }
}
