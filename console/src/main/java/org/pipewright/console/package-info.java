/**
 * The results console ({@link org.pipewright.console.Console}): a read-only web page over the tables
 * the pipelines write to PostgreSQL. {@code Datasets} names every query (one per chart or table,
 * served as HTML and as {@code /api} JSON), {@code Pages} groups them into pages, {@code
 * DeadLetters} filters and pages the dead letters, {@code Warehouse} reads on a read-only
 * connection, {@code ConsoleServer} serves GET routes only with an optional token. Templates
 * (JTE, precompiled at build time) escape every value; the charts (ECharts, from its WebJar) are
 * drawn by one static script from the {@code /api} data.
 */
package org.pipewright.console;
