/**
 * Idempotent JDBC sinks for PostgreSQL and Redshift: batched upserts by key with optional merge
 * rules ({@link org.pipewright.io.jdbc.JdbcUpsert}), whole-table replaces for small results ({@link
 * org.pipewright.io.jdbc.JdbcReplace}), write-audit-publish loads through staging tables that are
 * merged into the final tables in one transaction only when no blocking check failed ({@link
 * org.pipewright.io.jdbc.JdbcStaging}, {@link org.pipewright.io.jdbc.JdbcPublish}), SQL per dialect
 * ({@link org.pipewright.io.jdbc.Dialect}) and a checkpoint store for {@code SafePoint}. Only
 * transient errors are retried; the password is read where the connection is opened, never carried
 * in configuration.
 */
package org.pipewright.io.jdbc;
