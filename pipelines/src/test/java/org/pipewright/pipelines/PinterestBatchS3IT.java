package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;

import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.S3AccessOptions;
import org.pipewright.io.files.TablePreview;
import org.pipewright.testing.LocalS3;

/**
 * PinterestBatch reading from and writing to a real S3-compatible server, run the way a user runs
 * it: the bundled jar in its own JVM, credentials from the environment (AWS default chain).
 */
public class PinterestBatchS3IT {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final String KEY_ID = "pipewright-it";
  private static final String SECRET = "secret-" + UUID.randomUUID();
  private static LocalS3 s3;

  @BeforeClass
  public static void startS3() throws Exception {
    s3 = LocalS3.start(TMP.getRoot().toPath(), LocalS3.jarFromSystemProperty(), "pipewright");
  }

  /** The test JVM reads results through Beam's S3 file system too (system-property credentials). */
  private static void readFromS3() {
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET);
    S3AccessOptions options = PipelineOptionsFactory.fromArgs(s3.options().toArray(new String[0]))
        .as(S3AccessOptions.class);
    S3AccessOptions.apply(options);
    FileSystems.setDefaultPipelineOptions(options);
  }

  @AfterClass
  public static void stopS3() throws Exception {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  public void batchFromS3ToS3EqualsTheLocalRun() throws Exception {
    String bucket = "s3://" + s3.bucket();
    String emulate = "--posts=150 --seed=11 --malformedRate=0.03";
    List<String> outputs = new ArrayList<>();
    outputs.add(runJar("org.pipewright.pipelines.Emulator", "--output=" + bucket + "/raw " + emulate));
    // A first run on other input (more posts, so more and other rows in every table): the second run
    // must replace all of its objects for the comparison below to hold.
    outputs.add(runJar("org.pipewright.pipelines.Emulator", "--output=" + bucket + "/older --posts=400 --seed=12"));
    String batch = " --output=" + bucket + "/out --outputFormat=json --progressSeconds=0";
    outputs.add(runJar("org.pipewright.pipelines.PinterestBatch", "--input=" + bucket + "/older" + batch));
    // And a shard whose name no run of this size writes, as a run with more shards would leave it.
    readFromS3();
    String stale = bucket + "/out/clean/pin/part-00009-of-00010.json";
    write(stale, "{\"ind\": 999999, \"category\": \"stale\"}\n");
    outputs.add(runJar("org.pipewright.pipelines.PinterestBatch", "--input=" + bucket + "/raw" + batch));
    assertEquals(List.of(), FileSystems.match(stale, EmptyMatchTreatment.ALLOW).metadata());
    for (String output : outputs) {
      assertThat("a secret leaked into the output", output, not(containsString(SECRET)));
    }

    Path local = TMP.newFolder("local").toPath();
    Emulator.run(("--output=" + local.resolve("raw") + " " + emulate).split(" "));
    PinterestBatch.main(new String[] {"--input=" + local.resolve("raw"), "--output=" + local.resolve("out"),
        "--outputFormat=json", "--progressSeconds=0"});

    readFromS3(); // again: the local run set its own file system options
    assertEquals(Outputs.summary(local.resolve("out")), Outputs.JSON.readTree(read(bucket + "/out/summary.json")));
    for (String table : List.of("clean/pin", "clean/geo", "clean/user",
        "analytics/popular_category_by_country", "analytics/median_followers_by_join_year")) {
      List<String> fromS3 = TablePreview.rows(bucket + "/out/" + table, Format.JSON);
      List<String> fromFiles = Outputs.lines(local.resolve("out").resolve(table));
      assertEquals(table, fromFiles.size(), fromS3.size());
      assertEquals(table, new HashSet<>(fromFiles), new HashSet<>(fromS3));
    }
    // Dead letters name their S3 object as the source.
    List<String> dead = TablePreview.rows(bucket + "/out/dead-letter", Format.JSON);
    assertEquals(payloads(Outputs.lines(local.resolve("out/dead-letter"))), payloads(dead));
    for (String letter : dead) {
      assertThat(letter, containsString("\"source\":\"" + bucket + "/raw/"));
    }
  }

  @Test
  public void aListingTheServerRefusesIsAnErrorNotNoFiles() throws Exception {
    readFromS3();
    // A bucket that is not there: listing it fails, which is not the same as finding nothing.
    String missing = "s3://no-such-bucket-" + UUID.randomUUID();
    org.junit.Assert.assertThrows(java.io.IOException.class,
        () -> org.pipewright.io.files.OutputDirs.exists(missing + "/raw/pin/**"));
    org.junit.Assert.assertThrows(java.io.IOException.class,
        () -> org.pipewright.io.files.OutputDirs.replace(missing + "/out/clean/pin"));
    assertEquals(false, org.pipewright.io.files.OutputDirs.exists("s3://" + s3.bucket() + "/nothing-here/**"));
  }

  private static Set<String> payloads(List<String> deadLetters) {
    return deadLetters.stream().map(Outputs::parse)
        .map(n -> n.get("reason").asText() + " | " + n.get("payload").asText()).collect(Collectors.toSet());
  }

  private static void write(String path, String text) throws Exception {
    try (java.io.OutputStream out = Channels.newOutputStream(
        FileSystems.create(FileSystems.matchNewResource(path, false), "application/json"))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String read(String path) throws Exception {
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(path, false)))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs a main class of the bundled jar with S3 options and credentials in the environment. */
  private static String runJar(String mainClass, String args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args.split(" ")));
    all.addAll(s3.options());
    return BundledJar.runOk(mainClass, all, Map.of("AWS_ACCESS_KEY_ID", KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET));
  }
}
