/**
 * Idempotent JDBC sinks for PostgreSQL and Redshift: batched upserts by key with optional merge
 * rules ({@link org.pipewright.io.jdbc.JdbcUpsert}), whole-table replaces for small results ({@link
 * org.pipewright.io.jdbc.JdbcReplace}), SQL per dialect ({@link org.pipewright.io.jdbc.Dialect}) and a
 * checkpoint store for {@code SafePoint}. Only transient errors are retried; the password is read
 * where the connection is opened, never carried in configuration.
 */
package org.pipewright.io.jdbc;
