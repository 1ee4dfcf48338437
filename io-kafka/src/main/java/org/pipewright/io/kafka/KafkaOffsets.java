package org.pipewright.io.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.joda.time.Instant;

/**
 * Offset bookkeeping with a short-lived plain consumer: what a group has committed, where the
 * topics end, which offset a point in time starts at, and committing new positions. The group is
 * never joined (KafkaIO assigns partitions itself), so a commit here is what the next run starts at.
 */
public final class KafkaOffsets implements AutoCloseable {
  private final KafkaSource source;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration timeout;

  private KafkaOffsets(KafkaSource source, Duration timeout) {
    this.source = source;
    this.timeout = timeout;
    this.consumer = new KafkaConsumer<>(source.clientProperties());
  }

  public static KafkaOffsets open(KafkaSource source, Duration timeout) {
    return new KafkaOffsets(source, timeout);
  }

  /**
   * Fails with one clear message unless the brokers answer and every topic exists, within the
   * timeout.
   */
  public void checkTopics() {
    Map<String, List<PartitionInfo>> topics;
    try {
      topics = consumer.listTopics(timeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot reach " + source.describe() + " within "
          + timeout.toSeconds() + " s; is the broker running?");
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot reach " + source.describe() + ": " + e.getMessage());
    }
    List<String> missing = new ArrayList<>();
    for (String topic : source.topics()) {
      if (!topics.containsKey(topic)) {
        missing.add(topic);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Kafka topic(s) " + missing + " do not exist at "
          + source.bootstrapServers() + " (existing: " + new java.util.TreeSet<>(topics.keySet()) + ")");
    }
  }

  /** Every partition of the source's topics, in topic and partition order. */
  public List<TopicPartition> partitions() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : source.topics()) {
      for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
    }
    partitions.sort((a, b) -> a.topic().equals(b.topic())
        ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    return partitions;
  }

  /** The group's committed position per partition, or the beginning where it has none. */
  public Map<TopicPartition, Long> startPositions(List<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(partitions), timeout);
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> start = new TreeMap<>(KafkaOffsets::compare);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata c = committed.get(tp);
      start.put(tp, c == null ? beginning.get(tp) : Math.max(c.offset(), beginning.get(tp)));
    }
    return start;
  }

  /** The group's committed offset per partition; partitions without one are left out. */
  public Map<TopicPartition, Long> committed(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> offsets = new TreeMap<>(KafkaOffsets::compare);
    consumer.committed(new java.util.HashSet<>(partitions), timeout).forEach((tp, c) -> {
      if (c != null) {
        offsets.put(tp, c.offset());
      }
    });
    return offsets;
  }

  public Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> end = new TreeMap<>(KafkaOffsets::compare);
    end.putAll(consumer.endOffsets(partitions, timeout));
    return end;
  }

  /**
   * The first offset per partition whose timestamp is at or after {@code time}; partitions with no
   * such record are left out (there is nothing at or after that time to go back to).
   */
  public Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : partitions) {
      query.put(tp, time.getMillis());
    }
    Map<TopicPartition, Long> found = new TreeMap<>(KafkaOffsets::compare);
    for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query, timeout).entrySet()) {
      if (e.getValue() != null) {
        found.put(e.getKey(), e.getValue().offset());
      }
    }
    return found;
  }

  /** Commits {@code offsets} (the next offset to read per partition) for the group. */
  public void commit(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    if (!commit.isEmpty()) {
      consumer.commitSync(commit, timeout);
    }
  }

  static int compare(TopicPartition a, TopicPartition b) {
    int topic = a.topic().compareTo(b.topic());
    return topic != 0 ? topic : Integer.compare(a.partition(), b.partition());
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
