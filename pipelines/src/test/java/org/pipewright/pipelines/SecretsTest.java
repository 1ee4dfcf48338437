package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.common.ReflectHelpers;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.io.files.Format;
import org.pipewright.testing.GraphScan;

/**
 * Secrets never leave their source: with a Kafka properties file holding a SASL password, a JDBC
 * password file and AWS keys in the default chain, every pipeline's graph is built (no service is
 * contacted) and its display data, its serialized transforms and the options dump are searched
 * for the secrets. The paths of the two files must be there (so the search looks at the right
 * things), the secrets must not.
 */
public class SecretsTest {
  static final String SECRET = "S3CRET-";
  static final String KAFKA_SECRET = "S3CRET-kafka-4711";
  static final String JDBC_SECRET = "S3CRET-jdbc-4711";
  static final String AWS_SECRET = "S3CRET-aws-4711";

  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private Path kafkaProperties;
  private Path jdbcPassword;

  @Before
  public void writeSecrets() throws Exception {
    kafkaProperties = tmp.newFile("kafka.properties").toPath();
    Files.writeString(kafkaProperties, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
        + "username=\"etl\" password=\"" + KAFKA_SECRET + "\";\n");
    jdbcPassword = tmp.newFile("jdbc.password").toPath();
    Files.writeString(jdbcPassword, JDBC_SECRET + "\n");
    // The AWS default chain reads these system properties; nothing may copy them into the graph.
    System.setProperty("aws.accessKeyId", "AKIAEXAMPLE");
    System.setProperty("aws.secretAccessKey", AWS_SECRET);
  }

  @After
  public void forgetAwsKeys() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  /** {@code args} and the options of the secrets' files that {@code type} has. */
  private <T extends PipelineOptions> T options(Class<T> type, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (JdbcOptions.class.isAssignableFrom(type)) {
      all.addAll(List.of("--jdbcUrl=jdbc:postgresql://127.0.0.1:1/warehouse", "--jdbcUser=etl",
          "--jdbcPasswordFile=" + jdbcPassword));
    }
    if (KafkaOptions.class.isAssignableFrom(type)) {
      all.add("--kafkaPropertiesFile=" + kafkaProperties);
    }
    PipelineOptionsFactory.register(type);
    return PipelineOptionsFactory.fromArgs(all.toArray(new String[0])).withValidation().as(type);
  }

  @Test
  public void batchGraphWithJdbcOutput() throws Exception {
    PinterestBatchOptions options = options(PinterestBatchOptions.class,
        "--input=" + tmp.newFolder("in"), "--output=" + tmp.getRoot().toPath().resolve("out"));
    Pipeline pipeline = Pipeline.create(options);
    PinterestBatch.build(pipeline, options, Format.JSON, PinterestTables.of(options));
    assertNoSecrets(pipeline, options, jdbcPassword);
  }

  @Test
  public void streamingGraphFromKafkaWithDeadLetterTopic() throws Exception {
    PinterestStreamingOptions options = options(PinterestStreamingOptions.class,
        "--kafkaBootstrapServers=127.0.0.1:9", "--deadLetterTopic=dead");
    Pipeline pipeline = Pipeline.create(options);
    PinterestStreaming.build(pipeline, options, PinterestTables.of(options), null);
    assertNoSecrets(pipeline, options, jdbcPassword);
    assertThat(GraphScan.serialized(pipeline), containsString(kafkaProperties.toString()));
  }

  @Test
  public void streamingGraphFromKinesis() throws Exception {
    PinterestStreamingOptions options = options(PinterestStreamingOptions.class,
        "--source=kinesis", "--kinesisEndpoint=http://127.0.0.1:9", "--awsRegion=us-east-1");
    Pipeline pipeline = Pipeline.create(options);
    PinterestStreaming.build(pipeline, options, PinterestTables.of(options), Instant.parse("2026-01-01T00:00:00Z"));
    assertNoSecrets(pipeline, options, jdbcPassword);
  }

  @Test
  public void landingGraph() throws Exception {
    PinterestLandingOptions options = options(PinterestLandingOptions.class,
        "--kafkaBootstrapServers=127.0.0.1:9", "--output=" + tmp.newFolder("landing"));
    Pipeline pipeline = Pipeline.create(options);
    PinterestLanding.build(pipeline, options, KafkaOptions.source(options, PinterestBatch.KINDS, "-landing"),
        Map.of(new TopicPartition("pinterest.pin", 0), new long[] {0, 10}));
    assertNoSecrets(pipeline, options, kafkaProperties);
  }

  /** No secret anywhere; {@code expectedPath} (a secret's file) in the shipped graph as a control. */
  private void assertNoSecrets(Pipeline pipeline, PipelineOptions options, Path expectedPath) throws Exception {
    String display = GraphScan.displayData(pipeline);
    assertThat(display, containsString("Read")); // the walk saw the transforms
    assertThat(display, not(containsString(SECRET)));

    String serialized = GraphScan.serialized(pipeline);
    assertThat(serialized, containsString(expectedPath.toString()));
    assertThat(serialized, not(containsString(SECRET)));

    assertThat(options.toString(), containsString(expectedPath.toString()));
    assertThat(options.toString(), not(containsString(SECRET)));
    // What runners ship to the workers: the options as JSON.
    String json = new ObjectMapper().registerModules(ObjectMapper.findModules(ReflectHelpers.findClassLoader()))
        .writeValueAsString(options);
    assertThat(json, containsString(expectedPath.getFileName().toString()));
    assertThat(json, not(containsString(SECRET)));
  }
}
