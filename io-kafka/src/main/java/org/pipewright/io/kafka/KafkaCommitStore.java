package org.pipewright.io.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.SafePoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a streaming pipeline's progress as the consumer group's committed offsets: for a safe time
 * {@code S} it commits, per partition, the first offset stamped at or after {@code S - rewind}, so
 * the next run (KafkaIO starts at committed offsets) re-reads everything that might not be final
 * yet. {@code rewind} covers the windows that can still change (window size + allowed lateness);
 * re-reading rows that were already written is harmless, the sinks upsert. Commits only move
 * forward.
 */
public final class KafkaCommitStore implements SafePoint.Store {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommitStore.class);

  private final KafkaSource source;
  private final Duration rewind;
  /** Kept between saves: one client (and group session) for the pipeline's life, not one per save. */
  private transient @Nullable KafkaOffsets offsets;

  public KafkaCommitStore(KafkaSource source, Duration rewind) {
    this.source = source;
    this.rewind = rewind;
  }

  @Override
  public void save(Instant safeTime) {
    Instant resume = safeTime.minus(rewind);
    if (offsets == null) {
      offsets = KafkaOffsets.open(source, java.time.Duration.ofSeconds(10));
    }
    try {
      List<TopicPartition> partitions = offsets.partitions();
      // A partition without a record at or after the resume time keeps its previous commit.
      Map<TopicPartition, Long> commit = offsets.offsetsAt(partitions, resume);
      // Only forward: a restarted job re-reads from before its committed offsets, and its first saves
      // are behind them (what it re-reads was written before); committed, they would move the next
      // restart further back each time.
      Map<TopicPartition, Long> committed = offsets.committed(partitions);
      commit.entrySet().removeIf(e -> committed.containsKey(e.getKey()) && e.getValue() <= committed.get(e.getKey()));
      offsets.commit(commit);
      LOG.debug("safe point {}: committed {} for group {}", safeTime, commit, source.groupId());
    } catch (RuntimeException e) {
      try {
        close(); // the next save starts with a fresh client
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** Closes the client the saves keep open; the next save opens a new one. */
  @Override
  public void close() {
    KafkaOffsets o = offsets;
    offsets = null;
    if (o != null) {
      o.close();
    }
  }
}
