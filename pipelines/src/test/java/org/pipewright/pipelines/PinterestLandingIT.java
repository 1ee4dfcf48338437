package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.io.kafka.KafkaOffsets;
import org.pipewright.io.kafka.KafkaSource;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;

/**
 * PinterestLanding against a real Kafka broker, and the daily batch on what it landed, written to
 * files and to a real PostgreSQL.
 */
public class PinterestLandingIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalKafka> KAFKA = ServiceRule.of("kafka", LocalKafka::start);
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);

  private static final Instant DAY1 = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant DAY2 = Instant.parse("2026-12-01T09:00:00Z");

  @Test
  public void landsEachRecordOnceByDayAndARerunRewritesTheSameFiles() throws Exception {
    String prefix = "land";
    KAFKA.get().createTopics(2, prefix + ".pin");
    KAFKA.get().createTopics(1, prefix + ".geo", prefix + ".user");
    Path emulated = TMP.newFolder("emulated").toPath();
    Emulator.run(new String[] {"--output=" + emulated, "--posts=120", "--seed=21", "--malformedRate=0.03"});
    Map<String, List<String>> lines = new TreeMap<>();
    for (String kind : PinterestBatch.KINDS) {
      lines.put(kind, Files.readAllLines(emulated.resolve(kind).resolve("part-00000.jsonl")));
    }
    // An empty record and a tombstone: the batch job must count and refuse them, not skip them.
    lines.get("pin").set(5, "");
    lines.get("geo").set(7, null);
    // The first 100 lines of each kind were sent on day 1, the rest on day 2.
    produce(prefix, lines, 0, 100, DAY1);
    Path out = TMP.getRoot().toPath().resolve("archive");

    long landed = landing(prefix, out);
    assertEquals(300, landed);
    Map<String, String> first = files(out);
    for (String name : first.keySet()) {
      assertThat(name, matchesPattern("(pin|geo|user)/dt=2026-11-30/land\\.(pin|geo|user)\\+\\d\\+\\d+\\.jsonl"));
    }
    assertLanded(out, lines, 100);
    assertEquals("nothing new: no second copy", 0, landing(prefix, out));
    assertEquals(first, files(out));

    // A run that died before committing is run again: the same files, nothing doubled.
    KafkaSource source = KafkaSource.of(KAFKA.get().bootstrapServers(), prefix, PinterestBatch.KINDS,
        prefix + "-landing");
    try (KafkaOffsets offsets = KafkaOffsets.open(source, java.time.Duration.ofSeconds(10))) {
      Map<org.apache.kafka.common.TopicPartition, Long> zero = new java.util.HashMap<>();
      offsets.partitions().forEach(tp -> zero.put(tp, 0L));
      offsets.commit(zero);
    }
    assertEquals(300, landing(prefix, out));
    assertEquals(first, files(out));

    int rest = lines.get("pin").size() - 100;
    produce(prefix, lines, 100, lines.get("pin").size(), DAY2);
    assertEquals(3L * rest, landing(prefix, out));
    assertLanded(out, lines, lines.get("pin").size());
    Map<String, String> second = files(out);
    first.forEach((name, content) -> assertEquals("day 1 files stay as they were", content, second.get(name)));

    // The daily batch of day 1 equals the batch of day 1's lines.
    Path day1Files = TMP.newFolder("day1").toPath();
    for (String kind : PinterestBatch.KINDS) {
      Files.createDirectories(day1Files.resolve(kind));
      Files.write(day1Files.resolve(kind).resolve("part.jsonl"), archived(lines.get(kind).subList(0, 100)));
    }
    Path expected = batch(day1Files, null, "expected");
    Path daily = batch(out, "2026-11-30", "daily");
    assertEquals(Outputs.summary(expected), Outputs.summary(daily));
    for (String kind : PinterestBatch.KINDS) {
      assertEquals(kind + ": every record sent on day 1 is read", 100, Outputs.summary(daily).get(kind).get("read").asInt());
    }
    for (String table : List.of("clean/pin", "clean/geo", "clean/user", "analytics/popular_category_by_country",
        "analytics/median_followers_by_age_group")) {
      assertEquals(table, sorted(Outputs.lines(expected.resolve(table))), sorted(Outputs.lines(daily.resolve(table))));
    }
  }

  @Test
  public void theBatchAlsoFillsTheWarehouseAndARerunChangesNothing() throws Exception {
    Path in = TMP.newFolder("warehouse-in").toPath();
    Emulator.run(new String[] {"--output=" + in, "--posts=150", "--seed=4", "--malformedRate=0.03"});
    Warehouse warehouse = new Warehouse(POSTGRES.get());
    Path out = batchToWarehouse(in, "first");
    List<String> tables = new ArrayList<>(List.of("wh_pin", "wh_geo", "wh_user", "wh_dead_letter"));
    for (String kind : PinterestBatch.KINDS) {
      assertEquals(kind, canonical(Outputs.lines(out.resolve("clean").resolve(kind))), warehouse.rows("wh_" + kind));
    }
    for (String name : org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS.keySet()) {
      assertEquals(name, canonical(Outputs.lines(out.resolve("analytics").resolve(name))), warehouse.rows("wh_" + name));
      tables.add("wh_" + name);
    }
    assertEquals(canonical(Outputs.lines(out.resolve("dead-letter"))), warehouse.rows("wh_dead_letter"));
    // Quality results go to the table every pipeline shares, without the prefix.
    assertEquals(canonical(Outputs.lines(out.resolve("quality"))), warehouse.rows(
        "SELECT * FROM " + WarehouseTables.QUALITY + " WHERE pipeline = 'pinterest'", List.of()));
    tables.add(WarehouseTables.QUALITY);
    Map<String, List<String>> before = warehouse.snapshot(tables);
    batchToWarehouse(in, "second");
    assertEquals(before, warehouse.snapshot(tables));
  }

  /**
   * A real landing and a real batch into PostgreSQL with a Kafka properties file and a database
   * password that are recognisable secrets, then a wrong password and an unreachable broker: what
   * the runs print and log, and the error messages, never show a secret.
   */
  @Test
  public void secretsStayOutOfOutputLogsAndErrorMessages() throws Exception {
    String kafkaSecret = "S3CRET-kafka-4711";
    String jdbcSecret = "S3CRET-jdbc-4711";
    Path kafkaProperties = TMP.newFile("secret-kafka.properties").toPath();
    // The PLAINTEXT test broker ignores the SASL login, but every client reads and logs its config.
    Files.writeString(kafkaProperties, "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule"
        + " required username=\"etl\" password=\"" + kafkaSecret + "\";\n");
    Path passwordFile = TMP.newFile("secret-jdbc.password").toPath();
    Files.writeString(passwordFile, jdbcSecret + "\n");
    try (java.sql.Connection c = POSTGRES.get().connect(); java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE ROLE secret_etl LOGIN PASSWORD '" + jdbcSecret + "'");
      // The shared tables (pipewright_quality, pipewright_runs) may already exist, made by another
      // test as the main user: this role writes them as a member of it.
      s.execute("GRANT \"" + POSTGRES.get().user() + "\" TO secret_etl");
    }
    String prefix = "sec";
    KAFKA.get().createTopics(1, prefix + ".pin", prefix + ".geo", prefix + ".user");
    Path emulated = TMP.newFolder("secret-emulated").toPath();
    Emulator.run(new String[] {"--output=" + emulated, "--posts=20", "--seed=5", "--duplicateRate=0",
        "--malformedRate=0"});
    Map<String, List<String>> lines = new TreeMap<>();
    for (String kind : PinterestBatch.KINDS) {
      lines.put(kind, Files.readAllLines(emulated.resolve(kind).resolve("part-00000.jsonl")));
    }
    produce(prefix, lines, 0, 1000, DAY1);
    Path archive = TMP.getRoot().toPath().resolve("secret-archive");
    List<String> jdbc = List.of("--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcPasswordFile=" + passwordFile);

    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    List<String> errors = new ArrayList<>();
    try {
      assertTrue(PinterestLanding.run(new String[] {"--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
          "--kafkaTopicPrefix=" + prefix, "--kafkaGroup=" + prefix, "--output=" + archive,
          "--progressSeconds=1", "--kafkaPropertiesFile=" + kafkaProperties}) > 0);
      List<String> batch = new ArrayList<>(List.of("--input=" + archive, "--output=" + TMP.newFolder("secret-out"),
          "--outputFormat=json", "--progressSeconds=1", "--createTables=true", "--tablePrefix=sec_",
          "--jdbcUser=secret_etl"));
      batch.addAll(jdbc);
      PinterestBatch.run(batch.toArray(new String[0]));

      List<String> wrongUser = new ArrayList<>(List.of("--input=" + archive, "--output=" + TMP.newFolder("secret-no"),
          "--jdbcUser=" + POSTGRES.get().user()));
      wrongUser.addAll(jdbc);
      errors.add(assertThrows(UsageException.class, () -> PinterestBatch.run(wrongUser.toArray(new String[0])))
          .getMessage());
      errors.add(assertThrows(UsageException.class, () -> PinterestLanding.run(new String[] {
          "--kafkaBootstrapServers=127.0.0.1:" + Jobs.freePort(), "--output=" + archive,
          "--kafkaPropertiesFile=" + kafkaProperties})).getMessage());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    out.print(printed);
    assertThat(printed, containsString("landed 60 records"));
    assertThat(printed, containsString("sasl.jaas.config = [hidden]")); // the consumers' logged config
    assertThat(printed, containsString("summary: "));
    assertEquals(20L, new Warehouse(POSTGRES.get()).rows("sec_pin").size());
    assertThat(errors.get(0), containsString("password authentication failed for user \"" + POSTGRES.get().user()));
    assertThat(errors.get(1), containsString("cannot reach Kafka at 127.0.0.1:"));
    for (String text : List.of(printed, errors.get(0), errors.get(1))) {
      assertThat(text, not(containsString("S3CRET")));
    }
  }

  @Test
  public void aRowTheWarehouseRefusesIsADeadLetterInTheTableAndTheFilesAndEveryOtherRowIsLoaded() throws Exception {
    Path in = TMP.newFolder("refused-in").toPath();
    Emulator.run(new String[] {"--output=" + in, "--posts=30", "--seed=8", "--duplicateRate=0", "--malformedRate=0"});
    Path password = TMP.newFile("refused.password").toPath();
    Files.writeString(password, POSTGRES.get().password() + "\n");
    List<String> args = new ArrayList<>(List.of("--input=" + in, "--outputFormat=json", "--progressSeconds=0",
        "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
        "--jdbcPasswordFile=" + password, "--tablePrefix=ref_"));
    List<String> first = new ArrayList<>(args);
    first.addAll(List.of("--output=" + TMP.getRoot().toPath().resolve("refused-first"), "--createTables=true"));
    PinterestBatch.run(first.toArray(new String[0]));

    // The warehouse now refuses one post's pin, as a table someone added a constraint to would.
    long refusedId = Outputs.parse(Files.readAllLines(in.resolve("pin").resolve("part-00000.jsonl")).get(0))
        .get("index").asLong();
    try (java.sql.Connection c = POSTGRES.get().connect(); java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM ref_pin");
      s.execute("ALTER TABLE ref_pin ADD CONSTRAINT not_this_post CHECK (ind <> " + refusedId + ")");
    }
    Path out = TMP.getRoot().toPath().resolve("refused-second");
    List<String> second = new ArrayList<>(args);
    second.add("--output=" + out);
    PinterestBatch.run(second.toArray(new String[0]));

    Warehouse warehouse = new Warehouse(POSTGRES.get());
    assertEquals(29L, warehouse.count("SELECT COUNT(*) FROM ref_pin WHERE ind <> " + refusedId));
    assertEquals(29L, warehouse.count("SELECT COUNT(*) FROM ref_pin"));
    assertEquals(30L, warehouse.count("SELECT COUNT(*) FROM ref_geo"));
    com.fasterxml.jackson.databind.JsonNode summary = Outputs.parse(Files.readString(out.resolve("summary.json")));
    assertEquals(30L, summary.get("pin").get("clean").asLong());
    assertEquals(1L, summary.get("pin").get("warehouseRefused").asLong());
    assertEquals(0L, summary.get("geo").get("warehouseRefused").asLong());
    assertEquals(0L, summary.get("pin").get("deadLetter").asLong());

    String source = "ref_pin#" + refusedId;
    List<String> inFiles = new ArrayList<>();
    try (Stream<Path> all = Files.walk(out.resolve("dead-letter"))) {
      for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        inFiles.addAll(Files.readAllLines(file));
      }
    }
    assertEquals(1, inFiles.size());
    com.fasterxml.jackson.databind.JsonNode dead = Outputs.parse(inFiles.get(0));
    assertEquals(source, dead.get("source").asText());
    assertEquals("JdbcUpsert", dead.get("step").asText());
    assertThat(dead.get("reason").asText(), containsString("(SQL state 23514)"));
    assertEquals(refusedId, Outputs.parse(dead.get("payload").asText()).get("ind").asLong());
    assertEquals(1L, warehouse.count("SELECT COUNT(*) FROM ref_dead_letter WHERE source = '" + source
        + "' AND step = 'JdbcUpsert'"));
  }

  @Test
  public void onRedshiftsLayoutAPinTooLongForItsColumnIsADeadLetterCutToFitTheDeadLetterTable() throws Exception {
    // Redshift's layout (VARCHAR(65535) for text) on PostgreSQL, which counts that limit in characters
    // where Redshift counts bytes: a description of 70,000 characters is too long for either.
    Path in = TMP.newFolder("redshift-in").toPath();
    Emulator.run(new String[] {"--output=" + in, "--posts=10", "--seed=9", "--duplicateRate=0", "--malformedRate=0"});
    Path pins = in.resolve("pin").resolve("part-00000.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(pins));
    com.fasterxml.jackson.databind.node.ObjectNode longPin = (com.fasterxml.jackson.databind.node.ObjectNode) Outputs.parse(lines.get(0));
    String description = "é".repeat(40_000) + "x".repeat(30_000);
    longPin.put("description", description);
    lines.set(0, longPin.toString());
    Files.write(pins, lines);
    long id = longPin.get("index").asLong();
    Path password = TMP.newFile("redshift.password").toPath();
    Files.writeString(password, POSTGRES.get().password() + "\n");
    Path out = TMP.getRoot().toPath().resolve("redshift-out");
    PinterestBatch.run(new String[] {"--input=" + in, "--output=" + out, "--outputFormat=json", "--progressSeconds=0",
        "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(),
        "--jdbcPasswordFile=" + password, "--jdbcDialect=redshift", "--createTables=true", "--tablePrefix=rs_"});

    Warehouse warehouse = new Warehouse(POSTGRES.get());
    assertEquals(9L, warehouse.count("SELECT COUNT(*) FROM rs_pin WHERE ind <> " + id));
    assertEquals(9L, warehouse.count("SELECT COUNT(*) FROM rs_pin"));
    assertEquals(1L, Outputs.parse(Files.readString(out.resolve("summary.json"))).get("pin").get("warehouseRefused").asLong());
    List<String> stored = warehouse.rows("SELECT payload FROM rs_dead_letter WHERE source = 'rs_pin#" + id + "'", List.of());
    assertEquals(1, stored.size());
    String cut = Outputs.parse(stored.get(0)).get("payload").asText();
    List<String> inFiles = new ArrayList<>();
    try (Stream<Path> all = Files.walk(out.resolve("dead-letter"))) {
      for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        inFiles.addAll(Files.readAllLines(file));
      }
    }
    assertEquals(1, inFiles.size());
    String whole = Outputs.parse(inFiles.get(0)).get("payload").asText();
    assertEquals(description, Outputs.parse(whole).get("description").asText());
    int wholeBytes = whole.getBytes(StandardCharsets.UTF_8).length;
    assertThat(cut, org.hamcrest.Matchers.endsWith(" [cut from " + wholeBytes + " bytes]"));
    String kept = cut.substring(0, cut.lastIndexOf(" [cut from "));
    assertTrue(whole.startsWith(kept));
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= WarehouseTables.REDSHIFT_VARCHAR_BYTES);
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length > WarehouseTables.REDSHIFT_VARCHAR_BYTES - 40);
  }

  private static Path batchToWarehouse(Path in, String name) throws Exception {
    Path out = TMP.getRoot().toPath().resolve("warehouse-" + name);
    BundledJar.runOk("org.pipewright.pipelines.PinterestBatch", List.of("--input=" + in, "--output=" + out,
        "--outputFormat=json", "--progressSeconds=0", "--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + POSTGRES.get().user(), "--createTables=true", "--tablePrefix=wh_"),
        Map.of("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password()));
    return out;
  }

  private static List<String> canonical(List<String> jsonLines) {
    return jsonLines.stream().map(l -> Warehouse.canonical(Outputs.parse(l))).sorted().collect(Collectors.toList());
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().collect(Collectors.toList());
  }

  private static long landing(String prefix, Path out) throws Exception {
    return PinterestLanding.run(new String[] {"--kafkaBootstrapServers=" + KAFKA.get().bootstrapServers(),
        "--kafkaTopicPrefix=" + prefix, "--kafkaGroup=" + prefix, "--output=" + out, "--progressSeconds=0",
        "--recordsPerFile=50"});
  }

  private static Path batch(Path in, String date, String name) throws Exception {
    Path out = TMP.getRoot().toPath().resolve("batch-" + name);
    List<String> args = new ArrayList<>(List.of("--input=" + in, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0"));
    if (date != null) {
      args.add("--date=" + date);
    }
    PinterestBatch.run(args.toArray(new String[0]));
    return out;
  }

  /** Every landed file (relative name -> content), the temporary folder excluded. */
  private static Map<String, String> files(Path out) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(out)) {
      for (Path file : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
        String name = out.relativize(file).toString();
        if (!name.startsWith("_tmp")) {
          files.put(name, Files.readString(file, StandardCharsets.UTF_8));
        }
      }
    }
    return files;
  }

  /** The archive holds the first {@code count} lines of each kind, each exactly once. */
  private static void assertLanded(Path out, Map<String, List<String>> lines, int count) throws Exception {
    Map<String, String> files = files(out);
    for (String kind : PinterestBatch.KINDS) {
      List<String> landed = files.entrySet().stream().filter(e -> e.getKey().startsWith(kind + "/"))
          .flatMap(e -> e.getValue().lines()).sorted().collect(Collectors.toList());
      assertEquals(kind, sorted(archived(lines.get(kind).subList(0, count))), landed);
    }
  }

  /** The lines the archive holds for these sent records: an empty record or a tombstone as "". */
  private static List<String> archived(List<String> sent) {
    return sent.stream().map(r -> r == null || r.isEmpty() ? "\"\"" : r).collect(Collectors.toList());
  }

  private static void produce(String prefix, Map<String, List<String>> lines, int from, int to, Instant day) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      lines.forEach((kind, all) -> {
        for (int i = from; i < to && i < all.size(); i++) {
          producer.send(new ProducerRecord<>(prefix + "." + kind, null, day.toEpochMilli() + i * 1000L,
              Integer.toString(i), all.get(i)));
        }
      });
    }
  }
}
