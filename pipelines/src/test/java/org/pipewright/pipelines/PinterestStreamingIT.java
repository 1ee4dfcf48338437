package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Instant;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/**
 * PinterestStreaming against a real Kafka broker and a real PostgreSQL server, run as users run it
 * (the bundled jar in its own JVM). Each test uses its own topics, consumer group and tables. The
 * expected tables are what PinterestBatch computes from the same records, archived by
 * PinterestLanding.
 */
public class PinterestStreamingIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalKafka> KAFKA = ServiceRule.of("kafka", LocalKafka::start);
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  static final int WINDOW_SECONDS = 2;
  static final int MAX_PAYLOAD = 10_000;
  private static Warehouse warehouse;

  @BeforeClass
  public static void startServices() throws Exception {
    warehouse = new Warehouse(POSTGRES.get());
  }

  @Test
  public void streamingEqualsBatchDeadLettersIncludedAndAReplayChangesNothing() throws Exception {
    String prefix = "e2e";
    KAFKA.get().createTopics(2, prefix + ".pin");
    KAFKA.get().createTopics(1, prefix + ".geo", prefix + ".user", prefix + ".comment", prefix + ".dead");
    Emulator.Stats stats = Emulator.run(emulate(prefix, "--posts=300", "--seed=3", "--malformedRate=0.03"));
    Map<String, String> bad = new TreeMap<>();
    bad.put("not json", prefix + ".pin");
    bad.put("{\"index\": {\"nested\": 1}, \"title\": \"wrong type\"}", prefix + ".pin");
    bad.put("{\"index\": 100001, \"title\": \"" + "x".repeat(2 * MAX_PAYLOAD) + "\"}", prefix + ".pin");
    bad.put("{\"ind\": 100002, \"age\": \"old\"}", prefix + ".user");
    bad.put("{\"id\": 1, \"text\": \"a comment nobody asked for\"}", prefix + ".comment");
    produce(bad);

    Path log = Jobs.logFile(prefix);
    java.util.Set<String> runs = warehouse.runIds();
    Process streaming = startStreaming(prefix, log, "--kafkaExtraTopics=" + prefix + ".comment=comment",
        "--deadLetterTopic=" + prefix + ".dead");
    try {
      Instant produced = Instant.now();
      Jobs.awaitFinalPanes(warehouse, prefix, produced, streaming, log);
      // The job is recorded as a running streaming run (it never finishes on its own).
      JsonNode run = warehouse.newRun(runs);
      assertEquals(List.of("pinterest", "PinterestStreaming", "streaming", "running"), List.of(run.get("pipeline").asText(),
          run.get("job").asText(), run.get("kind").asText(), run.get("status").asText()));
      assertTrue(run.toString(), run.get("finished_at").isNull());
      Path batch = batchFromLanding(prefix);
      assertWarehouseEqualsBatch(prefix, batch, 1);

      // Bad input: every refused record is stored once, with its reason and exact coordinates.
      Map<String, String> topic = readTopics(prefix, List.of("pin", "geo", "user", "comment"));
      List<JsonNode> dead = warehouse.rows("SELECT * FROM " + prefix + "_dead_letter", List.of()).stream()
          .map(Outputs::parse).collect(Collectors.toList());
      long malformed = stats.malformed("pin") + stats.malformed("geo") + stats.malformed("user");
      assertEquals(malformed + bad.size(), dead.size());
      for (JsonNode letter : dead) {
        String source = letter.get("source").asText();
        assertThat(source, matchesPattern(prefix + "\\.(pin|geo|user|comment)/\\d+@\\d+"));
        String original = topic.get(source);
        if (original.length() > MAX_PAYLOAD) {
          assertThat(letter.get("reason").asText(), containsString("record too large: " + original.length()));
          assertTrue(original.startsWith(letter.get("payload").asText()));
        } else {
          assertEquals(original, letter.get("payload").asText());
        }
      }
      assertTrue(dead.stream().anyMatch(d -> d.get("kind").asText().equals("unknown")
          && d.get("reason").asText().contains("unknown record kind 'comment'")));
      assertTrue(dead.stream().anyMatch(d -> d.get("reason").asText().contains("unparseable JSON")));
      assertTrue(dead.stream().anyMatch(d -> d.get("reason").asText().contains("wrong type for 'index'")));
      // read = clean + duplicates + dead letters, per kind, with read counted in the topics themselves.
      JsonNode summary = Outputs.summary(batch);
      for (String kind : PinterestBatch.KINDS) {
        long read = topic.keySet().stream().filter(k -> k.startsWith(prefix + "." + kind + "/")).count();
        long deadOfKind = dead.stream().filter(d -> d.get("kind").asText().equals(kind)).count();
        assertEquals(kind, read, count(prefix + "_" + kind) + summary.get(kind).get("duplicates").asLong() + deadOfKind);
      }
      // The dead-letter topic gets every dead letter too (at least once), as JSON. Its publishing is
      // one of the writes behind the safe point, but apart from the table's: wait for it.
      java.util.Set<String> stored = new java.util.HashSet<>(warehouse.rows(prefix + "_dead_letter"));
      Jobs.await("every dead letter published", () -> published(prefix).containsAll(stored), streaming, log);
      assertEquals(stored, published(prefix));

      // Replaying the topics from the beginning changes nothing.
      Map<String, List<String>> before = warehouse.snapshot(tables(prefix));
      Jobs.stop(streaming);
      // Stopped with SIGTERM, the usual end of a streaming job: the run is finished as stopped.
      JsonNode stopped = warehouse.newRun(runs);
      assertEquals(run.get("run_id"), stopped.get("run_id"));
      assertEquals(RunLog.STOPPED, stopped.get("status").asText());
      assertTrue(stopped.toString(), !stopped.get("finished_at").isNull());
      resetGroup(prefix + "-streaming", prefix, List.of("pin", "geo", "user", "comment"));
      Instant restarted = Instant.now();
      streaming = startStreaming(prefix, log, "--kafkaExtraTopics=" + prefix + ".comment=comment");
      Jobs.awaitSafeTime(warehouse, prefix, restarted, streaming, log);
      assertEquals(before, warehouse.snapshot(tables(prefix)));
      assertThat(Files.readString(log), containsString(prefix + ".pin-1=0"));
    } finally {
      Jobs.stop(streaming);
    }
  }

  @Test
  public void aKilledPipelineRestartsWithoutLossOrDuplicates() throws Exception {
    String prefix = "crash";
    KAFKA.get().createTopics(2, prefix + ".pin", prefix + ".geo");
    KAFKA.get().createTopics(1, prefix + ".user");
    Path log = Jobs.logFile(prefix);
    Process streaming = startStreaming(prefix, log);
    try {
      CompletableFuture<Emulator.Stats> emulator = emulateInBackground(prefix, "--posts=3000", "--rate=300");
      // Kill once every partition has committed progress, so that the restart really resumes mid-topic.
      Jobs.await("rows stored and every partition committed before the kill", () -> count(prefix + "_pin") >= 600
          && committedOffsets(prefix + "-streaming", prefix).values().stream().allMatch(o -> o > 0),
          streaming, log);
      streaming.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertTrue("the killed job exited", streaming.waitFor(30, TimeUnit.SECONDS));
      Map<String, Long> committed = committedOffsets(prefix + "-streaming", prefix);
      long atKill = count(prefix + "_pin");
      Files.writeString(log, "---- killed with " + atKill + " pins stored, emulator "
          + (emulator.isDone() ? "done" : "still sending") + "; restarting\n",
          java.nio.file.StandardOpenOption.APPEND);
      streaming = startStreaming(prefix, log);
      emulator.get(3, TimeUnit.MINUTES);
      Jobs.awaitFinalPanes(warehouse, prefix, Instant.now(), streaming, log);
      Path batch = batchFromLanding(prefix);
      assertWarehouseEqualsBatch(prefix, batch, 0);
      assertThat(atKill, lessThan(count(prefix + "_pin")));
      String restart = Files.readAllLines(log).stream().filter(l -> l.startsWith("reading Kafka"))
          .reduce((a, b) -> b).orElseThrow();
      assertThat("the restart resumed from the offsets committed before the kill", restart,
          containsString("from offsets " + committed));
    } finally {
      Jobs.stop(streaming);
    }
  }

  @Test
  public void aRowTheWarehouseRefusesIsADeadLetterInTheTableAndTopicAndTheSafePointPassesIt() throws Exception {
    String prefix = "refuse";
    KAFKA.get().createTopics(1, prefix + ".pin", prefix + ".geo", prefix + ".user", prefix + ".dead");
    Path emulated = TMP.newFolder(prefix).toPath();
    Emulator.run(new String[] {"--output=" + emulated, "--posts=20", "--seed=4", "--duplicateRate=0",
        "--malformedRate=0"});
    Map<String, String> records = new java.util.LinkedHashMap<>();
    for (String kind : PinterestBatch.KINDS) {
      for (String line : Files.readAllLines(emulated.resolve(kind).resolve("part-00000.jsonl"))) {
        records.put(line, prefix + "." + kind);
      }
    }
    long refusedId = Outputs.parse(records.keySet().iterator().next()).get("index").asLong();
    // The pin table exists before the job (which then leaves it as it is) and refuses one post's pin.
    Path password = TMP.newFile(prefix + ".password").toPath();
    Files.writeString(password, POSTGRES.get().password());
    PinterestTables.of(org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs("--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
            "--jdbcUser=" + POSTGRES.get().user(), "--jdbcPasswordFile=" + password, "--tablePrefix=" + prefix + "_")
        .as(JdbcOptions.class)).clean("pin").createTable(org.pipewright.transforms.pinterest.CleanPinterest.schema("pin"));
    try (java.sql.Connection c = POSTGRES.get().connect(); java.sql.Statement st = c.createStatement()) {
      st.execute("ALTER TABLE " + prefix + "_pin ADD CONSTRAINT not_this_post CHECK (ind <> " + refusedId + ")");
    }
    produce(records);
    Instant produced = Instant.now();

    Path log = Jobs.logFile(prefix);
    java.util.Set<String> runs = warehouse.runIds();
    Process streaming = startStreaming(prefix, log, "--deadLetterTopic=" + prefix + ".dead");
    try {
      Jobs.awaitFinalPanes(warehouse, prefix, produced, streaming, log);
      // The run counts the refused row apart from the clean rows, which still include it.
      Jobs.await("the run's counts", () -> {
        try {
          JsonNode counts = Outputs.parse(warehouse.newRun(runs).get("counts").asText());
          return counts.at("/pin/clean").asLong() == 20 && counts.at("/pin/warehouseRefused").asLong() == 1
              && counts.at("/geo/warehouseRefused").asLong(-1) == 0;
        } catch (java.sql.SQLException | AssertionError e) {
          return false; // no row yet
        }
      }, streaming, log);
      assertEquals(19L, count(prefix + "_pin"));
      assertEquals(20L, count(prefix + "_geo"));
      assertEquals(20L, count(prefix + "_user"));
      List<JsonNode> dead = warehouse.rows("SELECT * FROM " + prefix + "_dead_letter", List.of()).stream()
          .map(Outputs::parse).collect(Collectors.toList());
      assertEquals(dead.toString(), 1, dead.size());
      JsonNode letter = dead.get(0);
      assertEquals(prefix + "_pin#" + refusedId, letter.get("source").asText());
      assertEquals("JdbcUpsert", letter.get("step").asText());
      assertThat(letter.get("reason").asText(), containsString("(SQL state 23514)"));
      assertEquals(refusedId, Outputs.parse(letter.get("payload").asText()).get("ind").asLong());
      java.util.Set<String> stored = new java.util.HashSet<>(warehouse.rows(prefix + "_dead_letter"));
      Jobs.await("the refused row published", () -> published(prefix).containsAll(stored), streaming, log);
      assertEquals(stored, published(prefix));
    } finally {
      Jobs.stop(streaming);
    }
  }

  @Test
  public void aDatabaseOutageMidStreamIsRetriedWithoutLoss() throws Exception {
    String prefix = "outage";
    KAFKA.get().createTopics(1, prefix + ".pin", prefix + ".geo", prefix + ".user");
    Path log = Jobs.logFile(prefix);
    Process streaming = startStreaming(prefix, log);
    try {
      // Records flow only once the job runs, for ~25 s, so that the outage really meets writes.
      Jobs.awaitSafeTime(warehouse, prefix, Instant.now(), streaming, log);
      CompletableFuture<Emulator.Stats> emulator = emulateInBackground(prefix, "--posts=2000", "--rate=300");
      Jobs.await("rows arrive before the outage", () -> count(prefix + "_pin") >= 100, streaming, log);
      POSTGRES.get().stop();
      // The outage itself: the database is away for three seconds while records keep coming.
      Thread.sleep(3000);
      POSTGRES.get().start();
      emulator.get(3, TimeUnit.MINUTES);
      Jobs.awaitFinalPanes(warehouse, prefix, Instant.now(), streaming, log);
      assertWarehouseEqualsBatch(prefix, batchFromLanding(prefix), 0);
      assertThat(Files.readString(log), matchesPattern("(?s).*" + prefix + "_\\w+\\.retried=[1-9].*"));
    } finally {
      Jobs.stop(streaming);
    }
  }

  @Test
  public void unreachableServicesAtStartGiveOneClearError() throws Exception {
    BundledJar.Result noKafka = BundledJar.run("org.pipewright.pipelines.PinterestStreaming",
        List.of("--kafkaBootstrapServers=127.0.0.1:" + Jobs.freePort(), "--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
            "--jdbcUser=" + POSTGRES.get().user()), env());
    assertOneError(noKafka, "cannot reach Kafka at 127.0.0.1:");

    BundledJar.Result noDatabase = BundledJar.run("org.pipewright.pipelines.PinterestStreaming",
        List.of("--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
            "--jdbcUrl=jdbc:postgresql://127.0.0.1:" + Jobs.freePort() + "/postgres"), env());
    assertOneError(noDatabase, "cannot connect to jdbc:postgresql://127.0.0.1:");

    BundledJar.Result wrongPassword = BundledJar.run("org.pipewright.pipelines.PinterestStreaming",
        List.of("--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(), "--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
            "--jdbcUser=" + POSTGRES.get().user()), Map.of("PIPEWRIGHT_JDBC_PASSWORD", "not-the-password"));
    assertOneError(wrongPassword, "password authentication failed");
    assertThat(wrongPassword.output, not(containsString("not-the-password")));

    BundledJar.Result noTopic = BundledJar.run("org.pipewright.pipelines.PinterestStreaming",
        List.of("--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(), "--kafkaTopicPrefix=missing",
            "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user()), env());
    assertOneError(noTopic, "Kafka topic(s) [missing.geo, missing.pin, missing.user] do not exist");
  }

  private static void assertOneError(BundledJar.Result result, String message) {
    assertEquals(result.output, 2, result.exitCode);
    List<String> errors = result.output.lines().filter(l -> l.startsWith("error: ")).collect(Collectors.toList());
    assertEquals(result.output, 1, errors.size());
    assertThat(errors.get(0), containsString(message));
    assertThat("no stack trace", result.output, not(containsString("\tat ")));
  }

  // ---------------------------------------------------------------------------------------------

  static Map<String, String> env() {
    return Map.of("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password());
  }

  static List<String> tables(String prefix) {
    return List.of(prefix + "_pin", prefix + "_geo", prefix + "_user", prefix + "_dead_letter",
        prefix + "_posts_per_minute");
  }

  private static String[] emulate(String prefix, String... extra) {
    List<String> args = new ArrayList<>(List.of("--sink=kafka",
        "--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(), "--kafkaTopicPrefix=" + prefix));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  private static CompletableFuture<Emulator.Stats> emulateInBackground(String prefix, String... extra) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Emulator.run(emulate(prefix, extra));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static Process startStreaming(String prefix, Path log, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(), "--kafkaTopicPrefix=" + prefix,
        "--kafkaGroup=" + prefix, "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
        "--createTables=true", "--tablePrefix=" + prefix + "_", "--checkpointName=" + prefix,
        "--windowSeconds=" + WINDOW_SECONDS, "--allowedLatenessSeconds=2", "--earlyFiringSeconds=1",
        "--maxDelaySeconds=1", "--checkpointSeconds=1", "--progressSeconds=2",
        "--maxPayloadChars=" + MAX_PAYLOAD));
    args.addAll(List.of(extra));
    return BundledJar.start("org.pipewright.pipelines.PinterestStreaming", args, env(), log);
  }

  private static long count(String table) {
    try {
      return warehouse.count("SELECT count(*) FROM " + table);
    } catch (java.sql.SQLException e) {
      return -1; // the database is restarting
    }
  }

  private static void produce(Map<String, String> valueToTopic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      valueToTopic.forEach((value, topic) -> producer.send(new ProducerRecord<>(topic, null, value)));
    }
  }

  private static java.util.Set<String> published(String prefix) {
    return readTopics(prefix, List.of("dead")).values().stream()
        .map(json -> Warehouse.canonical(Outputs.parse(json))).collect(Collectors.toSet());
  }

  /** Every record of the topics, by {@code topic/partition@offset}. */
  private static Map<String, String> readTopics(String prefix, List<String> kinds) {
    Map<String, String> records = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      List<TopicPartition> partitions = partitions(consumer, prefix, kinds);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          records.put(r.topic() + "/" + r.partition() + "@" + r.offset(), r.value());
        }
      }
    }
    return records;
  }

  /** The group's committed offset per partition ({@code topic-partition}, 0 if none) of {@code prefix}. */
  private static Map<String, Long> committedOffsets(String group, String prefix) {
    Properties props = consumerProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = partitions(consumer, prefix, PinterestBatch.KINDS);
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
          consumer.committed(new java.util.HashSet<>(partitions));
      Map<String, Long> offsets = new TreeMap<>();
      for (TopicPartition tp : partitions) {
        org.apache.kafka.clients.consumer.OffsetAndMetadata c = committed.get(tp);
        offsets.put(tp.toString(), c == null ? 0L : c.offset());
      }
      return offsets;
    }
  }

  private static void resetGroup(String group, String prefix, List<String> kinds) {
    Properties props = consumerProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> zero = new HashMap<>();
      for (TopicPartition tp : partitions(consumer, prefix, kinds)) {
        zero.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0));
      }
      consumer.commitSync(zero);
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, String> consumer, String prefix,
      List<String> kinds) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String kind : kinds) {
      for (PartitionInfo p : consumer.partitionsFor(prefix + "." + kind)) {
        partitions.add(new TopicPartition(p.topic(), p.partition()));
      }
    }
    return partitions;
  }

  private static Properties consumerProperties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  private static KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(consumerProperties());
  }

  /** Lands the topics to files and runs PinterestBatch on them: the expected tables. */
  private static Path batchFromLanding(String prefix) throws Exception {
    Path landing = TMP.getRoot().toPath().resolve(prefix + "-landing");
    Path out = TMP.getRoot().toPath().resolve(prefix + "-batch");
    PinterestLanding.run(new String[] {"--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
        "--kafkaTopicPrefix=" + prefix, "--kafkaGroup=" + prefix, "--output=" + landing, "--progressSeconds=0"});
    PinterestBatch.run(new String[] {"--input=" + landing, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0", "--maxPayloadChars=" + MAX_PAYLOAD});
    return out;
  }

  /**
   * The clean tables equal the batch job's, row for row; the dead letters are the batch job's
   * (kind, step, reason, payload) plus {@code unknownKinds} records of kinds batch does not read;
   * every live window is final and counts exactly the posts batch has in it.
   */
  private static void assertWarehouseEqualsBatch(String prefix, Path batch, int unknownKinds) throws Exception {
    for (String kind : PinterestBatch.KINDS) {
      List<String> expected = Outputs.lines(batch.resolve("clean").resolve(kind)).stream()
          .map(l -> Warehouse.canonical(Outputs.parse(l))).sorted().collect(Collectors.toList());
      assertEquals(kind, expected, warehouse.rows(prefix + "_" + kind));
    }
    List<String> expectedDead = Outputs.lines(batch.resolve("dead-letter")).stream()
        .map(l -> Warehouse.canonical(withoutSource(Outputs.parse(l)))).sorted().collect(Collectors.toList());
    List<String> actualDead = warehouse.rows("SELECT * FROM " + prefix + "_dead_letter WHERE kind <> 'unknown'",
        List.of("source"));
    assertEquals(expectedDead, actualDead);
    assertEquals(unknownKinds, count(prefix + "_dead_letter") - actualDead.size());
    JsonNode summary = Outputs.summary(batch);
    for (String kind : PinterestBatch.KINDS) {
      assertEquals(kind, summary.get(kind).get("clean").asLong(), count(prefix + "_" + kind));
    }

    Map<String, Long> expectedLive = new TreeMap<>();
    Map<Long, String> categories = new HashMap<>();
    for (JsonNode pin : Outputs.rows(batch.resolve("clean/pin"))) {
      categories.put(pin.get("ind").asLong(), pin.get("category").asText());
    }
    for (JsonNode geo : Outputs.rows(batch.resolve("clean/geo"))) {
      String category = categories.get(geo.get("ind").asLong());
      if (category != null) {
        long t = java.time.Instant.parse(geo.get("timestamp").asText()).toEpochMilli();
        long start = t - Math.floorMod(t, WINDOW_SECONDS * 1000L);
        expectedLive.merge(java.time.Instant.ofEpochMilli(start) + " " + geo.get("country").asText() + " / "
            + category, 1L, Long::sum);
      }
    }
    assertThat(expectedLive.size(), greaterThan(0));
    assertEquals("open windows", 0, warehouse.count("SELECT count(*) FROM " + prefix + "_posts_per_minute WHERE NOT final"));
    Map<String, Long> live = new TreeMap<>();
    for (String row : warehouse.rows("SELECT window_start, country, category, posts FROM " + prefix
        + "_posts_per_minute", List.of())) {
      JsonNode r = Outputs.parse(row);
      live.put(java.time.Instant.parse(r.get("window_start").asText()) + " " + r.get("country").asText() + " / "
          + r.get("category").asText(), r.get("posts").asLong());
    }
    assertEquals(expectedLive, live);
  }

  private static JsonNode withoutSource(JsonNode deadLetter) {
    ((com.fasterxml.jackson.databind.node.ObjectNode) deadLetter).remove("source");
    return deadLetter;
  }
}
