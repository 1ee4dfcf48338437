package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalRetailApis;

/**
 * The same PinterestBatch and RetailDaily on the Direct, Spark ({@code local[2]}) and Flink ({@code
 * [local]}) runners, each from its own bundled jar, give identical outputs: clean tables, the nine
 * analytics, the retail valuation, discount and trending tables, the movies model, analytics and
 * quality report, dead letters and the summaries. The Spark and Flink jars are built by {@code
 * -Pspark-runner} / {@code -Pflink-runner package} (test.sh does it); without them their tests
 * are skipped with a message, unless {@code -Dpipewright.requireAllRunners=true}.
 */
public class RunnerPortabilityIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final String PINTEREST = "org.pipewright.pipelines.PinterestBatch";
  private static final String RETAIL = "org.pipewright.pipelines.RetailDaily";
  private static final String MOVIES = "org.pipewright.pipelines.MoviesWarehouse";

  private static Path input;
  private static Path landing;
  private static Map<String, List<String>> direct;
  private static Map<String, List<String>> retailDirect;
  private static Path movies;
  private static Map<String, List<String>> moviesDirect;

  @BeforeClass
  public static void runOnDirect() throws Exception {
    input = TMP.newFolder("in").toPath();
    Emulator.run(new String[] {"--output=" + input, "--posts=1500", "--seed=17", "--malformedRate=0.02"});
    direct = outputs(run("bundled-direct", "bundled", List.of("--runner=DirectRunner")));
    // Two weeks of answers from the API stand-in, plus a second poll of one day, a broken answer and a
    // day without rates, so that de-duplication, dead letters and the rate fall-back all take part.
    landing = TMP.newFolder("landing").toPath();
    try (LocalRetailApis apis = LocalRetailApis.start()) {
      String key = "?apiKey=" + apis.productsKey();
      HttpClient http = HttpClient.newHttpClient();
      for (int day = 1; day <= 14; day++) {
        String date = String.format("2017-03-%02d", day);
        land(http, apis.url() + "/v1/trends" + key + "&date=" + date, "trends/dt=" + date + "/trends.json");
        land(http, apis.url() + "/v1/vod" + key + "&date=" + date, "vod/dt=" + date + "/vod.json");
        if (day != 9) {
          land(http, apis.url() + "/api/historical?access_key=" + apis.fxKey() + "&date=" + date,
              "rates/dt=" + date + "/historical.json");
        }
      }
      land(http, apis.url() + "/v1/trends" + key + "&date=2017-03-15", "trends/dt=2017-03-14/trends-2.json");
    }
    Files.writeString(landing.resolve("trends/dt=2017-03-02/broken.json"), "{\"items\": [{\"itemId\": 1,");
    retailDirect = outputs(run("retail-direct", "bundled", RETAIL, List.of("--runner=DirectRunner")));
    // Small, with the generator's dirt (bad ids, duplicates, unmapped ratings, multi-line overviews)
    // and enough ratings per movie for a top_rated list (--minVotes=5).
    movies = TMP.newFolder("movies").toPath();
    MoviesGenerator.run(new String[] {"--output=" + movies, "--movies=60", "--ratings=600", "--seed=17", "--gzip"});
    moviesDirect = outputs(run("movies-direct", "bundled", MOVIES, List.of("--runner=DirectRunner")));
  }

  private static void land(HttpClient http, String url, String file) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
        URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(url, 200, answer.statusCode());
    Path path = landing.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, answer.body());
  }

  @Test
  public void sparkGivesTheSameOutputs() throws Exception {
    assertEquals(direct, outputs(run("spark-bundled", List.of("--runner=SparkRunner", "--sparkMaster=local[2]"))));
    assertEquals(retailDirect, outputs(run("retail-spark", "spark-bundled", RETAIL,
        List.of("--runner=SparkRunner", "--sparkMaster=local[2]"))));
  }

  @Test
  public void withoutRunnerTheBundledJarRunsOnEmbeddedFlinkWithTheSameOutputs() throws Exception {
    Path out = run("bundled", List.of());
    assertEquals(direct, outputs(out));
    String log = Files.readString(TMP.getRoot().toPath().resolve("bundled.log"));
    assertTrue(log, log.contains("runner: --runner=FlinkRunner --flinkMaster=[local] (this jar's default"));
  }

  @Test
  public void flinkGivesTheSameOutputs() throws Exception {
    assertEquals(direct, outputs(run("flink-bundled", List.of("--runner=FlinkRunner", "--flinkMaster=[local]"))));
  }

  @Test
  public void retailOnTheDefaultEmbeddedFlinkGivesTheSameOutputs() throws Exception {
    assertEquals(retailDirect, outputs(run("retail-default", "bundled", RETAIL, List.of())));
  }

  @Test
  public void moviesOnSparkGiveTheSameOutputs() throws Exception {
    assertEquals(moviesDirect, outputs(run("movies-spark", "spark-bundled", MOVIES,
        List.of("--runner=SparkRunner", "--sparkMaster=local[2]"))));
  }

  @Test
  public void moviesOnTheDefaultEmbeddedFlinkGiveTheSameOutputs() throws Exception {
    assertEquals(moviesDirect, outputs(run("movies-default", "bundled", MOVIES, List.of())));
  }

  private static Path run(String jarName, List<String> runner) throws Exception {
    return run(jarName, jarName, runner);
  }

  private static Path run(String name, String jarName, List<String> runner) throws Exception {
    return run(name, jarName, PINTEREST, runner);
  }

  private static Path run(String name, String jarName, String mainClass, List<String> runner) throws Exception {
    Path jar = BundledJar.runnerJar(jarName);
    Path out = TMP.getRoot().toPath().resolve("out-" + name);
    Path in = mainClass.equals(RETAIL) ? landing : mainClass.equals(MOVIES) ? movies : input;
    List<String> args = new ArrayList<>(List.of("--input=" + in, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0"));
    if (mainClass.equals(MOVIES)) {
      args.add("--minVotes=5");
    }
    args.addAll(runner);
    Path log = TMP.getRoot().toPath().resolve(name + ".log");
    Process process = BundledJar.runnerProcess(jar, TMP.getRoot().toPath(), mainClass, args)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fail(name + " did not finish within 10 minutes:\n" + Files.readString(log));
    }
    assertEquals(name + " failed:\n" + Files.readString(log), 0, process.exitValue());
    return out;
  }

  /** Every table's rows, sorted (file names and shard counts are the runner's business), and the summary. */
  private static Map<String, List<String>> outputs(Path out) throws Exception {
    Map<String, List<String>> tables = new TreeMap<>();
    try (Stream<Path> files = Files.walk(out)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().startsWith("part-"))::iterator) {
        tables.computeIfAbsent(out.relativize(file.getParent()).toString(), k -> new ArrayList<>())
            .addAll(Files.readAllLines(file));
      }
    }
    tables.replaceAll((k, v) -> v.stream().sorted().collect(Collectors.toList()));
    tables.put("summary.json", List.of(Files.readString(out.resolve("summary.json")).trim()));
    return tables;
  }
}
