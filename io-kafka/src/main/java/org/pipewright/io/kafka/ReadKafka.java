package org.pipewright.io.kafka;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.TaggedRecord;
import org.pipewright.transforms.core.Timestamps;

/**
 * Reads raw JSON records from Kafka with KafkaIO as {@link TaggedRecord}s: the kind comes from the
 * topic, the source is {@code topic/partition@offset}, the payload is the record value as sent,
 * and the element timestamp is the record's Kafka timestamp.
 *
 * <p>Unbounded by default: reading starts at the group's committed offsets (the earliest offset for
 * a new group) and never commits by itself; the pipeline commits positions once the data is written
 * ({@code SafePoint}), so a restart continues from there. {@link #withOffsetRanges} makes it a
 * finite read of exactly the given ranges, for batch jobs, on every runner (a plain consumer per
 * partition range; KafkaIO's finite read does not run on Spark).
 *
 * <pre>{@code
 * KafkaSource source = KafkaSource.of("broker:9092", "shop", List.of("order", "refund"), "etl")
 *     .withPropertiesFile(KafkaPropertiesFile.at("/etc/etl/kafka.properties"));
 * PCollection<Row> raw = p.apply("Read Kafka", ReadKafka.from(source));
 * }</pre>
 */
public final class ReadKafka extends PTransform<PBegin, PCollection<Row>> {
  static final Duration DEFAULT_MAX_DELAY = Duration.standardSeconds(5);
  private static final Schema RANGE = Schema.builder().addStringField("topic").addInt32Field("partition")
      .addInt64Field("start").addInt64Field("stop").build();

  private final KafkaSource source;
  private final Duration maxDelay;
  private final Map<TopicPartition, long[]> ranges;

  private ReadKafka(KafkaSource source, Duration maxDelay, Map<TopicPartition, long[]> ranges) {
    this.source = source;
    this.maxDelay = maxDelay;
    this.ranges = ranges;
  }

  public static ReadKafka from(KafkaSource source) {
    return new ReadKafka(checkNotNull(source, "source"), DEFAULT_MAX_DELAY, null);
  }

  /** How far out of timestamp order a record may arrive and still be on time (default 5 s). */
  public ReadKafka withMaxDelay(Duration maxDelay) {
    checkArgument(maxDelay != null && !maxDelay.isShorterThan(Duration.ZERO), "maxDelay must be >= 0");
    return new ReadKafka(source, maxDelay, ranges);
  }

  /** Reads exactly offsets {@code [start, stop)} of each partition given, then ends. */
  public ReadKafka withOffsetRanges(Map<TopicPartition, long[]> ranges) {
    checkArgument(ranges != null, "ranges must not be null");
    return new ReadKafka(source, maxDelay, Map.copyOf(ranges));
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    if (ranges != null) {
      List<Row> parts = new ArrayList<>();
      ranges.forEach((tp, range) -> {
        if (range[1] > range[0]) {
          parts.add(Row.withSchema(RANGE).addValues(tp.topic(), tp.partition(), range[0], range[1]).build());
        }
      });
      return input
          .apply("Ranges", Create.of(parts).withRowSchema(RANGE))
          .apply("Spread", Reshuffle.viaRandomKey())
          .apply("Read ranges", ParDo.of(new ReadRangeFn(source)))
          .setRowSchema(TaggedRecord.SCHEMA);
    }
    return input
        .apply("KafkaIO", KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(source.bootstrapServers())
            .withTopics(source.topics())
            // The key is never read: left as the consumer's bytes, it costs no decoding.
            .withKeyDeserializer(ByteArrayDeserializer.class)
            // Bytes, decoded by TaggedRecord.decode: a value that is not UTF-8 is refused, not altered.
            .withValueDeserializer(ByteArrayDeserializer.class)
            // Only non-secret settings here: KafkaIO shows each of them as display data. The
            // properties file (secrets) is read by the consumer factory, on the worker.
            .withConsumerConfigUpdates(source.consumerConfig())
            .withConsumerFactoryFn(source.propertiesFile().consumerFactory())
            .withTimestampPolicyFactory(EventTimePolicy.factory(maxDelay)))
        .apply("To records", ParDo.of(new TagFn(source)))
        .setRowSchema(TaggedRecord.SCHEMA);
  }

  /**
   * A record's Kafka timestamp as its event time: none (-1) or before 1970 is 1970. One after the
   * year 9999 (a producer that wrote nanoseconds, say) is no time at all: its record is refused
   * ({@link #record}) and stamped 1970 here, where it would otherwise reach past the end of Beam's
   * time and stop the job at every re-run, or hold windows and state open until then.
   */
  static Instant eventTime(long kafkaTimestamp) {
    return new Instant(Timestamps.isInRange(kafkaTimestamp) ? Math.max(kafkaTimestamp, 0L) : 0L);
  }

  /** The tagged record of a Kafka value, refused when its value is not UTF-8 or its timestamp is no time. */
  static Row record(String kind, String source, long kafkaTimestamp, byte[] value) {
    if (kafkaTimestamp > 0 && !Timestamps.isInRange(kafkaTimestamp)) {
      return TaggedRecord.refused(kind, source, TaggedRecord.payload(TaggedRecord.decode(kind, source, value)),
          "Kafka timestamp " + kafkaTimestamp + " is after the year 9999 (milliseconds expected)");
    }
    return TaggedRecord.decode(kind, source, value);
  }

  /** {@code topic/partition@offset}, the source coordinates in dead letters. */
  public static String coordinates(String topic, int partition, long offset) {
    return topic + "/" + partition + "@" + offset;
  }

  /**
   * Reads one partition's range with a plain consumer. KafkaIO's own finite read is a splittable
   * DoFn that Beam's Spark runner cannot run in batch mode; a range per call runs on every runner
   * and still reads partitions in parallel.
   */
  private static final class ReadRangeFn extends DoFn<Row, Row> {
    private static final java.time.Duration STALL = java.time.Duration.ofMinutes(2);
    private final KafkaSource source;

    ReadRangeFn(KafkaSource source) {
      this.source = source;
    }

    @ProcessElement
    public void process(@Element Row range, OutputReceiver<Row> out) {
      TopicPartition tp = new TopicPartition(range.getString("topic"), range.getInt32("partition"));
      long next = range.getInt64("start");
      long stop = range.getInt64("stop");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(source.clientProperties())) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, next);
        long lastProgress = System.nanoTime();
        while (next < stop) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(java.time.Duration.ofSeconds(1))) {
            if (r.offset() < stop) {
              out.outputWithTimestamp(record(source.kindOf(r.topic()),
                  coordinates(r.topic(), r.partition(), r.offset()), r.timestamp(), r.value()), eventTime(r.timestamp()));
            }
          }
          // The position, not the last offset: compacted or transaction-marked offsets have no record.
          long position = consumer.position(tp);
          if (position > next) {
            next = position;
            lastProgress = System.nanoTime();
          } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
            throw new IllegalStateException("no progress reading " + tp + " at offset " + next + " (range ends at "
                + stop + ") for " + STALL.toMinutes() + " minutes: is " + source.bootstrapServers() + " reachable?");
          }
        }
      }
    }
  }

  private static final class TagFn extends DoFn<KafkaRecord<byte[], byte[]>, Row> {
    private final KafkaSource source;

    TagFn(KafkaSource source) {
      this.source = source;
    }

    @ProcessElement
    public void process(@Element KafkaRecord<byte[], byte[]> record, OutputReceiver<Row> out) {
      out.output(record(source.kindOf(record.getTopic()),
          coordinates(record.getTopic(), record.getPartition(), record.getOffset()), record.getTimestamp(),
          record.getKV().getValue()));
    }
  }
}
