/**
 * Real local services for tests and the demo stack, started from Maven and npm packages on
 * 127.0.0.1 without Docker: Kafka ({@link org.pipewright.testing.LocalKafka}), PostgreSQL ({@link
 * org.pipewright.testing.LocalPostgres}), an S3-compatible server ({@link
 * org.pipewright.testing.LocalS3}), a Kinesis stand-in ({@link org.pipewright.testing.LocalKinesis}), a
 * MongoDB wire-protocol server ({@link org.pipewright.testing.LocalMongo}) and a stand-in for the
 * retail products and currency APIs ({@link org.pipewright.testing.LocalRetailApis}),
 * shared per test class with {@link org.pipewright.testing.ServiceRule}. Test scope only.
 */
package org.pipewright.testing;
