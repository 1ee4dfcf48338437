package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.io.kafka.KafkaSource;

public class KafkaOptionsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"etl\" password=\"s3cret-42\";";

  @Test
  public void secretsFromThePropertiesFileReachTheClientButNoDescription() throws Exception {
    Path file = tmp.newFile("kafka.properties").toPath();
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=" + JAAS + "\n");
    KafkaOptions options = PipelineOptionsFactory.fromArgs("--kafkaBootstrapServers=b1:9093,b2:9093",
        "--kafkaTopicPrefix=p", "--kafkaGroup=g", "--kafkaPropertiesFile=" + file,
        "--kafkaExtraTopics=p.comment=comment").as(KafkaOptions.class);

    KafkaSource source = KafkaOptions.source(options, List.of("pin", "geo"), "-streaming");

    assertEquals(JAAS, source.clientProperties().get("sasl.jaas.config"));
    assertEquals("SASL_SSL", source.clientProperties().get("security.protocol"));
    assertThat(source.consumerConfig().toString(), not(containsString("s3cret")));
    assertEquals(false, source.consumerConfig().get("enable.auto.commit"));
    assertEquals("g-streaming", source.groupId());
    assertEquals(List.of("p.comment", "p.geo", "p.pin"), source.topics());
    assertEquals("comment", source.kindOf("p.comment"));
    assertEquals("Kafka at b1:9093,b2:9093 (topics [p.comment, p.geo, p.pin], group g-streaming)", source.describe());
    assertThat(source.toString(), not(containsString("s3cret")));
    assertThat(options.toString(), not(containsString("s3cret")));
  }

  @Test
  public void withoutTheOptionTheEnvironmentVariableNamesTheFileWhereAClientIsMade() {
    KafkaOptions options = PipelineOptionsFactory.create().as(KafkaOptions.class);
    assertEquals("properties file named by $PIPEWRIGHT_KAFKA_PROPERTIES_FILE",
        KafkaOptions.propertiesFile(options).describe());
  }

  @Test
  public void theDefaultsAreThePinterestTopics() {
    KafkaOptions options = PipelineOptionsFactory.create().as(KafkaOptions.class);
    assertEquals(List.of("pinterest.geo", "pinterest.pin", "pinterest.user"),
        KafkaOptions.source(options, PinterestBatch.KINDS, "").topics());
  }

  @Test
  public void aMalformedExtraTopicOrAMissingFileIsAClearError() {
    KafkaOptions bad = PipelineOptionsFactory.fromArgs("--kafkaExtraTopics=p.comment").as(KafkaOptions.class);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaOptions.source(bad, List.of("pin"), ""));
    assertEquals("--kafkaExtraTopics: expected topic=kind, got 'p.comment'", e.getMessage());

    KafkaOptions missing = PipelineOptionsFactory.fromArgs("--kafkaPropertiesFile=/nonexistent/kafka.properties")
        .as(KafkaOptions.class);
    KafkaSource source = KafkaOptions.source(missing, List.of("pin"), "");
    e = assertThrows(IllegalArgumentException.class, source::clientProperties);
    assertThat(e.getMessage(), containsString("cannot read Kafka properties file /nonexistent/kafka.properties"));
  }
}
