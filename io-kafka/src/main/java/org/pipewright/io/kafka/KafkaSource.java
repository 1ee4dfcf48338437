package org.pipewright.io.kafka;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where to read: the brokers, which topic holds which record kind, the consumer group, and where
 * any extra client settings (SASL, TLS, ...) are kept: a {@link KafkaPropertiesFile}, read where
 * each client is created. This object holds no secret, so serializing it into the pipeline or
 * printing it shows none.
 */
public final class KafkaSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final Map<String, String> topicKinds;
  private final String groupId;
  private final KafkaPropertiesFile propertiesFile;

  private KafkaSource(String bootstrapServers, Map<String, String> topicKinds, String groupId,
      KafkaPropertiesFile propertiesFile) {
    this.bootstrapServers = bootstrapServers;
    this.topicKinds = topicKinds;
    this.groupId = groupId;
    this.propertiesFile = propertiesFile;
  }

  /** Topics {@code <prefix>.<kind>} for each kind, read by consumer group {@code groupId}. */
  public static KafkaSource of(String bootstrapServers, String prefix, List<String> kinds, String groupId) {
    checkArgument(bootstrapServers != null && !bootstrapServers.isBlank(), "Kafka bootstrap servers must be set");
    checkArgument(groupId != null && !groupId.isBlank(), "Kafka consumer group must be set");
    Map<String, String> topics = new LinkedHashMap<>();
    for (String kind : kinds) {
      topics.put(prefix + "." + kind, kind);
    }
    return new KafkaSource(bootstrapServers, Map.copyOf(topics), groupId, KafkaPropertiesFile.none());
  }

  /** Also reads {@code topic} as records of {@code kind} (a kind no step knows is dead-lettered). */
  public KafkaSource withTopic(String topic, String kind) {
    Map<String, String> topics = new LinkedHashMap<>(topicKinds);
    topics.put(topic, kind);
    return new KafkaSource(bootstrapServers, Map.copyOf(topics), groupId, propertiesFile);
  }

  /**
   * Extra client settings ({@code security.protocol=SASL_SSL}, {@code sasl.jaas.config=...}) from
   * {@code file}, read where each consumer or producer is created.
   */
  public KafkaSource withPropertiesFile(KafkaPropertiesFile file) {
    return new KafkaSource(bootstrapServers, topicKinds, groupId, checkNotNull(file, "file"));
  }

  public KafkaPropertiesFile propertiesFile() {
    return propertiesFile;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Map<String, String> topicKinds() {
    return topicKinds;
  }

  public List<String> topics() {
    return List.copyOf(new java.util.TreeSet<>(topicKinds.keySet()));
  }

  public String groupId() {
    return groupId;
  }

  /** The kind of records in {@code topic}. */
  public String kindOf(String topic) {
    String kind = topicKinds.get(topic);
    return kind == null ? topic : kind;
  }

  /**
   * The consumer settings that are not secret, as KafkaIO shows them: our group, no auto-commit
   * (progress is committed only after the data is written, see {@code SafePoint}), start at the
   * earliest offset when the group has none (the properties file may say otherwise).
   */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }

  /**
   * Properties for a plain client (consumer or admin) of these brokers, the properties file read
   * now: call it where the client is created, and do not keep or print the result. Keys stay the
   * consumer's bytes (no job reads them; decoding each would cost a string per record), and so are
   * values, which {@link org.pipewright.transforms.core.TaggedRecord#decode} checks are UTF-8.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(propertiesFile.applyTo(consumerConfig()));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return props;
  }

  public String describe() {
    return "Kafka at " + bootstrapServers + " (topics " + topics() + ", group " + groupId + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
