package org.pipewright.io.kafka;

import static org.pipewright.transforms.core.Checks.checkArgument;
import static org.pipewright.transforms.core.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaSourceDescriptor;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;
import org.pipewright.transforms.core.TaggedRecord;

/**
 * Reads raw JSON records from Kafka with KafkaIO as {@link TaggedRecord}s: the kind comes from the
 * topic, the source is {@code topic/partition@offset}, the payload is the record value as sent,
 * and the element timestamp is the record's Kafka timestamp.
 *
 * <p>Unbounded by default: reading starts at the group's committed offsets (the earliest offset for
 * a new group) and never commits by itself; the pipeline commits positions once the data is written
 * ({@code SafePoint}), so a restart continues from there. {@link #withOffsetRanges} makes it a
 * finite read of exactly the given ranges, for batch jobs.
 *
 * <pre>{@code
 * KafkaSource source = KafkaSource.of("broker:9092", "pinterest", List.of("pin", "geo", "user"), "etl");
 * PCollection<Row> raw = p.apply("Read Kafka", ReadKafka.from(source));
 * }</pre>
 */
public final class ReadKafka extends PTransform<PBegin, PCollection<Row>> {
  static final Duration DEFAULT_MAX_DELAY = Duration.standardSeconds(5);

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
    PCollection<KafkaRecord<String, String>> records;
    if (ranges == null) {
      records = input.apply("KafkaIO", KafkaIO.<String, String>read()
          .withBootstrapServers(source.bootstrapServers())
          .withTopics(source.topics())
          .withKeyDeserializer(StringDeserializer.class)
          .withValueDeserializer(StringDeserializer.class)
          .withConsumerConfigUpdates(source.consumerConfig())
          .withTimestampPolicyFactory(EventTimePolicy.factory(maxDelay)));
    } else {
      List<KafkaSourceDescriptor> descriptors = new ArrayList<>();
      ranges.forEach((tp, range) -> {
        if (range[1] > range[0]) {
          descriptors.add(KafkaSourceDescriptor.of(tp, range[0], null, range[1], null, null));
        }
      });
      records = input
          .apply("Ranges", Create.of(descriptors))
          .apply("KafkaIO", KafkaIO.<String, String>readSourceDescriptors()
              .withBootstrapServers(source.bootstrapServers())
              .withKeyDeserializer(StringDeserializer.class)
              .withValueDeserializer(StringDeserializer.class)
              .withConsumerConfigUpdates(source.consumerConfig())
              .withCreateTime());
    }
    return records.apply("To records", ParDo.of(new TagFn(source))).setRowSchema(TaggedRecord.SCHEMA);
  }

  /** {@code topic/partition@offset}, the source coordinates in dead letters. */
  public static String coordinates(String topic, int partition, long offset) {
    return topic + "/" + partition + "@" + offset;
  }

  private static final class TagFn extends DoFn<KafkaRecord<String, String>, Row> {
    private final KafkaSource source;

    TagFn(KafkaSource source) {
      this.source = source;
    }

    @ProcessElement
    public void process(@Element KafkaRecord<String, String> record, OutputReceiver<Row> out) {
      String value = record.getKV().getValue();
      out.output(TaggedRecord.of(source.kindOf(record.getTopic()),
          coordinates(record.getTopic(), record.getPartition(), record.getOffset()),
          value == null ? "" : value));
    }
  }
}
