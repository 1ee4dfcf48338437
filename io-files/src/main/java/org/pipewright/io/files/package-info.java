/**
 * File sources and sinks on every Beam file system (local paths, {@code s3://}): JSON-lines input as
 * {@code RawRecord}s with their {@code file:line} ({@link org.pipewright.io.files.ReadJsonLines}),
 * whole-document files (one JSON answer per file) as one {@code RawRecord} each ({@link
 * org.pipewright.io.files.ReadJsonDocuments}) with Hive-style partition values read from their paths
 * ({@link org.pipewright.io.files.Partitions}),
 * typed tables in and out as Parquet or JSON lines ({@link org.pipewright.io.files.ReadRows}, {@link
 * org.pipewright.io.files.WriteRows}), dead letters in one folder ({@link
 * org.pipewright.io.files.DeadLetterSink}), re-runnable output folders ({@link
 * org.pipewright.io.files.OutputDirs}) and reading a table outside a pipeline ({@link
 * org.pipewright.io.files.TablePreview}). Brings Parquet, Avro, Hadoop client and the AWS SDK.
 */
package org.pipewright.io.files;
