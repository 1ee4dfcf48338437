package org.pipewright.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.GraphScan;

/** The properties file is read where a client is made; nothing in the pipeline holds its content. */
public class KafkaPropertiesFileTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SECRET = "S3CRET-kafka-4711";
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"etl\" password=\"" + SECRET + "\";";

  private Path secretsFile() throws Exception {
    Path file = tmp.newFile("kafka.properties").toPath();
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.jaas.config=" + JAAS
        + "\nauto.offset.reset=latest\ngroup.id=not-ours\n");
    return file;
  }

  @Test
  public void theFileIsReadWhenAClientIsMadeAndCannotOverrideTheFixedSettings() throws Exception {
    Path file = secretsFile();
    KafkaSource source = KafkaSource.of("b:9092", "t", List.of("a"), "g")
        .withPropertiesFile(KafkaPropertiesFile.at(file.toString()));

    assertThat(source.consumerConfig().toString(), not(containsString(SECRET)));
    assertEquals(JAAS, source.clientProperties().get("sasl.jaas.config"));
    assertEquals("latest", source.clientProperties().get("auto.offset.reset")); // the file may choose this
    assertEquals("g", source.clientProperties().get("group.id")); // but not the group
    assertEquals(false, source.clientProperties().get("enable.auto.commit"));

    // Read again for every client: a rotated secret is picked up without rebuilding anything.
    Files.writeString(file, "sasl.jaas.config=rotated\n");
    assertEquals("rotated", source.clientProperties().get("sasl.jaas.config"));
  }

  @Test
  public void descriptionsNameThePathNeverTheContent() throws Exception {
    Path file = secretsFile();
    KafkaPropertiesFile props = KafkaPropertiesFile.at(file.toString());
    assertEquals("properties file " + file, props.toString());
    assertEquals("properties file named by $SOME_VAR", KafkaPropertiesFile.namedBy("SOME_VAR").describe());
    assertThat(props.consumerFactory().toString(), not(containsString(SECRET)));
    assertThat(KafkaSource.of("b:9092", "t", List.of("a"), "g").withPropertiesFile(props).toString(),
        not(containsString(SECRET)));
  }

  @Test
  public void anUnsetVariableMeansNoExtraSettingsAndAMissingFileIsAClearError() {
    assertEquals(Map.of(), KafkaPropertiesFile.namedBy("PIPEWRIGHT_TEST_SURELY_UNSET_4711").load());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KafkaPropertiesFile.at("/nonexistent/kafka.properties").load());
    assertThat(e.getMessage(), containsString("cannot read Kafka properties file /nonexistent/kafka.properties"));
  }

  @Test
  public void readKafkaShowsNoSecretInDisplayDataOrTheSerializedGraph() throws Exception {
    Path file = secretsFile();
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline.apply("Read", ReadKafka.from(KafkaSource.of("127.0.0.1:9", "t", List.of("a"), "g-secrets")
        .withPropertiesFile(KafkaPropertiesFile.at(file.toString()))));

    String display = GraphScan.displayData(pipeline);
    // KafkaIO's display data is there (so the walk sees consumer settings), the secret is not.
    assertThat(display, containsString("g-secrets"));
    assertThat(display, not(containsString(SECRET)));

    // What a runner ships: every transform Java-serialized
    String serialized = GraphScan.serialized(pipeline);
    assertThat(serialized, containsString(file.toString())); // the path travels ...
    assertThat(serialized, not(containsString(SECRET))); // ... the content does not
  }
}
