package org.pipewright.io.kafka;

import static org.pipewright.transforms.core.Checks.checkArgument;

import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where to read: the brokers, which topic holds which record kind, the consumer group, and any
 * extra client properties (SASL, TLS, ...). Secrets in those properties are passed through to the
 * client only; {@link #toString} and {@link #describe} never show them.
 */
public final class KafkaSource implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String bootstrapServers;
  private final Map<String, String> topicKinds;
  private final String groupId;
  private final Map<String, String> properties;

  private KafkaSource(String bootstrapServers, Map<String, String> topicKinds, String groupId,
      Map<String, String> properties) {
    this.bootstrapServers = bootstrapServers;
    this.topicKinds = topicKinds;
    this.groupId = groupId;
    this.properties = properties;
  }

  /** Topics {@code <prefix>.<kind>} for each kind, read by consumer group {@code groupId}. */
  public static KafkaSource of(String bootstrapServers, String prefix, List<String> kinds, String groupId) {
    checkArgument(bootstrapServers != null && !bootstrapServers.isBlank(), "Kafka bootstrap servers must be set");
    checkArgument(groupId != null && !groupId.isBlank(), "Kafka consumer group must be set");
    Map<String, String> topics = new LinkedHashMap<>();
    for (String kind : kinds) {
      topics.put(prefix + "." + kind, kind);
    }
    return new KafkaSource(bootstrapServers, Map.copyOf(topics), groupId, Map.of());
  }

  /** Also reads {@code topic} as records of {@code kind} (a kind no step knows is dead-lettered). */
  public KafkaSource withTopic(String topic, String kind) {
    Map<String, String> topics = new LinkedHashMap<>(topicKinds);
    topics.put(topic, kind);
    return new KafkaSource(bootstrapServers, Map.copyOf(topics), groupId, properties);
  }

  /** Extra consumer/producer properties, e.g. {@code security.protocol=SASL_SSL}. */
  public KafkaSource withProperties(Map<String, String> properties) {
    return new KafkaSource(bootstrapServers, topicKinds, groupId, Map.copyOf(properties));
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
   * Consumer settings: our group, no auto-commit (progress is committed only after the data is
   * written, see {@code SafePoint}), start at the earliest offset when the group has none.
   */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>(properties);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return config;
  }

  /** Properties for a plain client (consumer or admin) of these brokers. */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(consumerConfig());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
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
