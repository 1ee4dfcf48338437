package org.pipewright.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/**
 * The console over HTTP against a real PostgreSQL: rows inserted here, read back through every
 * {@code /api} endpoint and page, as a SELECT-only role; the read-only, token, bind and outage rules.
 */
public class ConsoleHttpIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  static final String READER = "console_reader";
  static final String READER_PASSWORD = "s3cret-reader-pw";
  static final String TOKEN = "tok-3f9a1c7e";
  static final String SCRIPT = "<script>window.pwned=1</script>";

  private static Path passwordFile;
  private static ConsoleServer open;
  private static ConsoleServer guarded;
  private static ConsoleServer empty;
  private static String base;

  @BeforeClass
  public static void fill() throws Exception {
    sql(POSTGRES.get(), "postgres",
        "CREATE TABLE pinterest_posts_per_category_by_year (post_year INTEGER, category TEXT, category_count BIGINT)",
        "INSERT INTO pinterest_posts_per_category_by_year VALUES (2019, 'art', 3), (2018, 'art', 5), (2018, 'diy', 2)",
        "CREATE TABLE pinterest_popular_category_by_country (country TEXT, category TEXT, category_count BIGINT)",
        "INSERT INTO pinterest_popular_category_by_country VALUES ('" + SCRIPT + "', 'art', 7), ('Chile', 'diy', 4)",
        "CREATE TABLE pinterest_posts_per_minute (window_start TIMESTAMP WITH TIME ZONE, window_end TIMESTAMP WITH"
            + " TIME ZONE, country TEXT, category TEXT, posts BIGINT, timing TEXT, final BOOLEAN)",
        "INSERT INTO pinterest_posts_per_minute VALUES"
            + " ('2026-12-01 10:01:00+00', '2026-12-01 10:02:00+00', 'Chile', 'art', 2, 'ON_TIME', true),"
            + " ('2026-12-01 10:00:00+00', '2026-12-01 10:01:00+00', 'Chile', 'art', 1, 'ON_TIME', true),"
            + " ('2026-12-01 10:00:00+00', '2026-12-01 10:01:00+00', 'Peru', 'diy', 4, 'EARLY', false)",
        "CREATE TABLE retail_valuation (date TEXT, item_id TEXT, name TEXT, sale_price NUMERIC, rate_date TEXT,"
            + " \"value_USD\" NUMERIC, \"value_EUR\" NUMERIC)",
        "INSERT INTO retail_valuation VALUES ('2026-11-02', 'a', 'A', 10, '2026-11-02', 10, 9.5),"
            + " ('2026-11-01', 'a', 'A', 10, '2026-11-01', 10, 9.25), ('2026-11-01', 'b', 'B', 2.5, '2026-11-01', 2.5, 2.25)",
        "CREATE TABLE retail_dead_letter (kind TEXT, step TEXT, reason TEXT, source TEXT PRIMARY KEY, payload TEXT)",
        "INSERT INTO retail_dead_letter VALUES ('rates', 'ParseRates', 'missing_rates for 2026-11-03', 'r1', '{}')",
        "CREATE TABLE pinterest_dead_letter (kind TEXT, step TEXT, reason TEXT, source TEXT PRIMARY KEY, payload TEXT)",
        "INSERT INTO pinterest_dead_letter VALUES ('pin', 'CleanPins', 'unparseable JSON: x', 'p.pin/0@1', '" + SCRIPT + "'),"
            + " ('pin', 'CleanPins', 'wrong type for ''index''', 'p.pin/0@2', '{\"index\": {}}'),"
            + " ('user', 'CleanUsers', 'unparseable JSON: y', 'p.user/0@1', 'not json'),"
            + " ('pin', 'CleanPins', '100% bad_value', 'p.pin/0@3', '{}')",
        "CREATE TABLE pipewright_quality (pipeline TEXT, table_name TEXT, check_name TEXT, severity TEXT, status TEXT,"
            + " observed TEXT, expected TEXT)",
        "INSERT INTO pipewright_quality VALUES ('pinterest', 'pin', 'complete', 'error', 'pass', '1.0', '>= 0.99'),"
            + " ('retail', 'valuation', 'range', 'warn', 'fail', '3', '0'),"
            + " ('movies', 'movies', 'unique', 'error', 'fail', '2', '0')",
        "CREATE TABLE pipewright_runs (run_id TEXT PRIMARY KEY, pipeline TEXT, job TEXT, kind TEXT, runner TEXT,"
            + " started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT, quality TEXT, counts TEXT)",
        "INSERT INTO pipewright_runs VALUES ('r-1', 'pinterest', 'PinterestBatch', 'batch', 'FlinkRunner',"
            + " '2026-12-01 10:00:00', '2026-12-01 10:01:05', 'succeeded', 'pass',"
            + " '{\"pin\": {\"read\": 10, \"clean\": 8, \"duplicates\": 1, \"deadLetter\": 1}}')",
        "CREATE DATABASE empty");
    POSTGRES.get().createReader(READER, READER_PASSWORD);
    passwordFile = TMP.newFile("reader-password").toPath();
    Files.writeString(passwordFile, READER_PASSWORD + "\n");
    open = console(POSTGRES.get().jdbcUrl(), null);
    guarded = console(POSTGRES.get().jdbcUrl(), TOKEN);
    empty = console(POSTGRES.get().jdbcUrl().replace("/postgres", "/empty"), null);
    base = "http://127.0.0.1:" + open.port();
  }

  @AfterClass
  public static void stop() {
    for (ConsoleServer server : new ConsoleServer[] {open, guarded, empty}) {
      if (server != null) {
        server.close();
      }
    }
  }

  static ConsoleServer console(String jdbcUrl, String token) {
    return Console.start(ConsoleOptions.parse("--jdbcUrl=" + jdbcUrl, "--jdbcUser=" + READER,
        "--jdbcPasswordFile=" + passwordFile, "--port=0", "--pageSize=2"), token);
  }

  static void sql(LocalPostgres postgres, String database, String... statements) throws Exception {
    try (Connection c = java.sql.DriverManager.getConnection(postgres.jdbcUrl().replace("/postgres", "/" + database),
            postgres.user(), postgres.password());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @Test
  public void apiServesEachDatasetAsItsQueryOrdersIt() throws Exception {
    JsonNode years = Http.json(base + "/api/pinterest/posts_per_category_by_year");
    assertEquals("pinterest_posts_per_category_by_year", years.get("table").asText());
    assertTrue(years.get("exists").asBoolean());
    assertEquals(Http.JSON.readTree("[{\"post_year\":2018,\"category\":\"art\",\"category_count\":5},"
        + "{\"post_year\":2018,\"category\":\"diy\",\"category_count\":2},"
        + "{\"post_year\":2019,\"category\":\"art\",\"category_count\":3}]"), years.get("rows"));

    // Live counts: summed over countries and categories per minute, in time order, as UTC instants.
    assertEquals(Http.JSON.readTree("[{\"window_start\":\"2026-12-01T10:00:00Z\",\"posts\":5},"
        + "{\"window_start\":\"2026-12-01T10:01:00Z\",\"posts\":2}]"),
        Http.json(base + "/api/pinterest/posts_per_minute").get("rows"));

    // The day's value in each currency the table has, days in order.
    JsonNode value = Http.json(base + "/api/retail/value_by_day");
    assertEquals(Http.JSON.readTree("[\"date\",\"USD\",\"EUR\"]"), value.get("columns"));
    assertEquals(Http.JSON.readTree("[{\"date\":\"2026-11-01\",\"USD\":12.5,\"EUR\":11.5},"
        + "{\"date\":\"2026-11-02\",\"USD\":10,\"EUR\":9.5}]"), value.get("rows"));

    // Failures first.
    JsonNode quality = Http.json(base + "/api/quality").get("rows");
    assertEquals(List.of("movies/unique/fail", "retail/range/fail", "pinterest/complete/pass"), List.of(
        key(quality.get(0)), key(quality.get(1)), key(quality.get(2))));

    JsonNode runs = Http.json(base + "/api/runs").get("rows");
    assertEquals(1, runs.size());
    assertEquals("2026-12-01T10:00:00Z", runs.get(0).get("started_at").asText());
    assertEquals("succeeded", runs.get(0).get("status").asText());

    JsonNode index = Http.json(base + "/api");
    assertThat(index.get("datasets").toString(), containsString("/api/movies/genre_revenue"));
    assertEquals(404, Http.get(base + "/api/pinterest/no_such").statusCode());
  }

  private static String key(JsonNode check) {
    return check.get("pipeline").asText() + "/" + check.get("check_name").asText() + "/" + check.get("status").asText();
  }

  @Test
  public void absentTablesAreSaidNotFailed() throws Exception {
    JsonNode genres = Http.json(base + "/api/movies/genre_revenue");
    assertFalse(genres.get("exists").asBoolean());
    assertEquals(0, genres.get("rows").size());
    HttpResponse<String> movies = Http.get(base + "/movies");
    assertEquals(200, movies.statusCode());
    assertThat(movies.body(), containsString("No table movies_genre_revenue yet"));
    String emptyBase = "http://127.0.0.1:" + empty.port();
    for (String page : List.of("/runs", "/pinterest", "/retail", "/movies", "/quality", "/dead-letters")) {
      HttpResponse<String> response = Http.get(emptyBase + page);
      assertEquals(page, 200, response.statusCode());
      assertThat(page, response.body(), containsString("No table"));
    }
    assertThat(Http.get(emptyBase + "/runs").body(), containsString("No table pipewright_runs yet"));
  }

  @Test
  public void aTableThatCannotBeReadIsANoteAndTheRestOfThePageShows() throws Exception {
    sql(POSTGRES.get(), "postgres", "CREATE DATABASE unreadable");
    sql(POSTGRES.get(), "unreadable",
        "CREATE TABLE pinterest_posts_per_category_by_year (post_year INTEGER, category TEXT, category_count BIGINT)",
        "INSERT INTO pinterest_posts_per_category_by_year VALUES (2021, 'quilting', 3)",
        // Its query orders by follower_count, which this table lacks (42703).
        "CREATE TABLE pinterest_top_user_by_country (country TEXT, poster_name TEXT)",
        // No SELECT on it for the console's role (42501).
        "CREATE TABLE pinterest_country_with_top_user (country TEXT, poster_name TEXT, follower_count BIGINT)",
        "GRANT SELECT ON pinterest_posts_per_category_by_year, pinterest_top_user_by_country TO " + READER);
    try (ConsoleServer console = console(POSTGRES.get().jdbcUrl().replace("/postgres", "/unreadable"), null)) {
      HttpResponse<String> page = Http.get("http://127.0.0.1:" + console.port() + "/pinterest");
      assertEquals(200, page.statusCode());
      String body = page.body();
      assertThat(body, containsString("<td>quilting</td>"));
      assertThat(body, containsString("No table pinterest_popular_category_by_country yet"));
      assertThat(body, containsString("Cannot read pinterest_top_user_by_country (SQL state 42703): ERROR: column"
          + " \"follower_count\" does not exist."));
      assertThat(body, containsString("Cannot read pinterest_country_with_top_user (SQL state 42501): ERROR:"
          + " permission denied for table pinterest_country_with_top_user."));
      assertThat(body, containsString("9. Median follower count per join year and age group"));
    }
  }

  @Test
  public void pagesShowTheRowsAndEscapeEverythingFromTheData() throws Exception {
    String pinterest = Http.get(base + "/pinterest").body();
    assertThat(pinterest, containsString("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assertThat(pinterest, not(containsString(SCRIPT)));
    String runs = Http.get(base + "/runs").body();
    assertThat(runs, containsString("1m 05s"));
    assertThat(runs, containsString("pin: 10 / 8 / 1 / 1"));
    HttpResponse<String> letters = Http.get(base + "/dead-letters?pipeline=pinterest&kind=pin&reason=unparseable");
    assertThat(letters.body(), containsString("<pre>&lt;script&gt;window.pwned=1&lt;/script&gt;</pre>"));
    assertThat(letters.body(), not(containsString(SCRIPT)));
    assertThat(letters.headers().firstValue("Content-Security-Policy").orElse(""), containsString("script-src 'self'"));
  }

  @Test
  public void deadLettersFilterAndPage() throws Exception {
    JsonNode all = Http.json(base + "/api/dead-letters");
    assertEquals(5, all.get("total").asLong());
    assertEquals(2, all.get("rows").size());
    // pinterest before retail, then by source
    assertEquals("p.pin/0@1", all.get("rows").get(0).get("source").asText());
    JsonNode third = Http.json(base + "/api/dead-letters?page=3");
    assertEquals(1, third.get("rows").size());
    assertEquals("r1", third.get("rows").get(0).get("source").asText());
    assertEquals("retail", third.get("rows").get(0).get("pipeline").asText());

    JsonNode pins = Http.json(base + "/api/dead-letters?pipeline=pinterest&kind=pin");
    assertEquals(3, pins.get("total").asLong());
    JsonNode unparseable = Http.json(base + "/api/dead-letters?reason=UNPARSEABLE");
    assertEquals(2, unparseable.get("total").asLong());
    // The reason is matched as text: % and _ are not wildcards.
    JsonNode percent = Http.json(base + "/api/dead-letters?reason=100%25%20bad_");
    assertEquals(1, percent.get("total").asLong());
    assertEquals(0, Http.json(base + "/api/dead-letters?reason=%25x").get("total").asLong());
    JsonNode retail = Http.json(base + "/api/dead-letters?pipeline=retail");
    assertEquals(1, retail.get("total").asLong());
    assertEquals("missing_rates for 2026-11-03", retail.get("rows").get(0).get("reason").asText());
    assertEquals(List.of("movies_dead_letter"), List.of(Http.JSON.treeToValue(all.get("missingTables"), String[].class)));
  }

  @Test
  public void nothingWrites() throws Exception {
    for (String path : List.of("/", "/runs", "/api/runs", "/api/dead-letters", "/dead-letters", "/nowhere")) {
      for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
        HttpResponse<String> response = Http.send(method, base + path);
        assertEquals(method + " " + path, 405, response.statusCode());
      }
    }
    // The connection itself refuses writes, whoever logs in: here the superuser.
    Warehouse warehouse = new Warehouse(JdbcConnection.to(POSTGRES.get().jdbcUrl()).withUser(POSTGRES.get().user())
        .withPasswordFile(writePassword(POSTGRES.get().password())));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> warehouse.read(s -> s.query("CREATE TABLE written (x INT)")));
    assertThat(e.getMessage(), containsString("25006"));
    // And the role the console uses here may only SELECT.
    try (Connection c = java.sql.DriverManager.getConnection(POSTGRES.get().jdbcUrl(), READER, READER_PASSWORD);
        Statement s = c.createStatement()) {
      java.sql.SQLException denied = assertThrows(java.sql.SQLException.class,
          () -> s.execute("DELETE FROM pipewright_runs"));
      assertEquals("42501", denied.getSQLState());
    }
  }

  private static String writePassword(String password) throws Exception {
    Path file = TMP.newFile().toPath();
    Files.writeString(file, password);
    return file.toString();
  }

  @Test
  public void aTokenGuardsEveryRequest() throws Exception {
    String guardedBase = "http://127.0.0.1:" + guarded.port();
    for (String path : List.of("/runs", "/api/runs", "/static/console.js", "/api/dead-letters")) {
      HttpResponse<String> none = Http.get(guardedBase + path);
      assertEquals(path, 401, none.statusCode());
      assertThat(none.body(), not(containsString(TOKEN)));
      assertEquals(path, 401, Http.get(guardedBase + path, "Authorization", "Bearer wrong").statusCode());
      assertEquals(path, 200, Http.get(guardedBase + path, "Authorization", "Bearer " + TOKEN).statusCode());
    }
    assertEquals(401, Http.get(guardedBase + "/runs?token=wrong").statusCode());
    HttpResponse<String> once = Http.get(guardedBase + "/dead-letters?pipeline=retail&token=" + TOKEN);
    assertEquals(302, once.statusCode());
    assertEquals("/dead-letters?pipeline=retail", once.headers().firstValue("Location").orElse(""));
    String cookie = once.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie, containsString("HttpOnly"));
    assertThat("the cookie is not the token", cookie, not(containsString(TOKEN)));
    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertEquals(200, Http.get(guardedBase + "/dead-letters?pipeline=retail", "Cookie", pair).statusCode());
    assertEquals(401, Http.get(guardedBase + "/runs", "Cookie", ConsoleServer.COOKIE + "=" + TOKEN).statusCode());
  }

  @Test
  public void withoutATokenOnlyItsOwnHostNamesAreServed() throws Exception {
    int port = open.port();
    // DNS rebinding: a page at attacker.example, its name now resolving to 127.0.0.1, reads "its own" origin.
    for (String host : List.of("attacker.example:" + port, "attacker.example", "localhost.attacker.example:" + port,
        "127.0.0.1.nip.io:" + port, "localhost:" + (port + 1))) {
      for (String path : List.of("/api/dead-letters", "/dead-letters", "/api/runs", "/nowhere")) {
        Http.Raw answer = Http.raw(port, path, host);
        assertEquals(host + " " + path, 421, answer.status);
        assertThat(host + " " + path, answer.body, not(containsString("p.pin/0@1")));
        assertThat(host + " " + path, answer.body, not(containsString("pinterest")));
      }
    }
    // Malformed or absent: refused too, by Jetty (400) or by the console (421).
    for (String host : new String[] {"[::1", "", null}) {
      Http.Raw answer = Http.raw(port, "/api/runs", host);
      assertThat(host, answer.status, anyOf(is(400), is(421)));
      assertThat(host, answer.body, not(containsString("r-1")));
    }
    for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port,
        "127.0.0.1", "localhost")) {
      Http.Raw answer = Http.raw(port, "/api/dead-letters", host);
      assertEquals(host, 200, answer.status);
      assertThat(host, answer.body, containsString("p.pin/0@1"));
    }
    // With a token the token is the guard, whatever the name (a rebinding page never has it).
    int guardedPort = guarded.port();
    assertEquals(401, Http.raw(guardedPort, "/api/dead-letters", "attacker.example:" + guardedPort).status);
    assertEquals(200, Http.raw(guardedPort, "/api/dead-letters", "console.example:" + guardedPort,
        "Authorization", "Bearer " + TOKEN).status);
  }

  @Test
  public void bindsToLoopbackByDefault() throws Exception {
    ConsoleOptions options = ConsoleOptions.parse("--jdbcUrl=" + POSTGRES.get().jdbcUrl());
    assertEquals("127.0.0.1", options.bind);
    assertEquals(8080, options.port);
    // Another address of this machine does not answer (where the machine has one).
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (!address.isLoopbackAddress() && address instanceof java.net.Inet4Address) {
          try (Socket socket = new Socket()) {
            assertThrows(java.net.ConnectException.class,
                () -> socket.connect(new InetSocketAddress(address, open.port()), 2000));
          }
          return;
        }
      }
    }
    System.err.println("bindsToLoopbackByDefault: no non-loopback IPv4 address here; checked the option only");
  }

  @Test
  public void aBadCommandLineGivesOneErrorLine() throws Exception {
    assertEquals("error: --port must be a whole number from 0 to 65535, got 'http'\n",
        usageError("--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--port=http"));
    // Refused at start: the console used to serve, and only its pages said "refused the login".
    String missing = TMP.getRoot() + "/no-such-password";
    assertEquals("error: --jdbcPasswordFile must name a readable file: '" + missing + "' does not exist\n",
        usageError("--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + READER, "--jdbcPasswordFile=" + missing,
            "--port=0"));
  }

  /** What {@code Console} prints when it exits with 2, the usage error code. */
  private static String usageError(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Console.class.getName()));
    command.addAll(List.of(args));
    // Into a file, not a pipe: a console that does not exit must fail the test, not hang it.
    Path output = TMP.newFile().toPath();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      boolean exited = process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue("still running: " + Files.readString(output), exited);
      assertEquals(Files.readString(output), 2, process.exitValue());
      return Files.readString(output);
    } finally {
      process.destroy();
      process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  public void aDatabaseThatIsDownGivesAClearPage() throws Exception {
    int nothing;
    try (ServerSocket socket = new ServerSocket(0)) {
      nothing = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + nothing + "/warehouse";
    try (ConsoleServer down = console(url, null)) {
      String downBase = "http://127.0.0.1:" + down.port();
      HttpResponse<String> page = Http.get(downBase + "/pinterest");
      assertEquals(503, page.statusCode());
      assertThat(page.body(), containsString("Database unavailable"));
      assertThat(page.body(), containsString(url + " as " + READER));
      assertThat(page.body(), not(containsString(READER_PASSWORD)));
      assertThat(page.body(), not(containsString("Exception")));
      assertThat(page.body(), not(containsString("at org.")));
      HttpResponse<String> api = Http.get(downBase + "/api/runs");
      assertEquals(503, api.statusCode());
      assertThat(Http.JSON.readTree(api.body()).get("error").asText(), containsString(url));
    }
  }

  @Test
  public void aDatabaseThatIsDownAtStartIsOneWarningAndTheConsoleKeepsRunning() throws Exception {
    int nothing;
    try (ServerSocket socket = new ServerSocket(0)) {
      nothing = socket.getLocalPort();
    }
    String url = "jdbc:postgresql://127.0.0.1:" + nothing + "/warehouse";
    Process console = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Console.class.getName(), "--jdbcUrl=" + url, "--jdbcUser=" + READER,
        "--jdbcPasswordFile=" + passwordFile, "--port=0").redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(console.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
      List<String> lines;
      try {
        lines = reader.submit(() -> {
          List<String> read = new java.util.ArrayList<>();
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            read.add(line);
            if (line.startsWith("warning:")) {
              break;
            }
          }
          return read;
        }).get(60, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        reader.shutdownNow();
      }
      assertEquals("warning: The database at " + url + " as " + READER + " cannot be reached (SQL state 08001):"
          + " Connection to 127.0.0.1:" + nothing + " refused. Check that the hostname and port are correct and that"
          + " the postmaster is accepting TCP/IP connections. The pages say so until it answers.",
          lines.get(lines.size() - 1));
      assertThat(String.join("\n", lines), not(containsString(READER_PASSWORD)));
      String started = lines.stream().filter(l -> l.startsWith("Pipewright console on http://127.0.0.1:"))
          .findFirst().orElseThrow(() -> new AssertionError("no start line in " + lines));
      java.util.regex.Matcher port = java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/").matcher(started);
      assertTrue(started, port.find());
      // It serves anyway: the page says the database is unavailable.
      HttpResponse<String> page = Http.get("http://127.0.0.1:" + port.group(1) + "/pinterest");
      assertEquals(503, page.statusCode());
      assertThat(page.body(), containsString("Database unavailable"));
    } finally {
      console.destroy();
      console.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  public void aWrongPasswordSaysTheLoginWasRefused() throws Exception {
    Path wrong = TMP.newFile("wrong-password").toPath();
    Files.writeString(wrong, "not-" + READER_PASSWORD);
    try (ConsoleServer refused = Console.start(ConsoleOptions.parse("--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + READER, "--jdbcPasswordFile=" + wrong, "--port=0"), null)) {
      HttpResponse<String> page = Http.get("http://127.0.0.1:" + refused.port() + "/pinterest");
      assertEquals(503, page.statusCode());
      assertThat(page.body(), containsString("refused the login"));
      assertThat(page.body(), not(containsString("cannot be reached")));
    }
  }

  @Test
  public void aFailedConnectionSaysWhatTheDriverSaid() throws Exception {
    // A database that does not exist is not "cannot be reached".
    try (ConsoleServer noDatabase = console(POSTGRES.get().jdbcUrl().replace("/postgres", "/no_such_db"), null)) {
      HttpResponse<String> api = Http.get("http://127.0.0.1:" + noDatabase.port() + "/api/runs");
      assertEquals(503, api.statusCode());
      String error = Http.JSON.readTree(api.body()).get("error").asText();
      assertThat(error, containsString("(SQL state 3D000): FATAL: database \"no_such_db\" does not exist."));
      assertThat(error, not(containsString("cannot be reached")));
    }
    // Nor is a login without a password (08004 from the driver, before the server is asked to check one).
    String unset = "PIPEWRIGHT_CONSOLE_IT_NO_SUCH_VARIABLE";
    org.junit.Assume.assumeTrue(System.getenv(unset) == null);
    try (ConsoleServer noPassword = new ConsoleServer(new Warehouse(JdbcConnection.to(POSTGRES.get().jdbcUrl())
        .withUser(READER).withPasswordFromEnv(unset)), Prefixes.defaults(), 25, null, "127.0.0.1", 0).start()) {
      HttpResponse<String> page = Http.get("http://127.0.0.1:" + noPassword.port() + "/runs");
      assertEquals(503, page.statusCode());
      assertThat(page.body(), containsString("(SQL state 08004)"));
      assertThat(page.body(), containsString("no password was provided"));
      assertThat(page.body(), not(containsString("cannot be reached")));
    }
    // A password file gone after the start: a file that cannot be read, not a refused login.
    Path vanishing = TMP.newFile("vanishing-password").toPath();
    Files.writeString(vanishing, READER_PASSWORD);
    try (ConsoleServer gone = Console.start(ConsoleOptions.parse("--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + READER, "--jdbcPasswordFile=" + vanishing, "--port=0"), null)) {
      String goneBase = "http://127.0.0.1:" + gone.port();
      assertEquals(200, Http.get(goneBase + "/api/runs").statusCode());
      Files.delete(vanishing);
      HttpResponse<String> api = Http.get(goneBase + "/api/runs");
      assertEquals(503, api.statusCode());
      String error = Http.JSON.readTree(api.body()).get("error").asText();
      assertThat(error, containsString("cannot read password file " + vanishing + ": no such file."));
      assertThat(error, not(containsString("refused the login")));
    }
  }
}
