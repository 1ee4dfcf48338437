package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;
import org.pipewright.transforms.movies.MovieSchemas;

/**
 * MoviesWarehouse against a real PostgreSQL, run as a user runs it (the bundled jar in its own
 * JVM, its default embedded Flink) on a small generated input: the write-audit-publish load, a re-run that
 * changes nothing (not even a row version), a changed input that updates and inserts exactly the
 * changed rows, a failing error-level check that publishes nothing, a connection killed while
 * publishing (retried, never half-published) and a warehouse that is not there.
 */
public class MoviesWarehouseIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  private static final String MAIN = "org.pipewright.pipelines.MoviesWarehouse";
  /**
   * How long one run may take: about a minute on embedded Flink, more on a busy machine.
   */
  private static final int MINUTES = 10;
  private static final CSVFormat READ = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
  private static final int ID = MovieSchemas.MOVIES_CSV.indexOf("id");
  private static final int IMDB_ID = MovieSchemas.MOVIES_CSV.indexOf("imdb_id");
  private static final int TITLE = MovieSchemas.MOVIES_CSV.indexOf("title");
  private static final int BUDGET = MovieSchemas.MOVIES_CSV.indexOf("budget");
  private static final int REVENUE = MovieSchemas.MOVIES_CSV.indexOf("revenue");
  private static final int RELEASE_DATE = MovieSchemas.MOVIES_CSV.indexOf("release_date");
  private static final int GENRES = MovieSchemas.MOVIES_CSV.indexOf("genres");
  /** Ids of the movies the changed input adds: never a multiple of 3, so never a generated id's clash. */
  private static final List<Long> NEW_MOVIES = List.of(9_000_001L, 9_000_004L);

  /** The loaded tables: the model, then the analytics. */
  private static final List<String> TABLES = new ArrayList<>(List.of(MoviesTables.MOVIES, MoviesTables.RATINGS,
      MoviesTables.GENRE, MoviesTables.MOVIE_GENRE, MoviesTables.RELEASE_DATE, MoviesTables.CPI));

  static {
    TABLES.addAll(MoviesTables.ANALYTICS);
  }

  private static Path input;
  private static Path changed;
  private static Path gated;
  /** What the changed input edits in the movies table, and adds to the ratings. */
  private static int moviesEdited;
  private static int ratingsAdded;

  @BeforeClass
  public static void inputs() throws Exception {
    input = TMP.newFolder("input").toPath();
    // Small: every test runs the job two or three times.
    MoviesGenerator.run(new String[] {"--output=" + input, "--movies=120", "--ratings=1500", "--seed=13"});
    Set<Long> clean = clean(read(input.resolve(MoviesGenerator.MOVIES_FILE)));
    changed = changedInput(clean);
    gated = gatedInput(clean);
  }

  /**
   * Ids of the movies the job keeps with a known revenue, as the generator's dirt decides: a whole
   * id seen once, a budget not negative, a release date that is empty or a real date.
   */
  private static Set<Long> clean(List<List<String>> movies) {
    Map<String, Integer> seen = new HashMap<>();
    movies.forEach(m -> seen.merge(m.get(ID), 1, Integer::sum));
    Set<Long> clean = new LinkedHashSet<>();
    for (List<String> m : movies) {
      if (m.get(ID).matches("\\d+") && seen.get(m.get(ID)) == 1 && !m.get(BUDGET).startsWith("-")
          && m.get(REVENUE).matches("[1-9]\\d*") && isDate(m.get(RELEASE_DATE))) {
        clean.add(Long.parseLong(m.get(ID)));
      }
    }
    return clean;
  }

  private static boolean isDate(String text) {
    try {
      return text.isEmpty() || LocalDate.parse(text) != null;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /**
   * The input with three titles and two revenues edited (movies seen once in the file, revenue
   * known), a genre removed from one movie, two new movies with their links, and ratings of them and of an edited movie by a new user.
   */
  private static Path changedInput(Set<Long> clean) throws Exception {
    Path dir = copy(input, "changed");
    List<List<String>> movies = read(dir.resolve(MoviesGenerator.MOVIES_FILE));
    List<List<String>> once = movies.stream().filter(m -> m.get(ID).matches("\\d+") && clean.contains(Long.parseLong(m.get(ID))))
        .collect(Collectors.toList());
    List<String> template = new ArrayList<>(once.get(0));
    for (int i = 0; i < 3; i++) {
      once.get(i).set(TITLE, once.get(i).get(TITLE) + " (Director's Cut)");
    }
    for (int i = 3; i < 5; i++) {
      once.get(i).set(REVENUE, Long.toString(Long.parseLong(once.get(i).get(REVENUE)) + 1000));
    }
    moviesEdited = 5;
    // One movie loses its last genre: its link must go, though movie_genre is merged.
    List<String> fewerGenres = once.stream().skip(5).filter(m -> m.get(GENRES).contains("}, {")).findFirst()
        .orElseThrow(() -> new AssertionError("the fixture has no movie with two genres"));
    String genres = fewerGenres.get(GENRES);
    fewerGenres.set(GENRES, genres.substring(0, genres.lastIndexOf(", {")) + "]");
    for (long id : NEW_MOVIES) {
      List<String> movie = new ArrayList<>(template);
      movie.set(ID, Long.toString(id));
      movie.set(IMDB_ID, "tt" + id);
      movie.set(TITLE, "Brand New " + id);
      movie.set(RELEASE_DATE, "2019-06-15");
      movies.add(movie);
    }
    write(dir.resolve(MoviesGenerator.MOVIES_FILE), MovieSchemas.MOVIES_CSV, movies);

    List<List<String>> links = read(dir.resolve(MoviesGenerator.LINKS_FILE));
    String editedLink = mlId(links, Long.parseLong(once.get(0).get(ID)));
    int lastLink = Integer.parseInt(links.get(links.size() - 1).get(0));
    List<String> newLinks = new ArrayList<>();
    for (long id : NEW_MOVIES) {
      String ml = Integer.toString(++lastLink);
      newLinks.add(ml);
      links.add(List.of(ml, Long.toString(id), Long.toString(id)));
    }
    write(dir.resolve(MoviesGenerator.LINKS_FILE), MovieSchemas.LINKS_CSV, links);

    List<List<String>> ratings = read(dir.resolve(MoviesGenerator.RATINGS_FILE));
    String user = Long.toString(maxUser(ratings) + 1);
    ratings.add(List.of(user, editedLink, "2.0", "1500000000"));
    ratings.add(List.of(user, newLinks.get(0), "4.5", "1500000100"));
    ratings.add(List.of(user, newLinks.get(1), "3.0", "1500000200"));
    ratingsAdded = 3;
    write(dir.resolve(MoviesGenerator.RATINGS_FILE), MovieSchemas.RATINGS_CSV, ratings);
    return dir;
  }

  /** The input plus one rating of 7.0 (of a movie that maps): the gate's in_range(rating) fails. */
  private static Path gatedInput(Set<Long> clean) throws Exception {
    Path dir = copy(input, "gated");
    List<List<String>> links = read(dir.resolve(MoviesGenerator.LINKS_FILE));
    String ml = mlId(links, clean.iterator().next());
    List<List<String>> ratings = read(dir.resolve(MoviesGenerator.RATINGS_FILE));
    ratings.add(List.of(Long.toString(maxUser(ratings) + 1), ml, "7.0", "1500000000"));
    write(dir.resolve(MoviesGenerator.RATINGS_FILE), MovieSchemas.RATINGS_CSV, ratings);
    return dir;
  }

  // ---- load, re-run, changed input ----------------------------------------------------------

  @Test
  public void loadRerunAndChangedInputPublishExactlyWhatChanged() throws Exception {
    Warehouse warehouse = new Warehouse(POSTGRES.get());
    Path first = out("load-1");
    Set<String> runsBefore = warehouse.runIds();
    BundledJar.runOk(MAIN, args(input, first, "mw_", true), env(), MINUTES);
    assertTablesEqualFiles(warehouse, "mw_", first);
    JsonNode run = warehouse.newRun(runsBefore);
    assertEquals("succeeded", run.get("status").asText());
    assertRecorded(run, first);
    Map<String, Row> published = published(first);
    for (String table : TABLES) {
      Row p = published.get("mw_" + table);
      assertTrue(table, p.published);
      assertEquals(table, warehouse.count("SELECT COUNT(*) FROM mw_" + table), p.staged);
      assertEquals(table, p.staged, p.inserted);
      assertEquals(table, 0, p.updated);
    }
    // Every dead letter is in the table, and the quality results are in the shared one.
    assertEquals(Warehouse.numbersAsDecimals(Outputs.rows(first.resolve("dead-letter"))),
        Warehouse.numbersAsDecimals(parse(warehouse.rows("mw_" + WarehouseTables.DEAD_LETTER))));
    assertFalse(Outputs.rows(first.resolve("dead-letter")).isEmpty());
    assertEquals(Outputs.quality(first, MoviesWarehouse.PIPELINE),
        Outputs.quality(parse(warehouse.rows(WarehouseTables.QUALITY)), MoviesWarehouse.PIPELINE));
    Map<String, List<String>> afterFirst = versions(warehouse, "mw_");

    // The same input again: nothing inserted or updated, not one row rewritten.
    Path second = out("load-2");
    BundledJar.runOk(MAIN, args(input, second, "mw_", false), env(), MINUTES);
    for (Row p : published(second).values()) {
      assertTrue(p.table, p.published);
      assertEquals(p.table, 0, p.inserted);
      assertEquals(p.table, 0, p.updated);
      assertEquals(p.table, p.staged, p.unchanged);
    }
    assertEquals(afterFirst, versions(warehouse, "mw_"));

    // Changed input: the edited and new rows are written, every other row keeps its version.
    Path third = out("load-3");
    BundledJar.runOk(MAIN, args(changed, third, "mw_", false), env(), MINUTES);
    assertTablesEqualFiles(warehouse, "mw_", third);
    Map<String, List<String>> afterChange = versions(warehouse, "mw_");
    Map<String, Row> changes = published(third);
    for (String table : TABLES) {
      Map<String, String> before = byContent(afterFirst.get("mw_" + table));
      Map<String, String> after = byContent(afterChange.get("mw_" + table));
      int written = 0;
      for (Map.Entry<String, String> row : after.entrySet()) {
        if (before.containsKey(row.getKey())) {
          assertEquals(table + " rewrote an unchanged row " + row.getKey(), before.get(row.getKey()), row.getValue());
        } else {
          written++;
        }
      }
      Row p = changes.get("mw_" + table);
      assertEquals(table, after.size() - before.size(), p.inserted - (p.deleted == null ? 0 : p.deleted));
      assertEquals(table, written, p.inserted + p.updated);
    }
    assertEquals(NEW_MOVIES.size(), changes.get("mw_movies").inserted);
    assertEquals(moviesEdited, changes.get("mw_movies").updated);
    assertEquals(ratingsAdded, changes.get("mw_ratings").inserted);
    assertEquals(0, changes.get("mw_ratings").updated);
    assertEquals(0, changes.get("mw_cpi").inserted + changes.get("mw_cpi").updated);
    assertEquals(Long.valueOf(1), changes.get("mw_movie_genre").deleted);

    // A shorter top list: the analytics are replaced, so no rank of the longer one is left behind.
    long ranked = warehouse.count("SELECT COUNT(*) FROM mw_top_rated");
    assertTrue("the fixture ranks more than 3 movies: " + ranked, ranked > 3);
    Path fourth = out("load-4");
    List<String> topThree = new ArrayList<>(args(changed, fourth, "mw_", false));
    topThree.add("--topN=3");
    // Other thresholds name other checks: the earlier names must not stay in the quality table.
    topThree.add("--deadLetterWarn=0.02");
    BundledJar.runOk(MAIN, topThree, env(), MINUTES);
    assertEquals(Outputs.quality(fourth, MoviesWarehouse.PIPELINE),
        Outputs.quality(parse(warehouse.rows(WarehouseTables.QUALITY)), MoviesWarehouse.PIPELINE));
    assertEquals(3, warehouse.count("SELECT COUNT(*) FROM mw_top_rated"));
    Map<String, Row> shorter = published(fourth);
    assertEquals(Long.valueOf(ranked - 3), shorter.get("mw_top_rated").deleted);
    assertEquals(null, shorter.get("mw_movies").deleted); // merged, never deleted from
    assertTablesEqualFiles(warehouse, "mw_", fourth);
  }

  // ---- the gate -------------------------------------------------------------------------------

  @Test
  public void aFailedErrorCheckExitsWith3AndLeavesTheFinalTablesExactlyAsTheyWere() throws Exception {
    Warehouse warehouse = new Warehouse(POSTGRES.get());
    BundledJar.runOk(MAIN, args(input, out("gate-1"), "gate_", true), env(), MINUTES);
    Map<String, List<String>> before = versions(warehouse, "gate_");

    Path out = out("gate-2");
    Set<String> runsBefore = warehouse.runIds();
    BundledJar.Result result = BundledJar.run(MAIN, args(gated, out, "gate_", false), env(), MINUTES);
    assertEquals(result.output, MoviesWarehouse.QUALITY_FAILED, result.exitCode);
    JsonNode run = warehouse.newRun(runsBefore);
    assertEquals("quality_failed", run.get("status").asText());
    assertEquals("fail", run.get("quality").asText());
    assertRecorded(run, out);
    List<String> errors = result.output.lines().filter(l -> l.startsWith("error:")).collect(Collectors.toList());
    assertEquals(result.output, 1, errors.size());
    assertThat(errors.get(0), startsWith("error: the quality gate failed; nothing was published: 1 error-level check"));
    List<JsonNode> failed = Outputs.rows(out.resolve("quality")).stream()
        .filter(q -> q.get("status").asText().equals("fail") && q.get("severity").asText().equals("error"))
        .collect(Collectors.toList());
    assertEquals(failed.toString(), 1, failed.size());
    JsonNode check = failed.get(0);
    assertEquals("ratings", check.get("table_name").asText());
    assertThat(check.get("check_name").asText(), startsWith("in_range(rating"));
    assertThat(result.output, containsString(check.get("check_name").asText()));
    for (Row p : published(out).values()) {
      assertFalse(p.table, p.published);
      assertThat(p.reason, containsString("blocked by checks: ratings." + check.get("check_name").asText()));
    }
    assertEquals(before, versions(warehouse, "gate_"));
  }

  // ---- a connection lost while publishing ---------------------------------------------------

  @Test
  public void aConnectionKilledWhilePublishingIsRetriedAndNeverHalfPublished() throws Exception {
    Warehouse warehouse = new Warehouse(POSTGRES.get());
    BundledJar.runOk(MAIN, args(input, out("kill-1"), "kill_", true), env(), MINUTES);
    Map<String, List<String>> before = versions(warehouse, "kill_");

    Path out = out("kill-2");
    Path log = TMP.getRoot().toPath().resolve("kill-2.log");
    Process job = null;
    try (Connection holder = POSTGRES.get().connect(); Statement lock = holder.createStatement()) {
      // The test holds a lock on the second final table the publish merges: the publish merges
      // the movies, then waits inside its transaction, where the test kills every connection of
      // the job. --createTables makes the job's startup check not read the locked table.
      holder.setAutoCommit(false);
      lock.execute("LOCK TABLE kill_ratings IN ACCESS EXCLUSIVE MODE");
      int holderPid = pid(holder);
      job = BundledJar.start(MAIN, args(changed, out, "kill_", true), env(), log);

      int publisher = awaitWaiter("kill_ratings", -1, job, log);
      // Read while locked, so every table but the locked one (reading that would wait on the test itself).
      Map<String, List<String>> unlocked = new TreeMap<>(before);
      unlocked.remove("kill_ratings");
      assertEquals("the merged movies are not visible outside the transaction", unlocked,
          versions(warehouse, "kill_", "kill_ratings"));
      int killed = killConnections(holderPid);
      assertTrue("the publisher's connection was among those killed: " + killed, killed >= 1);
      // The retry runs the whole transaction again and waits at the same place, on a new connection.
      int retry = awaitWaiter("kill_ratings", publisher, job, log);
      assertNotEquals(publisher, retry);
      assertEquals(unlocked, versions(warehouse, "kill_", "kill_ratings"));
      holder.rollback(); // releases the lock
    } catch (Throwable t) {
      Jobs.stop(job);
      throw t;
    }
    if (!job.waitFor(MINUTES, TimeUnit.MINUTES)) {
      Jobs.stop(job);
    }
    assertEquals(Jobs.tail(log), 0, job.exitValue());
    assertTablesEqualFiles(warehouse, "kill_", out);
    Map<String, Row> changes = published(out);
    assertEquals(NEW_MOVIES.size(), changes.get("kill_movies").inserted);
    assertEquals(moviesEdited, changes.get("kill_movies").updated);
    assertEquals(ratingsAdded, changes.get("kill_ratings").inserted);
  }

  // ---- one load at a time --------------------------------------------------------------------

  /**
   * While a run of a load holds its staging tables, a second run of the same load (same tables)
   * stops with one error line before it touches them.
   */
  @Test
  public void aSecondRunOfTheSameLoadWhileOneRunsIsOneErrorLineAndExitCode2() throws Exception {
    List<String> args = args(input, out("busy"), "busy_", true);
    Path password = TMP.newFile("busy-password").toPath();
    Files.writeString(password, POSTGRES.get().password(), StandardCharsets.UTF_8);
    List<String> inProcess = new ArrayList<>(args);
    inProcess.add("--jdbcPasswordFile=" + password);
    MoviesWarehouseOptions options = org.apache.beam.sdk.options.PipelineOptionsFactory
        .fromArgs(inProcess.toArray(new String[0])).as(MoviesWarehouseOptions.class);
    try (org.pipewright.io.jdbc.JdbcStaging.Claim running = MoviesTables.of(options).prepare(true)) {
      BundledJar.Result result = BundledJar.run(MAIN, args, env());
      assertEquals(result.output, 2, result.exitCode);
      List<String> errors = result.output.lines().filter(l -> l.startsWith("error:")).collect(Collectors.toList());
      assertEquals(result.output, 1, errors.size());
      assertThat(errors.get(0), containsString("_stage on " + POSTGRES.get().jdbcUrl()));
      assertThat(errors.get(0), containsString("is in use by another run of this load (server process "));
    }
  }

  // ---- no warehouse ---------------------------------------------------------------------------

  @Test
  public void aWarehouseThatIsNotThereIsOneErrorLineAndExitCode2() throws Exception {
    String nowhere = "--jdbcUrl=jdbc:postgresql://127.0.0.1:" + Jobs.freePort() + "/postgres";
    List<String> args = new ArrayList<>(args(input, out("nowhere"), "nowhere_", true));
    args.replaceAll(a -> a.startsWith("--jdbcUrl=") ? nowhere : a);
    BundledJar.Result result = BundledJar.run(MAIN, args, env());
    assertEquals(result.output, 2, result.exitCode);
    List<String> errors = result.output.lines().filter(l -> l.startsWith("error:")).collect(Collectors.toList());
    assertEquals(result.output, 1, errors.size());
    assertThat(errors.get(0), containsString("cannot connect to " + nowhere.substring("--jdbcUrl=".length())));
    assertThat(result.output, not(containsString("Exception")));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static List<String> args(Path in, Path out, String prefix, boolean create) {
    // The bundled jar's default engine, embedded Flink: Beam's Direct runner evaluates every key's group
    // as a bundle of its own, minutes for the ratings' keys on a busy machine.
    return List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--input=" + in, "--output=" + out,
        "--outputFormat=json", "--progressSeconds=0",
        "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
        "--tablePrefix=" + prefix, "--createTables=" + create, "--minVotes=5");
  }

  private static Map<String, String> env() {
    return Map.of("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
  }

  private static Path out(String name) {
    return TMP.getRoot().toPath().resolve("out-" + name);
  }

  /** Every final table holds exactly the rows the run wrote to {@code OUT/clean/} and {@code OUT/analytics/}. */
  private static void assertTablesEqualFiles(Warehouse warehouse, String prefix, Path out) throws SQLException {
    for (String table : TABLES) {
      Path files = out.resolve(MoviesTables.ANALYTICS.contains(table) ? "analytics" : "clean").resolve(table);
      List<String> expected = Warehouse.numbersAsDecimals(Outputs.rows(files));
      assertFalse(table + " is empty", expected.isEmpty());
      assertEquals(table, expected, Warehouse.numbersAsDecimals(parse(warehouse.rows(prefix + table))));
    }
  }

  /** Each final table's rows with their row versions ({@code xmin}: an UPDATE, even to equal values, changes it). */
  private static Map<String, List<String>> versions(Warehouse warehouse, String prefix, String... except)
      throws SQLException {
    Map<String, List<String>> all = new TreeMap<>();
    for (String table : TABLES) {
      if (List.of(except).contains(prefix + table)) {
        continue;
      }
      all.put(prefix + table, warehouse.rows("SELECT xmin::text AS row_version, * FROM " + prefix + table, List.of()));
    }
    return all;
  }

  /** Row content (without version, numbers canonical) -> row version. */
  private static Map<String, String> byContent(List<String> versioned) {
    Map<String, String> rows = new HashMap<>();
    for (String json : versioned) {
      ObjectNode row = (ObjectNode) Outputs.parse(json);
      String version = row.remove("row_version").asText();
      assertNull("two equal rows", rows.put(Warehouse.numbersAsDecimals(List.of(row)).get(0), version));
    }
    return rows;
  }

  /** A finished run's row: the job, the runner, its start and end, the counts of its summary and its quality. */
  private static void assertRecorded(JsonNode run, Path out) throws Exception {
    assertEquals("movies", run.get("pipeline").asText());
    assertEquals("MoviesWarehouse", run.get("job").asText());
    assertEquals("batch", run.get("kind").asText());
    assertEquals("FlinkRunner", run.get("runner").asText());
    assertTrue(run.toString(), run.get("finished_at").asText().compareTo(run.get("started_at").asText()) >= 0);
    assertEquals(Outputs.parse(Files.readString(out.resolve("summary.json"))), Outputs.parse(run.get("counts").asText()));
    List<JsonNode> quality = Outputs.rows(out.resolve("quality"));
    boolean errorFailed = quality.stream().anyMatch(q -> q.get("status").asText().equals("fail")
        && q.get("severity").asText().equals("error"));
    boolean anyFailed = quality.stream().anyMatch(q -> q.get("status").asText().equals("fail"));
    assertEquals(errorFailed ? "fail" : anyFailed ? "warn" : "pass", run.get("quality").asText());
  }

  /** What OUT/publish says per table. */
  private static Map<String, Row> published(Path out) {
    Map<String, Row> rows = new TreeMap<>();
    for (JsonNode r : Outputs.rows(out.resolve("publish"))) {
      rows.put(r.get("table_name").asText(), new Row(r));
    }
    assertEquals(rows.keySet().toString(), TABLES.size(), rows.size());
    return rows;
  }

  private static final class Row {
    final String table;
    final long staged;
    final long inserted;
    final long updated;
    final long unchanged;
    final Long deleted;
    final boolean published;
    final String reason;

    Row(JsonNode r) {
      table = r.get("table_name").asText();
      staged = r.get("staged").asLong(-1);
      inserted = r.get("inserted").asLong(-1);
      updated = r.get("updated").asLong(-1);
      unchanged = r.get("unchanged").asLong(-1);
      deleted = r.get("deleted").isNull() ? null : r.get("deleted").asLong();
      published = r.get("published").asBoolean();
      reason = r.get("reason").isNull() ? null : r.get("reason").asText();
    }
  }

  private static List<JsonNode> parse(List<String> rows) {
    return rows.stream().map(Outputs::parse).collect(Collectors.toList());
  }

  private static int pid(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  /** Terminates every connection of the job's user but the test's own; returns how many. */
  private static int killConnections(int holderPid) throws SQLException {
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE usename = '" + POSTGRES.get().user() + "' AND pid <> pg_backend_pid() AND pid <> " + holderPid)) {
      r.next();
      return r.getInt(1);
    }
  }

  /** A session of {@code job} (not {@code other}) waiting for a lock on {@code table}; gives up when the job exits. */
  private static int awaitWaiter(String table, int other, Process job, Path log) throws Exception {
    try {
      return POSTGRES.get().awaitLockWaiter(table, other, java.time.Duration.ofMinutes(MINUTES), () -> {
        if (!job.isAlive()) {
          throw new AssertionError("the job exited (" + job.exitValue() + ") before waiting for a lock on " + table);
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ":\n" + Jobs.tail(log), e);
    }
  }

  private static String mlId(List<List<String>> links, long tmdb) {
    for (List<String> link : links) {
      if (link.get(2).equals(Long.toString(tmdb))) {
        return link.get(0);
      }
    }
    throw new AssertionError("no link to " + tmdb);
  }

  private static long maxUser(List<List<String>> ratings) {
    return ratings.stream().mapToLong(r -> Long.parseLong(r.get(0))).max().getAsLong();
  }

  private static Path copy(Path from, String name) throws Exception {
    Path dir = TMP.newFolder(name).toPath();
    for (String file : List.of(MoviesGenerator.MOVIES_FILE, MoviesGenerator.LINKS_FILE, MoviesGenerator.RATINGS_FILE,
        MoviesGenerator.CPI_FILE)) {
      Files.copy(from.resolve(file), dir.resolve(file));
    }
    return dir;
  }

  private static List<List<String>> read(Path file) throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (CSVRecord record : READ.parse(in)) {
        rows.add(new ArrayList<>(record.toList()));
      }
    }
    return rows;
  }

  /** Writes as the generator does, so that unchanged records keep their bytes and their line numbers. */
  private static void write(Path file, List<String> header, List<List<String>> rows) throws Exception {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter printer = new CSVPrinter(out, MoviesGenerator.FORMAT)) {
      printer.printRecord(header);
      for (List<String> row : rows) {
        printer.printRecord(row);
      }
    }
  }
}
