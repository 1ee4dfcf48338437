package org.pipewright.io.kafka;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A Java properties file of extra Kafka client settings, typically secrets ({@code
 * sasl.jaas.config}, {@code ssl.keystore.password}). Only the file's <em>path</em> (or the name of
 * the environment variable that holds the path) is configuration; the file is read each time a
 * client is created, on the machine that creates it. So the settings never travel in the pipeline
 * graph, KafkaIO's display data, option dumps or logs: KafkaIO is given {@link #consumerFactory()}
 * / {@link #producerFactory()} instead of {@code withConsumerConfigUpdates(secrets)}, whose every
 * entry it shows as display data, and {@link PublishKafka} reads it in its producer's setup
 * ({@code acks=all} stays whatever the file says).
 *
 * <p>The file may set any client property except the ones the caller decides ({@link #FIXED}:
 * brokers, group, auto-commit, (de)serializers); those stay as configured.
 */
public final class KafkaPropertiesFile implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Settings the file cannot override: they decide where and how the pipeline reads and commits. */
  static final Set<String> FIXED = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
      ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
      ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
      ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

  private static final KafkaPropertiesFile NONE = new KafkaPropertiesFile(null, null);

  private final @Nullable String path;
  private final @Nullable String pathVariable;

  private KafkaPropertiesFile(String path, String pathVariable) {
    this.path = path;
    this.pathVariable = pathVariable;
  }

  /** No extra settings. */
  public static KafkaPropertiesFile none() {
    return NONE;
  }

  /** The file at {@code path}, read where each client is created. */
  public static KafkaPropertiesFile at(String path) {
    checkArgument(path != null && !path.isBlank(), "Kafka properties file path must not be empty");
    return new KafkaPropertiesFile(path, null);
  }

  /**
   * The file named by environment variable {@code variable} where each client is created; no extra
   * settings where it is unset or empty.
   */
  public static KafkaPropertiesFile namedBy(String variable) {
    checkArgument(variable != null && !variable.isBlank(), "environment variable name must not be empty");
    return new KafkaPropertiesFile(null, variable);
  }

  /** The file's path here, or null when there is none. */
  @Nullable
  String resolvePath() {
    String p = path != null ? path : pathVariable == null ? null : System.getenv(pathVariable);
    return p == null || p.isBlank() ? null : p;
  }

  /**
   * Reads the settings now. A file that cannot be read is an {@link IllegalArgumentException}
   * naming the path (never the content).
   */
  public Map<String, String> load() {
    String file = resolvePath();
    Map<String, String> map = new HashMap<>();
    if (file == null) {
      return map;
    }
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read Kafka properties file " + file + ": "
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    props.stringPropertyNames().forEach(k -> map.put(k, props.getProperty(k)));
    return map;
  }

  /** {@code config} with the file's settings added; the file does not override {@link #FIXED}. */
  public Map<String, Object> applyTo(Map<String, Object> config) {
    Map<String, Object> merged = new HashMap<>(config);
    load().forEach((k, v) -> {
      if (!FIXED.contains(k) || !config.containsKey(k)) {
        merged.put(k, v);
      }
    });
    return merged;
  }

  /** For {@code KafkaIO.read().withConsumerFactoryFn}: reads the file on the worker. */
  public SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
    return new ConsumerFactory(this);
  }

  /** For {@code KafkaIO.write().withProducerFactoryFn}: reads the file on the worker. */
  public <K, V> SerializableFunction<Map<String, Object>, Producer<K, V>> producerFactory() {
    return new ProducerFactory<>(this);
  }

  /** Where the settings come from (a path or a variable name, never their content). */
  public String describe() {
    return path != null ? "properties file " + path
        : pathVariable != null ? "properties file named by $" + pathVariable : "no properties file";
  }

  @Override
  public String toString() {
    return describe();
  }

  private static final class ConsumerFactory implements SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> {
    private static final long serialVersionUID = 1L;
    private final KafkaPropertiesFile file;

    ConsumerFactory(KafkaPropertiesFile file) {
      this.file = file;
    }

    @Override
    public Consumer<byte[], byte[]> apply(Map<String, Object> config) {
      return new KafkaConsumer<>(file.applyTo(config));
    }

    @Override
    public String toString() {
      return "KafkaConsumer with " + file.describe();
    }
  }

  private static final class ProducerFactory<K, V> implements SerializableFunction<Map<String, Object>, Producer<K, V>> {
    private static final long serialVersionUID = 1L;
    private final KafkaPropertiesFile file;

    ProducerFactory(KafkaPropertiesFile file) {
      this.file = file;
    }

    @Override
    public Producer<K, V> apply(Map<String, Object> config) {
      return new KafkaProducer<>(file.applyTo(config));
    }

    @Override
    public String toString() {
      return "KafkaProducer with " + file.describe();
    }
  }
}
