package org.pipewright.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.ServiceRule;
import org.pipewright.transforms.core.TaggedRecord;

/**
 * ReadKafka, KafkaOffsets, KafkaCommitStore and PublishKafka against a real Kafka broker. The
 * records are produced once, with explicit partitions and timestamps; tests only read them (the
 * publishing test writes a topic of its own, named outside {@code t.*}, which the topic listings show), and every test that commits uses its own consumer group.
 *
 * <pre>
 * t.pin/0: @0 T+0s, @1 T+10s, @2 T+20s
 * t.pin/1: @0 T+5s, @1 T+15s (null value)
 * t.geo/0: @0 T+3s, @1 T+30s
 * </pre>
 */
public class ReadKafkaIT {
  @ClassRule public static final ServiceRule<LocalKafka> KAFKA = ServiceRule.of("kafka", LocalKafka::start);

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final TopicPartition PIN0 = new TopicPartition("t.pin", 0);
  private static final TopicPartition PIN1 = new TopicPartition("t.pin", 1);
  private static final TopicPartition GEO0 = new TopicPartition("t.geo", 0);
  private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(30);

  /** Recent (an hour ago, whole seconds), so that retention never removes the records. */
  private static Instant t0;

  @BeforeClass
  public static void startKafka() throws Exception {
    KAFKA.get().createTopics(2, "t.pin");
    KAFKA.get().createTopics(1, "t.geo");
    long now = System.currentTimeMillis();
    t0 = new Instant(now - now % 1000 - 3_600_000L);
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      send(producer, PIN0, 0, 0, "{\"index\": 1}");
      send(producer, PIN0, 1, 10, "{\"index\": 2}");
      send(producer, PIN0, 2, 20, "{\"index\": 3, \"title\": \"Zoë ✨\"}");
      send(producer, PIN1, 0, 5, "not json");
      send(producer, PIN1, 1, 15, null);
      send(producer, GEO0, 0, 3, "{\"ind\": 1}");
      send(producer, GEO0, 1, 30, "{\"ind\": 2}");
    }
  }

  private static void send(KafkaProducer<String, String> producer, TopicPartition tp, long expectedOffset,
      int seconds, String value) throws Exception {
    RecordMetadata meta = producer.send(new ProducerRecord<>(tp.topic(), tp.partition(),
        at(seconds).getMillis(), "key-" + seconds, value)).get();
    assertEquals("offset of the record at T+" + seconds + "s", expectedOffset, meta.offset());
  }

  private static Instant at(int seconds) {
    return t0.plus(Duration.standardSeconds(seconds));
  }

  private static KafkaSource source(String group) {
    return KafkaSource.of(KAFKA.get().bootstrapServers(), "t", List.of("pin", "geo"), group);
  }

  // ---- PublishKafka ----------------------------------------------------------------------

  @Test
  public void publishesEveryRecordBeforeItsOutputIsDone() {
    KAFKA.get().createTopics(1, "published");
    List<KV<String, String>> records = List.of(KV.of("a", "{\"n\": 1}"), KV.of("b", "Zoë ✨"), KV.of("a", ""));
    PCollection<Void> published = pipeline.apply(org.apache.beam.sdk.transforms.Create.of(records)
            .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(PublishKafka.to(KAFKA.get().bootstrapServers(), "published"));
    // What a safe point relies on: once the output is done, the brokers hold every record, while the
    // pipeline still runs (its workers not torn down, their producers not closed).
    PCollection<Long> endOffset = pipeline.apply("After publishing", org.apache.beam.sdk.transforms.Create.of(0))
        .apply(org.apache.beam.sdk.transforms.Wait.on(published))
        .apply(ParDo.of(new EndOffsetFn(KAFKA.get().bootstrapServers())));
    PAssert.thatSingleton(endOffset).isEqualTo(3L);
    pipeline.run().waitUntilFinish();

    Map<String, Object> config = Map.of(
        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers(),
        org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
        org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.StringDeserializer.class.getName());
    TopicPartition partition = new TopicPartition("published", 0);
    List<KV<String, String>> read = new java.util.ArrayList<>();
    try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(config)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      // The run has ended, so the records are in the log: the end offset is read, not waited for.
      assertEquals(3L, (long) consumer.endOffsets(List.of(partition)).get(partition));
      while (consumer.position(partition) < 3) {
        consumer.poll(java.time.Duration.ofSeconds(1)).forEach(r -> read.add(KV.of(r.key(), r.value())));
      }
    }
    assertEquals(sortedKvs(records), sortedKvs(read));
  }

  /** The end offset of published/0, read where the element is processed. */
  private static final class EndOffsetFn extends DoFn<Integer, Long> {
    private final String bootstrapServers;

    EndOffsetFn(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    @ProcessElement
    public void process(OutputReceiver<Long> out) {
      Map<String, Object> config = Map.of(
          org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
          org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
          org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
      TopicPartition published = new TopicPartition("published", 0);
      try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
          new org.apache.kafka.clients.consumer.KafkaConsumer<>(config)) {
        out.output(consumer.endOffsets(List.of(published)).get(published));
      }
    }
  }

  private static List<String> sortedKvs(List<KV<String, String>> kvs) {
    return kvs.stream().map(KV::toString).sorted().collect(java.util.stream.Collectors.toList());
  }

  // ---- ReadKafka -------------------------------------------------------------------------

  @Test
  public void readsExactlyTheRangesAsTaggedRecordsStampedWithTheKafkaTimestamps() {
    KafkaSource source = source("read-all");
    Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      List<TopicPartition> partitions = offsets.partitions();
      Map<TopicPartition, Long> start = offsets.startPositions(partitions);
      Map<TopicPartition, Long> end = offsets.endOffsets(partitions);
      for (TopicPartition tp : partitions) {
        ranges.put(tp, new long[] {start.get(tp), end.get(tp)});
      }
    }
    PCollection<Row> records = pipeline.apply(ReadKafka.from(source).withOffsetRanges(ranges));
    PAssert.that(records).containsInAnyOrder(
        TaggedRecord.of("pin", "t.pin/0@0", "{\"index\": 1}"),
        TaggedRecord.of("pin", "t.pin/0@1", "{\"index\": 2}"),
        TaggedRecord.of("pin", "t.pin/0@2", "{\"index\": 3, \"title\": \"Zoë ✨\"}"),
        TaggedRecord.of("pin", "t.pin/1@0", "not json"),
        TaggedRecord.of("pin", "t.pin/1@1", ""),
        TaggedRecord.of("geo", "t.geo/0@0", "{\"ind\": 1}"),
        TaggedRecord.of("geo", "t.geo/0@1", "{\"ind\": 2}"));
    PAssert.that(timestamps(records)).containsInAnyOrder(
        KV.of("t.pin/0@0", at(0).getMillis()),
        KV.of("t.pin/0@1", at(10).getMillis()),
        KV.of("t.pin/0@2", at(20).getMillis()),
        KV.of("t.pin/1@0", at(5).getMillis()),
        KV.of("t.pin/1@1", at(15).getMillis()),
        KV.of("t.geo/0@0", at(3).getMillis()),
        KV.of("t.geo/0@1", at(30).getMillis()));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aPartialRangeReadsOnlyThatPart() {
    Map<TopicPartition, long[]> ranges = Map.of(
        PIN0, new long[] {1, 3},
        PIN1, new long[] {0, 1},
        GEO0, new long[] {1, 1}); // empty: nothing from t.geo
    PCollection<Row> records = pipeline.apply(ReadKafka.from(source("read-part")).withOffsetRanges(ranges));
    PAssert.that(records).containsInAnyOrder(
        TaggedRecord.of("pin", "t.pin/0@1", "{\"index\": 2}"),
        TaggedRecord.of("pin", "t.pin/0@2", "{\"index\": 3, \"title\": \"Zoë ✨\"}"),
        TaggedRecord.of("pin", "t.pin/1@0", "not json"));
    PAssert.that(timestamps(records)).containsInAnyOrder(
        KV.of("t.pin/0@1", at(10).getMillis()),
        KV.of("t.pin/0@2", at(20).getMillis()),
        KV.of("t.pin/1@0", at(5).getMillis()));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aRecordStampedAfterTheYear9999IsRefusedInsteadOfStoppingTheJob() throws Exception {
    KAFKA.get().createTopics(1, "far.pin");
    TopicPartition tp = new TopicPartition("far.pin", 0);
    long nanos = at(0).getMillis() * 1_000_000L; // a producer that stamps nanoseconds
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
      producer.send(new ProducerRecord<>(tp.topic(), 0, nanos, "k", "{\"index\": 1}")).get();
      producer.send(new ProducerRecord<>(tp.topic(), 0, at(1).getMillis(), "k", "{\"index\": 2}")).get();
    }
    KafkaSource source = KafkaSource.of(KAFKA.get().bootstrapServers(), "far", List.of("pin"), "far");
    PCollection<Row> records = pipeline.apply(ReadKafka.from(source).withOffsetRanges(Map.of(tp, new long[] {0, 2})));
    PAssert.that(records).containsInAnyOrder(
        TaggedRecord.refused("pin", "far.pin/0@0", "{\"index\": 1}",
            "Kafka timestamp " + nanos + " is after the year 9999 (milliseconds expected)"),
        TaggedRecord.of("pin", "far.pin/0@1", "{\"index\": 2}"));
    PAssert.that(timestamps(records)).containsInAnyOrder(KV.of("far.pin/0@0", 0L), KV.of("far.pin/0@1", at(1).getMillis()));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aValueThatIsNotUtf8IsARefusedRecordNotAlteredText() throws Exception {
    KAFKA.get().createTopics(1, "latin.pin");
    TopicPartition tp = new TopicPartition("latin.pin", 0);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
      // {"title": "café"} from a producer that wrote Latin-1, then the same in UTF-8.
      producer.send(new ProducerRecord<>(tp.topic(), 0, at(0).getMillis(), null,
          "{\"title\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))).get();
      producer.send(new ProducerRecord<>(tp.topic(), 0, at(1).getMillis(), null,
          "{\"title\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
    }
    KafkaSource source = KafkaSource.of(KAFKA.get().bootstrapServers(), "latin", List.of("pin"), "latin");
    PCollection<Row> records = pipeline.apply(ReadKafka.from(source).withOffsetRanges(Map.of(tp, new long[] {0, 2})));
    PAssert.that(records).containsInAnyOrder(
        TaggedRecord.refused("pin", "latin.pin/0@0", "{\"title\": \"caf\uFFFD\"}",
            "invalid UTF-8 at byte 15 of the record; payload shows U+FFFD for the bad bytes"),
        TaggedRecord.of("pin", "latin.pin/0@1", "{\"title\": \"caf\u00e9\"}"));
    pipeline.run().waitUntilFinish();
  }

  /** What the unbounded test's pipeline has seen: source coordinates to element timestamp. */
  private static final Map<String, Long> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

  @Test
  public void unboundedReadStartsAtTheCommittedOffsetsAndStampsRecordsWithTheKafkaTimestamps() throws Exception {
    // A properties file with a secret the PLAINTEXT broker ignores: KafkaIO's consumers read it on
    // the worker (their logged configuration shows it, hidden), and no log line shows the secret.
    java.nio.file.Path file = java.nio.file.Files.createTempFile("kafka", ".properties");
    java.nio.file.Files.writeString(file, "sasl.jaas.config=org.apache.kafka.common.security.plain."
        + "PlainLoginModule required username=\"etl\" password=\"S3CRET-kafka-4711\";\n");
    KafkaSource source = source("unbounded").withPropertiesFile(KafkaPropertiesFile.at(file.toString()));
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    java.io.PrintStream err = System.err;
    System.setErr(new java.io.PrintStream(new TeeStream(err, log), true, "UTF-8"));
    try {
      readUnbounded(source);
    } finally {
      System.setErr(err);
      java.nio.file.Files.delete(file);
    }
    String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(logged, containsString("sasl.jaas.config = [hidden]"));
    assertThat(logged, not(containsString("S3CRET")));
  }

  /** Writes to two streams: the test's log and the captured copy. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  private void readUnbounded(KafkaSource source) throws Exception {
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      offsets.commit(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L));
    }
    SEEN.clear();
    pipeline.getOptions().as(org.apache.beam.runners.direct.DirectOptions.class).setBlockOnRun(false);
    pipeline.apply(ReadKafka.from(source)).apply("Remember", ParDo.of(new RememberFn()));
    org.apache.beam.sdk.PipelineResult result = pipeline.run();
    try {
      Map<String, Long> expected = Map.of(
          "t.geo/0@1", at(30).getMillis(),
          "t.pin/0@2", at(20).getMillis(),
          "t.pin/1@1", at(15).getMillis());
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (!SEEN.keySet().containsAll(expected.keySet()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      // Each partition is read in offset order, so an earlier offset would have been seen by now.
      assertEquals(expected, new TreeMap<>(SEEN));
    } finally {
      result.cancel();
    }
  }

  private static final class RememberFn extends DoFn<Row, Void> {
    @ProcessElement
    public void process(@Element Row record, @Timestamp Instant timestamp) {
      SEEN.put(TaggedRecord.source(record), timestamp.getMillis());
    }
  }

  private static PCollection<KV<String, Long>> timestamps(PCollection<Row> records) {
    return records.apply("Timestamps", ParDo.of(new TimestampFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));
  }

  private static final class TimestampFn extends DoFn<Row, KV<String, Long>> {
    @ProcessElement
    public void process(@Element Row record, @Timestamp Instant timestamp, OutputReceiver<KV<String, Long>> out) {
      out.output(KV.of(TaggedRecord.source(record), timestamp.getMillis()));
    }
  }

  // ---- KafkaOffsets ----------------------------------------------------------------------

  @Test
  public void startPositionsAreTheBeginningsForANewGroupAndTheCommitsAfterwards() {
    KafkaSource source = source("offsets-commit");
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      offsets.checkTopics();
      List<TopicPartition> partitions = offsets.partitions();
      assertEquals(List.of(GEO0, PIN0, PIN1), partitions);
      assertEquals(offsets(GEO0, 0L, PIN0, 0L, PIN1, 0L), offsets.startPositions(partitions));
      assertEquals(offsets(GEO0, 2L, PIN0, 3L, PIN1, 2L), offsets.endOffsets(partitions));
      offsets.commit(offsets(GEO0, 1L, PIN0, 2L));
      offsets.commit(Map.of()); // nothing to commit: no call, no change
    }
    // A new client of the same group sees the commits; an uncommitted partition starts at its beginning.
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 0L), offsets.startPositions(offsets.partitions()));
    }
    // Other groups are unaffected.
    try (KafkaOffsets offsets = KafkaOffsets.open(source("offsets-other"), TIMEOUT)) {
      assertEquals(offsets(GEO0, 0L, PIN0, 0L, PIN1, 0L), offsets.startPositions(offsets.partitions()));
    }
  }

  @Test
  public void offsetsAtIsTheFirstOffsetAtOrAfterATimeAndLeavesOutPartitionsWithoutOne() {
    try (KafkaOffsets offsets = KafkaOffsets.open(source("offsets-at"), TIMEOUT)) {
      List<TopicPartition> all = offsets.partitions();
      assertEquals(offsets(GEO0, 0L, PIN0, 0L, PIN1, 0L), offsets.offsetsAt(all, at(-60)));
      assertEquals(offsets(GEO0, 1L, PIN0, 1L, PIN1, 1L), offsets.offsetsAt(all, at(10))); // at
      assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L), offsets.offsetsAt(all, at(12))); // after
      assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L),
          offsets.offsetsAt(all, at(10).plus(Duration.millis(1))));
      assertEquals(offsets(GEO0, 1L), offsets.offsetsAt(all, at(21)));
      assertEquals(offsets(), offsets.offsetsAt(all, at(31)));
      assertEquals(offsets(PIN1, 1L), offsets.offsetsAt(List.of(PIN1), at(12)));
    }
  }

  @Test
  public void checkTopicsNamesAMissingTopic() {
    KafkaSource source = KafkaSource.of(KAFKA.get().bootstrapServers(), "t", List.of("pin", "nope"), "check");
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, offsets::checkTopics);
      assertThat(e.getMessage(), containsString("Kafka topic(s) [t.nope] do not exist at "
          + KAFKA.get().bootstrapServers() + " (existing: "));
      assertThat(e.getMessage(), containsString("t.geo, t.pin]"));
    }
  }

  @Test
  public void checkTopicsOnAnUnreachablePortNamesTheServersWithinTheTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    KafkaSource source = KafkaSource.of("127.0.0.1:" + port, "t", List.of("pin"), "nowhere");
    try (KafkaOffsets offsets = KafkaOffsets.open(source, java.time.Duration.ofSeconds(3))) {
      long start = System.nanoTime();
      IllegalStateException e = assertThrows(IllegalStateException.class, offsets::checkTopics);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertEquals("cannot reach Kafka at 127.0.0.1:" + port + " (topics [t.pin], group nowhere) within 3 s; "
          + "is the broker running?", e.getMessage());
      assertThat("gives up near its 3 s timeout, not the client's default 60 s", seconds, lessThan(15.0));
    }
  }

  // ---- KafkaCommitStore ------------------------------------------------------------------

  @Test
  public void commitStoreCommitsTheOffsetsAtSafeTimeMinusRewindAndKeepsPartitionsWithoutOne() throws Exception {
    KafkaSource source = source("commit-store");
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      offsets.commit(offsets(GEO0, 0L, PIN0, 0L, PIN1, 1L));
    }
    KafkaCommitStore store = new KafkaCommitStore(source, Duration.standardSeconds(4));

    store.save(at(20)); // resume at T+16s: t.pin/1 has nothing at or after it and keeps offset 1
    assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L), committed(source));

    store.save(at(40)); // resume at T+36s: nothing anywhere, every commit stays
    assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L), committed(source));

    // A restarted job's first saves are behind the commits (it re-reads from before them): they
    // never move a commit back, which would make the next restart re-read more each time.
    store.save(at(5)); // resume at T+1s: offsets 0, 1 and 0, all behind
    assertEquals(offsets(GEO0, 1L, PIN0, 2L, PIN1, 1L), committed(source));

    store.close(); // the saves shared one client; the next one opens a new client
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      offsets.commit(offsets(GEO0, 0L, PIN0, 0L, PIN1, 0L)); // an operator rewinds the group to replay
    }
    store.save(at(12)); // resume at T+8s: from the rewound commits forward
    assertEquals(offsets(GEO0, 1L, PIN0, 1L, PIN1, 1L), committed(source));
    store.close();
  }

  private static Map<TopicPartition, Long> committed(KafkaSource source) {
    try (KafkaOffsets offsets = KafkaOffsets.open(source, TIMEOUT)) {
      return offsets.startPositions(offsets.partitions());
    }
  }

  /** A sorted map of partition to offset from alternating arguments. */
  private static Map<TopicPartition, Long> offsets(Object... pairs) {
    Map<TopicPartition, Long> map = new TreeMap<>(KafkaOffsets::compare);
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((TopicPartition) pairs[i], (Long) pairs[i + 1]);
    }
    return map;
  }
}
