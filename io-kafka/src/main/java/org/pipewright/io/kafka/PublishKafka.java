package org.pipewright.io.kafka;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes {@code KV(key, value)} strings to one Kafka topic, and says when they are acknowledged:
 * the output is empty, but its watermark passes a time only once every record with an earlier
 * timestamp has been acknowledged by the brokers ({@code acks=all}; each bundle is flushed before it
 * completes), which is what a source's safe point can wait for. Beam's {@code KafkaIO.write()}
 * returns {@code PDone}, which nothing can wait for: offsets committed before its records are
 * acknowledged would lose them in a crash.
 *
 * <p>At least once: a bundle that fails is retried whole, so some records may be published twice.
 *
 * <pre>{@code
 * deadLetters.apply(PublishKafka.to("broker:9092", "orders.dead")
 *     .withProperties(KafkaPropertiesFile.namedBy("KAFKA_PROPERTIES")));
 * }</pre>
 */
public final class PublishKafka extends PTransform<PCollection<KV<String, String>>, PCollection<Void>> {
  private final String bootstrapServers;
  private final String topic;
  private final KafkaPropertiesFile properties;
  private final SerializableFunction<Map<String, Object>, Producer<String, String>> producers;

  private PublishKafka(String bootstrapServers, String topic, KafkaPropertiesFile properties,
      SerializableFunction<Map<String, Object>, Producer<String, String>> producers) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.properties = properties;
    this.producers = producers;
  }

  private static final class NewKafkaProducer
      implements SerializableFunction<Map<String, Object>, Producer<String, String>> {
    @Override
    public Producer<String, String> apply(Map<String, Object> config) {
      return new KafkaProducer<>(config);
    }
  }

  /** Publishes to {@code topic} on the brokers {@code bootstrapServers} ({@code host:port,...}). */
  public static PublishKafka to(String bootstrapServers, String topic) {
    checkArgument(bootstrapServers != null && !bootstrapServers.isBlank(), "bootstrapServers must not be empty");
    checkArgument(topic != null && !topic.isBlank(), "topic must not be empty");
    return new PublishKafka(bootstrapServers, topic, KafkaPropertiesFile.none(), new NewKafkaProducer());
  }

  /** Returns a copy whose producer also takes the settings of {@code properties} (read on the worker). */
  public PublishKafka withProperties(KafkaPropertiesFile properties) {
    return new PublishKafka(bootstrapServers, topic, checkNotNull(properties, "properties"), producers);
  }

  /** A copy whose producer {@code producers} makes from the final settings (tests: a mock producer). */
  PublishKafka withProducers(SerializableFunction<Map<String, Object>, Producer<String, String>> producers) {
    return new PublishKafka(bootstrapServers, topic, properties, checkNotNull(producers, "producers"));
  }

  @Override
  public PCollection<Void> expand(PCollection<KV<String, String>> records) {
    return records.apply("Publish to " + topic, ParDo.of(new PublishFn(bootstrapServers, topic, properties, producers)))
        .setCoder(VoidCoder.of());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("topic", topic))
        .add(DisplayData.item("bootstrapServers", bootstrapServers))
        .add(DisplayData.item("properties", properties.describe()));
  }

  private static final class PublishFn extends DoFn<KV<String, String>, Void> {
    private final String bootstrapServers;
    private final String topic;
    private final KafkaPropertiesFile properties;
    private final SerializableFunction<Map<String, Object>, Producer<String, String>> producers;
    private transient Producer<String, String> producer;
    /** The first send that failed in this bundle; the bundle then fails when it finishes. */
    private transient volatile Exception failed;

    PublishFn(String bootstrapServers, String topic, KafkaPropertiesFile properties,
        SerializableFunction<Map<String, Object>, Producer<String, String>> producers) {
      this.bootstrapServers = bootstrapServers;
      this.topic = topic;
      this.properties = properties;
      this.producers = producers;
    }

    @Setup
    public void setup() {
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      Map<String, Object> merged = new HashMap<>(properties.applyTo(config));
      // After the file's settings: acks=1 or 0 there would let the safe point pass unstored records.
      merged.put(ProducerConfig.ACKS_CONFIG, "all");
      producer = producers.apply(merged);
    }

    @StartBundle
    public void startBundle() {
      failed = null;
    }

    @ProcessElement
    public void process(@Element KV<String, String> record) {
      producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()), (metadata, e) -> {
        if (e != null && failed == null) {
          failed = e;
        }
      });
    }

    @FinishBundle
    public void finishBundle() throws Exception {
      producer.flush();
      Exception e = failed;
      if (e != null) {
        throw new IllegalStateException("publishing to Kafka topic " + topic + " on " + bootstrapServers
            + " failed: " + e, e);
      }
    }

    @Teardown
    public void teardown() {
      if (producer != null) {
        producer.close();
      }
    }
  }
}
