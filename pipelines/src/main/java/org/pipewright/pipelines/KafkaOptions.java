package org.pipewright.pipelines;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.pipewright.io.kafka.KafkaPropertiesFile;
import org.pipewright.io.kafka.KafkaSource;

/**
 * Kafka settings of the Pinterest jobs (defaults: topics {@code pinterest.pin/.geo/.user}). Client
 * properties with secrets (SASL JAAS config, key store passwords) go in a properties file named by
 * {@code --kafkaPropertiesFile} or the environment variable {@value #PROPERTIES_ENV}: only the path
 * (or the variable's name) is configuration; each client reads the file where it is created, so the
 * secrets never reach option dumps, the pipeline graph, display data or logs.
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
      + "sasl.jaas.config, ssl.*), read where each client is created. Default: the file named by "
      + "PIPEWRIGHT_KAFKA_PROPERTIES_FILE, if set.")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  /** The source these options describe; the properties file is not read here. */
  static KafkaSource source(KafkaOptions options, List<String> kinds, String groupSuffix) {
    KafkaSource source = KafkaSource.of(options.getKafkaBootstrapServers(), options.getKafkaTopicPrefix(),
        kinds, options.getKafkaGroup() + groupSuffix).withPropertiesFile(propertiesFile(options));
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

  /**
   * {@code --kafkaPropertiesFile}, or else the file {@value #PROPERTIES_ENV} names where a client is
   * created (so a worker may have its own copy at its own path).
   */
  static KafkaPropertiesFile propertiesFile(KafkaOptions options) {
    String file = options.getKafkaPropertiesFile();
    return file != null && !file.isBlank() ? KafkaPropertiesFile.at(file) : KafkaPropertiesFile.namedBy(PROPERTIES_ENV);
  }
}
