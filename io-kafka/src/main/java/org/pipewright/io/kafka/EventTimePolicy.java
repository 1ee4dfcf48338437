package org.pipewright.io.kafka;

import java.util.Optional;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event time = the record's Kafka timestamp (the producer's create time, or the broker's append
 * time on topics configured so). The watermark trails the newest timestamp read by {@code
 * maxDelay}: records at most that much out of order are on time. A partition with nothing left to
 * read moves its watermark to wall-clock time minus {@code maxDelay} even if it never had a record,
 * so an empty or idle partition does not stall every window (Beam's own create-time policy waits
 * for a first record).
 */
final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  private final Duration maxDelay;
  private Instant newest = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private Instant watermark;

  private EventTimePolicy(Duration maxDelay, Optional<Instant> previous) {
    this.maxDelay = maxDelay;
    this.watermark = previous.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
  }

  static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxDelay) {
    return (TopicPartition tp, Optional<Instant> previous) -> new EventTimePolicy(maxDelay, previous);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    Instant ts = ReadKafka.eventTime(record.getTimestamp());
    if (ts.isAfter(newest)) {
      newest = ts;
    }
    return ts;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    Instant candidate = newest.minus(maxDelay);
    if (ctx.getMessageBacklog() == 0) {
      Instant idle = ctx.getBacklogCheckTime().minus(maxDelay);
      if (idle.isAfter(candidate)) {
        candidate = idle;
      }
    }
    // Never ahead of the clock, never backwards.
    Instant cap = Instant.now().minus(maxDelay);
    if (candidate.isAfter(cap)) {
      candidate = cap;
    }
    if (candidate.isAfter(watermark)) {
      watermark = candidate;
    }
    return watermark;
  }
}
