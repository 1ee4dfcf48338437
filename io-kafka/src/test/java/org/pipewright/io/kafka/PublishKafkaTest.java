package org.pipewright.io.kafka;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * PublishKafka's guarantees that a real broker cannot show deterministically: a bundle completes only
 * after its sends are acknowledged, a failed send fails the bundle, and acks=all holds whatever the
 * properties file says. A {@link MockProducer} that acknowledges nothing by itself stands for the
 * brokers (a real broker is used in ReadKafkaIT).
 */
public class PublishKafkaTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();

  /** The producer the pipeline made and the settings it was made with (the Direct runner shares the JVM). */
  private static final List<MockProducer<String, String>> MADE = new ArrayList<>();
  private static final List<Map<String, Object>> SETTINGS = new ArrayList<>();

  private static Producer<String, String> unacknowledging(Map<String, Object> settings) {
    MockProducer<String, String> producer =
        new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    synchronized (MADE) {
      MADE.add(producer);
      SETTINGS.add(settings);
    }
    return producer;
  }

  /** Flushing fails every pending send, as brokers that went away would. */
  private static Producer<String, String> failing(Map<String, Object> settings) {
    return new MockProducer<>(false, null, new StringSerializer(), new StringSerializer()) {
      @Override
      public synchronized void flush() {
        while (errorNext(new KafkaException("broker went away"))) {
          // every pending send fails
        }
      }
    };
  }

  private void publish(Pipeline p, PublishKafka sink) {
    p.apply(Create.of(KV.of("a", "1"), KV.of("b", "2"), KV.of("c", "3"))
            .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply(sink);
  }

  @Test
  public void everySendIsAcknowledgedBeforeTheBundleCompletesWithAcksAllOverTheFile() throws Exception {
    synchronized (MADE) {
      MADE.clear();
      SETTINGS.clear();
    }
    Path file = tmp.newFile("kafka.properties").toPath();
    Files.writeString(file, "acks=1\nlinger.ms=60000\n");
    publish(pipeline, PublishKafka.to("b:9092", "dead").withProperties(KafkaPropertiesFile.at(file.toString()))
        .withProducers(PublishKafkaTest::unacknowledging));
    pipeline.run().waitUntilFinish();

    assertFalse(MADE.isEmpty());
    List<String> sent = new ArrayList<>();
    for (MockProducer<String, String> producer : MADE) {
      // Sends complete only when flushed: without the flush at the end of each bundle they would
      // still be pending here, and a safe point could have passed records the brokers do not have.
      assertTrue(producer.flushed());
      for (ProducerRecord<String, String> record : producer.history()) {
        assertEquals("dead", record.topic());
        sent.add(record.key() + "=" + record.value());
      }
      assertFalse(producer.completeNext()); // nothing left unacknowledged
    }
    sent.sort(null);
    assertEquals(List.of("a=1", "b=2", "c=3"), sent);
    for (Map<String, Object> settings : SETTINGS) {
      assertEquals("all", settings.get("acks"));
      assertEquals("60000", settings.get("linger.ms")); // the file's other settings are kept
    }
  }

  @Test
  public void aSendTheBrokersRefuseFailsTheBundleNamingTheTopic() {
    publish(pipeline, PublishKafka.to("b:9092", "dead").withProducers(PublishKafkaTest::failing));
    Exception e = assertThrows(Exception.class, () -> pipeline.run().waitUntilFinish());
    assertThat(e.getMessage(), containsString("publishing to Kafka topic dead on b:9092 failed"));
    assertThat(e.getMessage(), containsString("broker went away"));
  }
}
