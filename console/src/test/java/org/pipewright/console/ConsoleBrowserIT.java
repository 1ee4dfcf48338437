package org.pipewright.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.LocalRetailApis;
import org.pipewright.testing.ServiceRule;

/**
 * The console in headless Chromium over tables that real pipeline runs filled (PinterestBatch,
 * RetailDaily, MoviesWarehouse and PinterestStreaming from the pipelines' bundled jar, against a
 * real PostgreSQL, a real Kafka and the retail API stand-in): every page loads without a
 * JavaScript error, every chart draws one point per row of its table, the dead-letter filter works,
 * a {@code <script>} payload shows as text and does not run, and the live chart grows while the
 * streaming job writes. Screenshots go to {@code console/target/screenshots/} ({@code
 * -Dpipewright.screenshots=DIR}; the README's are in {@code docs/console/}).
 *
 * <p>Skipped, with a message, only where {@code /usr/bin/chromedriver} is missing and the build is
 * not CI ({@code CI} or {@code PIPEWRIGHT_REQUIRE_BROWSER} set, or {@code -Dpipewright.requireBrowser=true}).
 */
public class ConsoleBrowserIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  /** Debian's, to match Debian's Chromium below (a driver drives only its own browser version). */
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String READER = "console_reader";
  static final String READER_PASSWORD = "browser-reader-pw";
  static final String INJECTED = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";

  private static ConsoleServer console;
  private static String base;
  private static ChromeDriver browser;
  private static Path tmp;

  @BeforeClass
  public static void runPipelinesAndOpenABrowser() throws Exception {
    boolean required = System.getenv("CI") != null || System.getenv("PIPEWRIGHT_REQUIRE_BROWSER") != null
        || Boolean.getBoolean("pipewright.requireBrowser");
    if (!new File(CHROMEDRIVER).canExecute()) {
      String why = CHROMEDRIVER + " is missing (apt-get install chromium chromium-driver)";
      if (required) {
        fail(why);
      }
      System.err.println("SKIPPED ConsoleBrowserIT: " + why);
      Assume.assumeTrue(why, false);
    }
    tmp = TMP.newFolder("work").toPath();
    LocalPostgres pg = POSTGRES.get();
    // The console logs in as a role that may only read, also the tables the jobs create later.
    pg.createReader(READER, READER_PASSWORD);
    Map<String, String> env = Map.of("PIPEWRIGHT_JDBC_PASSWORD", pg.password());
    List<String> jdbc = List.of("--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + pg.user(), "--createTables=true",
        "--progressSeconds=0", "--outputFormat=json");

    Path pins = tmp.resolve("pinterest-in");
    Jobs.run(tmp, "Emulator", List.of("--output=" + pins, "--posts=400", "--seed=11", "--malformedRate=0.03"), env);
    Jobs.run(tmp, "PinterestBatch", concat(jdbc, "--input=" + pins, "--output=" + tmp.resolve("pinterest-out")), env);

    Path landing = tmp.resolve("retail-landing");
    try (LocalRetailApis apis = LocalRetailApis.start()) {
      Map<String, String> keys = new LinkedHashMap<>(env);
      keys.put("PIPEWRIGHT_PRODUCTS_API_KEY", apis.productsKey());
      keys.put("PIPEWRIGHT_FX_API_KEY", apis.fxKey());
      Jobs.run(tmp, "RetailDaily", concat(jdbc, "--input=" + landing, "--output=" + tmp.resolve("retail-out"),
          "--fetch=true", "--from=2017-03-01", "--to=2017-03-10", "--productsUrl=" + apis.url(),
          "--fxUrl=" + apis.url()), keys);
    }

    Path movies = tmp.resolve("movies-in");
    Jobs.run(tmp, "MoviesGenerator", List.of("--output=" + movies, "--movies=60", "--ratings=600", "--seed=17"), env);
    Jobs.run(tmp, "MoviesWarehouse", concat(jdbc, "--input=" + movies, "--output=" + tmp.resolve("movies-out"),
        "--minVotes=5"), env);

    // A payload that would run if the page did not escape it.
    sql("INSERT INTO pinterest_dead_letter (kind, step, reason, source, payload) VALUES ('pin', 'CleanPins',"
        + " 'injected by the browser test', 'test/0@0', '" + INJECTED.replace("'", "''") + "')");

    Path password = tmp.resolve("reader-password");
    Files.writeString(password, READER_PASSWORD);
    console = Console.start(ConsoleOptions.parse("--jdbcUrl=" + pg.jdbcUrl(), "--jdbcUser=" + READER,
        "--jdbcPasswordFile=" + password, "--port=0"), null);
    base = "http://127.0.0.1:" + console.port();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(Files.exists(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "/usr/bin/chromium-browser");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--window-size=1280,2400", "--user-data-dir=" + tmp.resolve("chromium"));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterClass
  public static void close() {
    if (browser != null) {
      browser.quit();
    }
    if (console != null) {
      console.close();
    }
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return all;
  }

  static void sql(String... statements) throws Exception {
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  static long count(String query) throws Exception {
    try (Connection c = POSTGRES.get().connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  static boolean exists(String table) throws Exception {
    return count("SELECT COUNT(*) FROM pg_tables WHERE tablename = '" + table + "'") > 0;
  }

  /** Each chart of each page and the points it must draw: one per row (and y column) of its data. */
  static Map<String, String> expectedPoints(String page) {
    Map<String, String> charts = new LinkedHashMap<>();
    switch (page) {
      case "pinterest":
        for (String t : List.of("popular_category_by_country", "posts_per_category_by_year",
            "popular_category_by_age_group", "median_followers_by_age_group", "users_joined_by_year",
            "median_followers_by_join_year", "median_followers_by_join_year_and_age_group")) {
          charts.put("pinterest-" + t, "SELECT COUNT(*) FROM pinterest_" + t);
        }
        break;
      case "retail":
        charts.put("retail-value_by_day", "SELECT COUNT(DISTINCT date) * (SELECT COUNT(*) FROM"
            + " information_schema.columns WHERE table_name = 'retail_valuation' AND column_name LIKE 'value\\_%')"
            + " FROM retail_valuation");
        charts.put("retail-discount", "SELECT LEAST(500, COUNT(*)) FROM retail_discount WHERE discount IS NOT NULL");
        charts.put("retail-trending_top", "SELECT COUNT(*) FROM retail_trending_top");
        break;
      case "movies":
        charts.put("movies-genre_revenue", "SELECT 2 * COUNT(*) FROM movies_genre_revenue");
        charts.put("movies-revenue_by_month", "SELECT COUNT(*) FROM movies_revenue_by_month");
        charts.put("movies-revenue_by_quarter", "SELECT COUNT(*) FROM movies_revenue_by_quarter");
        charts.put("movies-top_rated", "SELECT COUNT(*) FROM movies_top_rated");
        break;
      default:
        break;
    }
    return charts;
  }

  @Test
  public void everyPageLoadsWithoutErrorsAndEveryChartDrawsItsRows() throws Exception {
    for (String page : List.of("runs", "pinterest", "retail", "movies", "quality", "dead-letters")) {
      browser.get(base + "/" + page);
      assertEquals(page, "Pipewright console", browser.getTitle().replaceAll(".* · ", ""));
      for (Map.Entry<String, String> chart : expectedPoints(page).entrySet()) {
        long expected = count(chart.getValue());
        assertThat(chart.getKey() + " has data from the pipeline run", expected, greaterThan(0L));
        assertEquals(chart.getKey(), expected, points("chart-" + chart.getKey()));
      }
      if (page.equals("runs") && exists("pipewright_runs")) {
        // Once the pipelines record their runs: one row per run (all of them here, fewer than a page).
        assertEquals(count("SELECT COUNT(*) FROM pipewright_runs"),
            browser.findElements(By.cssSelector("#runs tbody tr")).size());
      }
      assertNoBrowserErrors(page);
      screenshot(page);
    }
    // The retail dates are on a real time axis, in order.
    browser.get(base + "/retail");
    points("chart-retail-value_by_day");
    assertEquals("time", script("return echarts.getInstanceByDom(document.getElementById('chart-retail-value_by_day'))"
        + ".getOption().xAxis[0].type"));
    @SuppressWarnings("unchecked")
    List<Object> dates = (List<Object>) script("return echarts.getInstanceByDom(document.getElementById("
        + "'chart-retail-value_by_day')).getOption().series[0].data.map(function (p) { return p[0]; })");
    List<String> sorted = dates.stream().map(String::valueOf).sorted().collect(Collectors.toList());
    assertEquals(sorted, dates.stream().map(String::valueOf).collect(Collectors.toList()));
    assertNoBrowserErrors("retail");
  }

  @Test
  public void deadLettersFilterAndShowPayloadsAsText() throws Exception {
    browser.get(base + "/dead-letters");
    new Select(browser.findElement(By.name("pipeline"))).selectByValue("pinterest");
    browser.findElement(By.name("reason")).sendKeys("unparseable");
    browser.findElement(By.id("filter")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("reason=unparseable"));
    long expected = count("SELECT COUNT(*) FROM pinterest_dead_letter WHERE reason ILIKE '%unparseable%'");
    assertThat("the generated input has unparseable records", expected, greaterThan(0L));
    assertThat(browser.findElement(By.id("dead-letter-count")).getText(), containsString(expected + " dead letters"));
    for (WebElement row : browser.findElements(By.cssSelector("#dead-letters tbody tr"))) {
      List<WebElement> cells = row.findElements(By.tagName("td"));
      assertEquals("pinterest", cells.get(0).getText());
      assertThat(cells.get(3).getText().toLowerCase(), containsString("unparseable"));
    }
    assertNoBrowserErrors("dead-letters filtered");
    screenshot("dead-letters");

    browser.get(base + "/dead-letters?reason=injected");
    List<WebElement> rows = browser.findElements(By.cssSelector("#dead-letters tbody tr"));
    assertEquals(1, rows.size());
    assertEquals(INJECTED, rows.get(0).findElement(By.tagName("pre")).getText());
    assertNull("the payload's script did not run", script("return window.pwned === undefined ? null : window.pwned"));
    assertTrue(browser.findElements(By.cssSelector("#dead-letters img")).isEmpty());
    assertNoBrowserErrors("dead-letters injected");
    screenshot("dead-letters-injected");
  }

  @Test
  public void theLiveChartGrowsWhileTheStreamingJobWrites() throws Exception {
    try (LocalKafka kafka = LocalKafka.start(TMP.newFolder("kafka").toPath())) {
      String prefix = "live";
      kafka.createTopics(1, prefix + ".pin", prefix + ".geo", prefix + ".user");
      Map<String, String> env = Map.of("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
      Process streaming = Jobs.process(tmp, "PinterestStreaming", List.of(
          "--kafkaBootstrapServers=" + kafka.bootstrapServers(), "--kafkaTopicPrefix=" + prefix,
          "--kafkaGroup=" + prefix, "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
          "--createTables=true", "--checkpointName=" + prefix, "--windowSeconds=2", "--allowedLatenessSeconds=2",
          "--earlyFiringSeconds=1", "--maxDelaySeconds=1", "--checkpointSeconds=1", "--progressSeconds=5"),
          env, tmp.resolve("streaming.log")).start();
      Process emulator = null;
      try {
        emulator = Jobs.process(tmp, "Emulator", List.of("--sink=kafka", "--kafkaBootstrapServers="
            + kafka.bootstrapServers(), "--kafkaTopicPrefix=" + prefix, "--durationSeconds=150", "--rate=60",
            "--seed=5"), env, tmp.resolve("emulator.log")).start();
        // The page is opened once the job has written its first counts; then it must grow by itself.
        awaitRows("SELECT COUNT(*) FROM pinterest_posts_per_minute", streaming);
        browser.get(base + "/pinterest");
        long first = points("chart-pinterest-posts_per_minute");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
        wait.until(d -> pointsNow("chart-pinterest-posts_per_minute") > first);
        assertNoBrowserErrors("pinterest live");
        screenshot("pinterest-live");
      } finally {
        Jobs.stop(emulator);
        Jobs.stop(streaming);
      }
    }
  }

  private static void awaitRows(String query, Process job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!job.isAlive()) {
        fail("the streaming job ended:\n" + Files.readString(tmp.resolve("streaming.log")));
      }
      try {
        if (count(query) > 0) {
          return;
        }
      } catch (java.sql.SQLException e) {
        // the table is not created yet
      }
      Thread.sleep(500); // polling for a condition, not waiting out a race
    }
    fail("no rows after 3 minutes: " + query + "\n" + Files.readString(tmp.resolve("streaming.log")));
  }

  /** The points the chart {@code id} draws, once it has drawn (waits up to 30 s). */
  private static long points(String id) {
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> pointsNow(id) >= 0);
    return pointsNow(id);
  }

  private static long pointsNow(String id) {
    Object n = script("var el = document.getElementById(arguments[0]);"
        + " if (!el || !el.dataset.drawn) { return -1; }"
        + " return echarts.getInstanceByDom(el).getOption().series"
        + ".reduce(function (n, s) { return n + s.data.length; }, 0);", id);
    return ((Number) n).longValue();
  }

  private static Object script(String js, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(js, args);
  }

  private static void assertNoBrowserErrors(String page) {
    List<String> errors = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        errors.add(entry.getMessage());
      }
    }
    assertEquals(page + ": browser errors", List.of(), errors);
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Path.of(System.getProperty("pipewright.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), dir.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
