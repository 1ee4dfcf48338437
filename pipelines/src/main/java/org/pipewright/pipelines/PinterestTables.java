package org.pipewright.pipelines;

import java.sql.SQLException;
import java.util.List;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.transforms.pinterest.CountPostsLive;
import org.pipewright.transforms.pinterest.PinterestQueries;
import org.pipewright.transforms.quality.QualityResult;

/**
 * The Pinterest warehouse tables and how each is written: clean tables upserted by {@code ind},
 * dead letters upserted by their source coordinates (so a replayed bad record is stored once), the
 * live per-minute counts merged so that a count never goes down, and the analytics replaced whole.
 */
final class PinterestTables {
  static final String PREFIX = "pinterest_";
  static final String DEAD_LETTER = WarehouseTables.DEAD_LETTER;
  static final String LIVE = "posts_per_minute";

  private final WarehouseTables warehouse;

  private PinterestTables(WarehouseTables warehouse) {
    this.warehouse = warehouse;
  }

  /** Every table name after the prefix, the longest deciding how long the prefix may be. */
  static List<String> suffixes() {
    List<String> names = new java.util.ArrayList<>(PinterestBatch.KINDS);
    names.add(DEAD_LETTER);
    names.add(LIVE);
    names.addAll(PinterestQueries.OUTPUTS.keySet());
    return names;
  }

  /** See {@link WarehouseTables#validate}. */
  static void validate(JdbcOptions options) {
    WarehouseTables.validate(options, PREFIX, suffixes());
  }

  static PinterestTables of(JdbcOptions options) {
    return new PinterestTables(WarehouseTables.of(options, PREFIX, suffixes()));
  }

  JdbcConnection connection() {
    return warehouse.connection();
  }

  String prefix() {
    return warehouse.prefix();
  }

  String name(String table) {
    return warehouse.name(table);
  }

  JdbcUpsert clean(String kind) {
    return warehouse.upsert(kind, CleanPinterest.ID_FIELD);
  }

  WarehouseTables.DeadLetterUpsert deadLetters() {
    return warehouse.deadLetters();
  }

  JdbcUpsert live() {
    return warehouse.upsert(LIVE, "window_start", "country", "category")
        // Accumulating panes only grow; a replayed or reordered older pane must not shrink a count.
        .withMerge("posts", "GREATEST({old}, {new})")
        .withMerge("final", "({old} OR {new})")
        .withMerge("timing", "CASE WHEN {old} = 'LATE' OR ({old} = 'ON_TIME' AND {new} = 'EARLY') "
            + "THEN {old} ELSE {new} END");
  }

  JdbcReplace quality() {
    return warehouse.quality(PinterestBatch.QUALITY_NAME);
  }

  JdbcReplace analytics(String name) {
    return warehouse.replace(name);
  }

  static PCollection<Row> withSourceKey(PCollection<Row> deadLetters) {
    return WarehouseTables.withSourceKey(deadLetters);
  }

  void createStreamingTables(List<String> kinds) throws SQLException {
    for (String kind : kinds) {
      clean(kind).createTable(CleanPinterest.schema(kind));
    }
    deadLetters().createTable(DeadLetter.SCHEMA);
    live().createTable(CountPostsLive.SCHEMA);
  }

  void createBatchTables(List<String> kinds) throws SQLException {
    for (String kind : kinds) {
      clean(kind).createTable(CleanPinterest.schema(kind));
    }
    deadLetters().createTable(DeadLetter.SCHEMA);
    for (String name : PinterestQueries.OUTPUTS.keySet()) {
      analytics(name).createTable(PinterestQueries.OUTPUTS.get(name));
    }
    quality().createTable(QualityResult.SCHEMA);
  }

  WarehouseTables warehouse() {
    return warehouse;
  }
}
