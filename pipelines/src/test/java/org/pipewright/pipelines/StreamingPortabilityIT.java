package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/**
 * The same PinterestStreaming, from the same Kafka topics into the same PostgreSQL server, gives
 * identical final tables on the Direct and the Flink ({@code [local]}) runner, each from its own
 * bundled jar; on Spark it refuses to start with one clear error. PinterestLanding, which the
 * daily DAG of every runner runs, archives the same files on all three. Each runner has its own consumer
 * group, tables and checkpoint row. Every table is compared whole, the live counts included, and so
 * are the counts each run records while it runs (on Flink too, whose metrics are off): a
 * catch-up from a backlog is where the Flink runner's GroupByKey panes went wrong before
 * (docs/architecture.md, "The live counts are a stateful DoFn").
 */
public class StreamingPortabilityIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalKafka> KAFKA = ServiceRule.of("kafka", LocalKafka::start);
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  private static final String TOPICS = "portable";
  private static Warehouse warehouse;
  private static Instant produced;
  private static Map<String, List<String>> direct;
  private static long records;

  @BeforeClass
  public static void runOnDirect() throws Exception {
    warehouse = new Warehouse(POSTGRES.get());
    KAFKA.get().createTopics(2, TOPICS + ".pin", TOPICS + ".geo");
    KAFKA.get().createTopics(1, TOPICS + ".user");
    Emulator.run(new String[] {"--sink=kafka", "--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
        "--kafkaTopicPrefix=" + TOPICS, "--posts=400", "--seed=23", "--malformedRate=0.03"});
    produced = Instant.now();
    records = records(TOPICS + ".pin", TOPICS + ".geo", TOPICS + ".user");
    direct = tables("direct", "bundled", List.of("--runner=DirectRunner"));
    JsonNode counts = Outputs.parse(direct.get(RunLog.TABLE).get(0));
    for (String kind : PinterestBatch.KINDS) {
      JsonNode one = counts.get(kind);
      assertThat(kind, one.get("clean").asLong(), greaterThan(0L));
      assertEquals(kind + " read = clean + dead letters", one.get("read").asLong(),
          one.get("clean").asLong() + one.get("deadLetter").asLong());
    }
    assertThat(direct.get("pin").size(), greaterThan(300));
    assertThat(direct.get("dead_letter").size(), greaterThan(0));
    assertThat(direct.get("posts_per_minute").size(), greaterThan(0));
    assertEquals("every window is final", List.of(), direct.get("posts_per_minute").stream()
        .filter(row -> !row.contains("\"final\":true")).collect(Collectors.toList()));
  }

  @Test
  public void flinkGivesTheSameTables() throws Exception {
    Map<String, List<String>> flink = tables("flink", "flink-bundled",
        List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));
    for (String table : direct.keySet()) {
      assertEquals(table, direct.get(table), flink.get(table));
    }
  }

  @Test
  public void sparkRefusesToStartWithOneClearError() throws Exception {
    Path jar = BundledJar.runnerJar("spark-bundled");
    Process process = withPassword(BundledJar.runnerProcess(jar, TMP.getRoot().toPath(),
        "org.pipewright.pipelines.PinterestStreaming",
        args("spark", List.of("--runner=SparkRunner", "--sparkMaster=local[2]")))).start();
    BundledJar.Result result = BundledJar.finish(process, 2);
    String output = result.output;
    assertEquals(output, 2, result.exitCode);
    List<String> errors = output.lines().filter(l -> l.startsWith("error: ")).collect(Collectors.toList());
    assertEquals(output, List.of("error: PinterestStreaming cannot run on the SparkRunner: Beam's Spark runner has no"
        + " event-time timers in streaming mode, which the live counts and the safe point need. Run it with"
        + " --runner=FlinkRunner or DirectRunner; on Spark, archive the topics with PinterestLanding and"
        + " process each day with PinterestBatch (README, \"Run on Spark / EMR\")"), errors);
    assertThat("no stack trace", output, not(containsString("\tat ")));
    assertEquals("no table was created", -1, warehouse.count("SELECT count(*) FROM spark_pin"));
  }

  /** The daily DAGs land the topics with each runner: the archived files are the same on all. */
  @Test
  public void landingWritesTheSameFilesOnEveryRunner() throws Exception {
    Map<String, List<String>> onDirect = landed("direct", "bundled", List.of("--runner=DirectRunner"));
    assertThat(onDirect.keySet().size(), greaterThan(3));
    assertEquals(onDirect, landed("spark", "spark-bundled", List.of("--runner=SparkRunner", "--sparkMaster=local[2]")));
    assertEquals(onDirect, landed("flink", "flink-bundled", List.of("--runner=FlinkRunner", "--flinkMaster=[local]")));
  }

  /** PinterestLanding on one runner (its own consumer group): every file's lines, by relative path. */
  private static Map<String, List<String>> landed(String name, String jarName, List<String> runner) throws Exception {
    Path out = TMP.getRoot().toPath().resolve("landing-" + name);
    List<String> args = new ArrayList<>(List.of("--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
        "--kafkaTopicPrefix=" + TOPICS, "--kafkaGroup=land-" + name, "--output=" + out, "--progressSeconds=0"));
    args.addAll(runner);
    Process process = BundledJar.runnerProcess(BundledJar.runnerJar(jarName), TMP.getRoot().toPath(),
        "org.pipewright.pipelines.PinterestLanding", args).start();
    BundledJar.Result result = BundledJar.finish(process, 5);
    assertEquals(name + ":\n" + result.output, 0, result.exitCode);
    Map<String, List<String>> files = new TreeMap<>();
    try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(out)) {
      for (Path file : (Iterable<Path>) paths.filter(java.nio.file.Files::isRegularFile)::iterator) {
        files.put(out.relativize(file).toString(), java.nio.file.Files.readAllLines(file));
      }
    }
    return files;
  }

  /**
   * Runs the job on one runner until its final panes are durably written; its tables by kind, and
   * under {@value RunLog#TABLE} the counts its run row holds once every record is counted, which the
   * job must have written itself while running (it is stopped, never finished).
   */
  private static Map<String, List<String>> tables(String name, String jarName, List<String> runner) throws Exception {
    Set<String> runs = warehouse.runIds();
    Path jar = BundledJar.runnerJar(jarName);
    Path log = Jobs.logFile("portable-" + name);
    Process job = withPassword(BundledJar.runnerProcess(jar, TMP.getRoot().toPath(),
        "org.pipewright.pipelines.PinterestStreaming", args(name, runner)))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      Jobs.awaitFinalPanes(warehouse, name, produced, job, log);
      Jobs.await("the run's counts of all " + records + " records", () -> read(runs) == records, job, log);
    } finally {
      Jobs.stop(job);
    }
    Map<String, List<String>> tables = new TreeMap<>();
    for (String kind : PinterestBatch.KINDS) {
      tables.put(kind, warehouse.rows(name + "_" + kind));
    }
    tables.put("dead_letter", warehouse.rows(name + "_dead_letter"));
    tables.put("posts_per_minute", warehouse.rows(name + "_posts_per_minute"));
    tables.put(RunLog.TABLE, List.of(warehouse.newRun(runs).get("counts").asText()));
    return tables;
  }

  /** The records counted as read by the run started since {@code runs} was taken, -1 before it has counts. */
  private static long read(Set<String> runs) {
    try {
      JsonNode counts = Outputs.parse(warehouse.newRun(runs).get("counts").asText());
      long read = 0;
      for (String kind : PinterestBatch.KINDS) {
        read += counts.path(kind).path("read").asLong(-1);
      }
      return read;
    } catch (Exception | AssertionError e) {
      return -1; // no row yet
    }
  }

  /** How many records the topics hold. */
  private static long records(String... topics) throws Exception {
    try (Admin admin = KAFKA.get().admin()) {
      Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
      for (TopicDescription topic : admin.describeTopics(List.of(topics)).allTopicNames().get().values()) {
        topic.partitions().forEach(p -> ends.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
      }
      return admin.listOffsets(ends).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
  }

  private static ProcessBuilder withPassword(ProcessBuilder builder) {
    builder.environment().put("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
    return builder;
  }

  private static List<String> args(String name, List<String> runner) {
    List<String> args = new ArrayList<>(List.of("--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
        "--kafkaTopicPrefix=" + TOPICS, "--kafkaGroup=" + name, "--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + POSTGRES.get().user(), "--createTables=true", "--tablePrefix=" + name + "_",
        "--checkpointName=" + name, "--windowSeconds=2", "--allowedLatenessSeconds=2",
        "--earlyFiringSeconds=1", "--maxDelaySeconds=1", "--checkpointSeconds=1", "--progressSeconds=5"));
    args.addAll(runner);
    return args;
  }
}
