/**
 * Kafka sources on KafkaIO: records tagged with their kind and {@code topic/partition@offset}
 * ({@link org.pipewright.io.kafka.ReadKafka}), restarts from committed offsets without auto-commit,
 * offsets committed only after the sinks wrote ({@link org.pipewright.io.kafka.KafkaCommitStore} for
 * {@code SafePoint}), and exact offset ranges for bounded reads ({@link
 * org.pipewright.io.kafka.KafkaOffsets}); a sink whose output says when the brokers have its
 * records ({@link org.pipewright.io.kafka.PublishKafka}).
 */
package org.pipewright.io.kafka;
