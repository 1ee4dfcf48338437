package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.joda.time.Instant;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.LocalKinesis;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.testing.ServiceRule;
import software.amazon.awssdk.core.SdkBytes;

/**
 * PinterestStreaming reading Kinesis (a real kinesis-mock server), one stream per kind and one
 * stream split by partition key. Expected rows: PinterestBatch on the files the emulator writes
 * for the same seed (the same posts; only the live geo timestamps differ).
 */
public class PinterestStreamingKinesisIT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();
  @ClassRule public static final ServiceRule<LocalPostgres> POSTGRES = ServiceRule.of("postgres", LocalPostgres::start);
  @ClassRule public static final ServiceRule<LocalKinesis> KINESIS = ServiceRule.of("kinesis", LocalKinesis::start);

  private static Warehouse warehouse;

  @BeforeClass
  public static void startServices() throws Exception {
    warehouse = new Warehouse(POSTGRES.get());
    // The in-process emulator finds its credentials on the AWS default chain, as a user's would.
    System.setProperty("aws.accessKeyId", LocalKinesis.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", LocalKinesis.SECRET_KEY);
  }

  @Test
  public void oneStreamPerKindEqualsBatchAndARestartResumesFromTheCheckpoint() throws Exception {
    String prefix = "kin";
    for (String kind : PinterestBatch.KINDS) {
      KINESIS.get().createStream(prefix + "-" + kind, 1);
    }
    List<String> seed = List.of("--posts=200", "--seed=5", "--malformedRate=0.03");
    Emulator.run(args(List.of("--sink=kinesis", "--kinesisEndpoint=" + KINESIS.get().endpoint(),
        "--kinesisStreamPrefix=" + prefix), seed));
    Path log = Jobs.logFile(prefix);
    List<String> streaming = List.of("--kinesisStreamPrefix=" + prefix);
    Process process = start(prefix, log, streaming);
    try {
      Jobs.awaitFinalPanes(warehouse, prefix, Instant.now(), process, log);
      assertEqualsBatch(prefix, seed, 0);

      Map<String, List<String>> before = warehouse.snapshot(PinterestStreamingIT.tables(prefix));
      Jobs.stop(process);
      Instant restarted = Instant.now();
      process = start(prefix, log, streaming);
      Jobs.awaitSafeTime(warehouse, prefix, restarted, process, log);
      assertThat(Files.readString(log), containsString("resuming Kinesis at "));
      assertEquals(before, warehouse.snapshot(PinterestStreamingIT.tables(prefix)));
    } finally {
      Jobs.stop(process);
    }
  }

  @Test
  public void oneStreamSplitByPartitionKeyDeadLettersUnknownKinds() throws Exception {
    String prefix = "keyed";
    String stream = prefix + "-all";
    KINESIS.get().createStream(stream, 2);
    List<String> seed = List.of("--posts=150", "--seed=8", "--malformedRate=0.03");
    Emulator.run(args(List.of("--sink=kinesis", "--kinesisEndpoint=" + KINESIS.get().endpoint(),
        "--kinesisStream=" + stream), seed));
    KINESIS.get().client().putRecord(r -> r.streamName(stream).partitionKey("comment:1")
        .data(SdkBytes.fromUtf8String("{\"id\": 1}")));
    Path log = Jobs.logFile(prefix);
    Process process = start(prefix, log, List.of("--kinesisStream=" + stream));
    try {
      Jobs.awaitFinalPanes(warehouse, prefix, Instant.now(), process, log);
      assertEqualsBatch(prefix, seed, 1);
      JsonNode unknown = Outputs.parse(warehouse.rows("SELECT * FROM " + prefix + "_dead_letter WHERE kind = 'unknown'",
          List.of()).get(0));
      assertThat(unknown.get("source").asText(), matchesPattern(stream + "/shardId-\\d+@\\d+"));
      assertEquals("{\"id\": 1}", unknown.get("payload").asText());
    } finally {
      Jobs.stop(process);
    }
  }

  @Test
  public void anUnreachableKinesisAtStartGivesOneClearError() throws Exception {
    int port = Jobs.freePort();
    BundledJar.Result result = BundledJar.run("org.pipewright.pipelines.PinterestStreaming", List.of(
        "--source=kinesis", "--kinesisEndpoint=http://127.0.0.1:" + port, "--jdbcUrl=" + POSTGRES.get().jdbcUrl(),
        "--jdbcUser=" + POSTGRES.get().user(), "--tablePrefix=down_"),
        Map.of("PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password(),
        "AWS_ACCESS_KEY_ID", LocalKinesis.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", LocalKinesis.SECRET_KEY));
    assertEquals(result.output, 2, result.exitCode);
    List<String> errors = result.output.lines().filter(l -> l.startsWith("error: ")).collect(Collectors.toList());
    assertEquals(result.output, 1, errors.size());
    assertThat(errors.get(0), containsString("cannot reach Kinesis at http://127.0.0.1:" + port));
    assertThat(result.output, org.hamcrest.Matchers.not(containsString("\tat ")));
  }

  private static String[] args(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(new String[0]);
  }

  private static Process start(String prefix, Path log, List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--source=kinesis", "--kinesisEndpoint=" + KINESIS.get().endpoint(),
        "--jdbcUrl=" + POSTGRES.get().jdbcUrl(), "--jdbcUser=" + POSTGRES.get().user(), "--createTables=true",
        "--tablePrefix=" + prefix + "_", "--checkpointName=" + prefix, "--windowSeconds=2",
        "--allowedLatenessSeconds=2", "--earlyFiringSeconds=1", "--maxDelaySeconds=1",
        "--checkpointSeconds=1", "--progressSeconds=2"));
    args.addAll(extra);
    return BundledJar.start("org.pipewright.pipelines.PinterestStreaming", args, Map.of(
        "PIPEWRIGHT_JDBC_PASSWORD", POSTGRES.get().password(), "AWS_ACCESS_KEY_ID", LocalKinesis.ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", LocalKinesis.SECRET_KEY, "AWS_REGION", LocalKinesis.REGION), log);
  }

  /** Clean pin and user rows equal batch's; geo rows too but for the live timestamp; dead letters by kind. */
  private void assertEqualsBatch(String prefix, List<String> seed, int unknownKinds) throws Exception {
    Path files = TMP.getRoot().toPath().resolve(prefix + "-files");
    Path out = TMP.getRoot().toPath().resolve(prefix + "-batch");
    Emulator.run(args(List.of("--output=" + files), seed));
    PinterestBatch.run(new String[] {"--input=" + files, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0"});
    for (String kind : List.of("pin", "user")) {
      assertEquals(kind, canonical(out.resolve("clean").resolve(kind), List.of()), warehouse.rows(prefix + "_" + kind));
    }
    assertEquals("geo", canonical(out.resolve("clean/geo"), List.of("timestamp")),
        warehouse.rows("SELECT ind, country, coordinates FROM " + prefix + "_geo", List.of()));
    List<JsonNode> batchDead = Outputs.rows(out.resolve("dead-letter"));
    for (String kind : PinterestBatch.KINDS) {
      assertEquals(kind, batchDead.stream().filter(d -> d.get("kind").asText().equals(kind)).count(),
          warehouse.count("SELECT count(*) FROM " + prefix + "_dead_letter WHERE kind = '" + kind + "'"));
    }
    assertEquals(unknownKinds, warehouse.count("SELECT count(*) FROM " + prefix + "_dead_letter WHERE kind = 'unknown'"));
    // Every post with a pin and a geo row is counted once in the window of its geo timestamp.
    assertEquals(0, warehouse.count("SELECT count(*) FROM " + prefix + "_posts_per_minute WHERE NOT final"));
    long joined = warehouse.count("SELECT count(*) FROM " + prefix + "_pin p JOIN " + prefix + "_geo g USING (ind)");
    assertThat(joined, greaterThan(0L));
    assertEquals(joined, warehouse.count("SELECT coalesce(sum(posts), 0) FROM " + prefix + "_posts_per_minute"));
  }

  private static List<String> canonical(Path table, List<String> without) {
    return Outputs.rows(table).stream().map(r -> {
      without.forEach(((ObjectNode) r)::remove);
      return Warehouse.canonical(r);
    }).sorted().collect(Collectors.toList());
  }
}
