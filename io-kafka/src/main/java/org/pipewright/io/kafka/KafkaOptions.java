package org.pipewright.io.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Kafka settings. Client properties with secrets (SASL JAAS config, key store passwords) go in a
 * properties file named by {@code --kafkaPropertiesFile} or the environment variable {@value
 * #PROPERTIES_ENV}: they reach the Kafka clients only, never option dumps or logs.
 */
public interface KafkaOptions extends PipelineOptions {
  String PROPERTIES_ENV = "PIPEWRIGHT_KAFKA_PROPERTIES_FILE";

  @Description("Kafka bootstrap servers, host:port[,host:port].")
  @Default.String("127.0.0.1:9092")
  String getKafkaBootstrapServers();

  void setKafkaBootstrapServers(String value);

  @Description("Topic prefix: records are read from (and the emulator writes to) <prefix>.pin, "
      + "<prefix>.geo and <prefix>.user.")
  @Default.String("pinterest")
  String getKafkaTopicPrefix();

  void setKafkaTopicPrefix(String value);

  @Description("Extra topics to read, as topic=kind[,topic=kind]; a kind the pipeline does not know "
      + "is dead-lettered.")
  @Default.String("")
  String getKafkaExtraTopics();

  void setKafkaExtraTopics(String value);

  @Description("Consumer group prefix; each job adds its own suffix (-streaming, -landing). The "
      + "group's committed offsets are where reading starts; they only advance once the data is written.")
  @Default.String("pipewright")
  String getKafkaGroup();

  void setKafkaGroup(String value);

  @Description("Java properties file of extra Kafka client settings (security.protocol, "
      + "sasl.jaas.config, ssl.*). Default: the file named by PIPEWRIGHT_KAFKA_PROPERTIES_FILE, if set.")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  /** The source these options describe. */
  static KafkaSource source(KafkaOptions options, List<String> kinds, String groupSuffix) {
    KafkaSource source = KafkaSource.of(options.getKafkaBootstrapServers(), options.getKafkaTopicPrefix(),
        kinds, options.getKafkaGroup() + groupSuffix).withProperties(properties(options));
    for (String pair : options.getKafkaExtraTopics().split(",")) {
      if (!pair.isBlank()) {
        String[] topicKind = pair.split("=", 2);
        if (topicKind.length != 2 || topicKind[0].isBlank() || topicKind[1].isBlank()) {
          throw new IllegalArgumentException("--kafkaExtraTopics: expected topic=kind, got '" + pair + "'");
        }
        source = source.withTopic(topicKind[0].trim(), topicKind[1].trim());
      }
    }
    return source;
  }

  static Map<String, String> properties(KafkaOptions options) {
    String file = options.getKafkaPropertiesFile() != null ? options.getKafkaPropertiesFile()
        : System.getenv(PROPERTIES_ENV);
    Map<String, String> map = new LinkedHashMap<>();
    if (file == null || file.isBlank()) {
      return map;
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read Kafka properties file " + file + ": " + e.getMessage());
    }
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
    return map;
  }
}
