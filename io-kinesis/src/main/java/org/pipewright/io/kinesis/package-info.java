/**
 * Kinesis sources on KinesisIO (AWS SDK v2): one stream per record kind or one stream keyed {@code
 * kind:id} ({@link org.pipewright.io.kinesis.ReadKinesis}), with stream checks that fail fast with a
 * clear message ({@link org.pipewright.io.kinesis.KinesisStreams}).
 */
package org.pipewright.io.kinesis;
