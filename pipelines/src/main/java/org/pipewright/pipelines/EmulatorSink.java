package org.pipewright.pipelines;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.kafka.KafkaOffsets;
import org.pipewright.io.kafka.KafkaSource;
import org.pipewright.io.kinesis.KinesisStreams;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/** Where the {@link Emulator} sends its records: files, Kafka topics or Kinesis streams. */
abstract class EmulatorSink implements AutoCloseable {
  /** Sends one record of {@code kind} for post {@code ind}, stamped {@code timestamp} (epoch ms). */
  abstract void send(String kind, long ind, String line, long timestamp) throws IOException;

  /** Waits until everything sent is stored. */
  abstract void flush() throws IOException;

  @Override
  public abstract void close() throws IOException;

  /** {@code OUT/<kind>/part-00000.jsonl}, through Beam's file systems (local or s3://). */
  static EmulatorSink files(String out, List<String> kinds) throws IOException {
    Map<String, Writer> writers = new LinkedHashMap<>();
    for (String kind : kinds) {
      ResourceId file = FileSystems.matchNewResource(OutputDirs.join(out, kind, "part-00000.jsonl"), false);
      writers.put(kind, new BufferedWriter(Channels.newWriter(
          FileSystems.create(file, MimeTypes.TEXT), StandardCharsets.UTF_8), 1 << 16));
    }
    return new EmulatorSink() {
      @Override
      void send(String kind, long ind, String line, long timestamp) throws IOException {
        Writer w = writers.get(kind);
        w.write(line);
        w.write('\n');
      }

      @Override
      void flush() throws IOException {
        for (Writer w : writers.values()) {
          w.flush();
        }
      }

      @Override
      public void close() throws IOException {
        for (Writer w : writers.values()) {
          w.close();
        }
      }
    };
  }

  /** Topics {@code <prefix>.<kind>}, keyed by post id, the record timestamp being the post time. */
  static EmulatorSink kafka(EmulatorOptions options, List<String> kinds) {
    KafkaSource source = KafkaOptions.source(options, kinds, "-emulator");
    try (KafkaOffsets check = KafkaOffsets.open(source, java.time.Duration.ofSeconds(15))) {
      check.checkTopics();
    } catch (IllegalStateException | IllegalArgumentException | org.apache.kafka.common.KafkaException e) {
      throw new UsageException(e.getMessage());
    }
    Map<String, Object> props = new java.util.HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getKafkaBootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    // The properties file (secrets) is read here, where the producer is made, and not kept.
    KafkaProducer<String, String> producer = new KafkaProducer<>(source.propertiesFile().applyTo(props));
    String prefix = options.getKafkaTopicPrefix();
    AtomicReference<Exception> failure = new AtomicReference<>();
    return new EmulatorSink() {
      @Override
      void send(String kind, long ind, String line, long timestamp) throws IOException {
        rethrow();
        producer.send(new ProducerRecord<>(prefix + "." + kind, null, timestamp, Long.toString(ind), line),
            (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }

      private void rethrow() throws IOException {
        if (failure.get() != null) {
          throw new IOException("Kafka refused a record: " + failure.get().getMessage(), failure.get());
        }
      }

      @Override
      void flush() throws IOException {
        producer.flush();
        rethrow();
      }

      @Override
      public void close() {
        producer.close();
      }
    };
  }

  /**
   * Streams {@code <prefix>-<kind>} (partition key: post id), or one stream given by {@code
   * --kinesisStream} (partition key {@code <kind>:<id>}). Records go out in batches of up to 500.
   */
  static EmulatorSink kinesis(EmulatorOptions options, List<String> kinds) {
    String single = options.getKinesisStream();
    List<String> streams = new ArrayList<>();
    if (single != null) {
      streams.add(single);
    } else {
      kinds.forEach(k -> streams.add(options.getKinesisStreamPrefix() + "-" + k));
    }
    try {
      KinesisStreams.check(options.getKinesisEndpoint(), options.getKinesisRegion(), streams);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    KinesisClient client = KinesisStreams.client(options.getKinesisEndpoint(), options.getKinesisRegion());
    Map<String, List<PutRecordsRequestEntry>> pending = new LinkedHashMap<>();
    return new EmulatorSink() {
      @Override
      void send(String kind, long ind, String line, long timestamp) throws IOException {
        String stream = single != null ? single : options.getKinesisStreamPrefix() + "-" + kind;
        String key = single != null ? kind + ":" + ind : Long.toString(ind);
        List<PutRecordsRequestEntry> batch = pending.computeIfAbsent(stream, s -> new ArrayList<>());
        batch.add(PutRecordsRequestEntry.builder().partitionKey(key)
            .data(SdkBytes.fromUtf8String(line)).build());
        if (batch.size() >= 500) {
          put(stream, batch);
        }
      }

      private void put(String stream, List<PutRecordsRequestEntry> batch) throws IOException {
        List<PutRecordsRequestEntry> left = new ArrayList<>(batch);
        batch.clear();
        for (int attempt = 0; !left.isEmpty(); attempt++) {
          if (attempt == 10) {
            throw new IOException("Kinesis refused " + left.size() + " records of " + stream + " ten times");
          }
          PutRecordsResponse response = client.putRecords(r -> r.streamName(stream).records(left));
          List<PutRecordsRequestEntry> retry = new ArrayList<>();
          for (int i = 0; i < response.records().size(); i++) {
            if (response.records().get(i).errorCode() != null) {
              retry.add(left.get(i)); // throttled: send again, in order
            }
          }
          left.clear();
          left.addAll(retry);
        }
      }

      @Override
      void flush() throws IOException {
        for (Map.Entry<String, List<PutRecordsRequestEntry>> e : pending.entrySet()) {
          if (!e.getValue().isEmpty()) {
            put(e.getKey(), e.getValue());
          }
        }
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }
}
