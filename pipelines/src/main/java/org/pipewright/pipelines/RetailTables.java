package org.pipewright.pipelines;

import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.mongodb.MongoConnection;
import org.pipewright.io.mongodb.MongoOptions;
import org.pipewright.io.mongodb.MongoUpsert;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.quality.QualityResult;

/**
 * The retail tables (default prefix {@code retail_}) and how each is written: valuation and discount
 * upserted by {@code (item_id, date)}, trending frequency and the top list replaced whole (they
 * describe the run's dates), dead letters by source. The same names serve as MongoDB collections, one document per item
 * per day, upserted by {@code _id = {item_id, date}}.
 */
final class RetailTables {
  static final String PREFIX = "retail_";
  static final String VALUATION = "valuation";
  static final String DISCOUNT = "discount";
  static final String FREQUENCY = "trending_frequency";
  static final String TOP = "trending_top";
  static final List<String> TABLES = List.of(VALUATION, DISCOUNT, FREQUENCY, TOP);

  private final WarehouseTables warehouse;
  /** The schema of each table, as the pipeline built it, for {@code --createTables}. */
  private final Map<String, Schema> schemas = new LinkedHashMap<>();

  private RetailTables(WarehouseTables warehouse) {
    this.warehouse = warehouse;
  }

  static List<String> suffixes() {
    List<String> names = new java.util.ArrayList<>(TABLES);
    names.add(WarehouseTables.DEAD_LETTER);
    return names;
  }

  static void validate(RetailOptions options) {
    WarehouseTables.validate(options, PREFIX, suffixes());
    mongo(options);
  }

  static RetailTables of(RetailOptions options) {
    return new RetailTables(WarehouseTables.of(options, PREFIX, suffixes()));
  }

  JdbcConnection connection() {
    return warehouse.connection();
  }

  String name(String table) {
    return warehouse.name(table);
  }

  /** Fails with one clear line if the database cannot be reached. */
  void check() {
    try {
      warehouse.connection().check();
    } catch (SQLException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Creates the tables the pipeline writes (after it is built, when their schemas are known). */
  void create() {
    try {
      for (Map.Entry<String, Schema> table : schemas.entrySet()) {
        if (table.getKey().equals(TOP)) {
          top().createTable(table.getValue());
        } else if (table.getKey().equals(FREQUENCY)) {
          // Replaced by each run, but one row per item all the same: the key stays the primary key.
          warehouse.upsert(FREQUENCY, "item_id").createTable(table.getValue());
        } else {
          upsert(table.getKey()).createTable(table.getValue());
        }
      }
      deadLetters().createTable(DeadLetter.SCHEMA);
      quality().createTable(QualityResult.SCHEMA);
    } catch (SQLException e) {
      throw new UsageException(e.getMessage());
    }
  }

  JdbcUpsert upsert(String table, Schema schema) {
    schemas.put(table, schema);
    return upsert(table);
  }

  private JdbcUpsert upsert(String table) {
    return warehouse.upsert(table, "item_id", "date");
  }

  /**
   * Replaces the trending frequency: it counts the days of this run's range only, so merging it by
   * item into an earlier run's would mix two ranges (and disagree with the top list, replaced too).
   */
  JdbcReplace frequency(Schema schema) {
    schemas.put(FREQUENCY, schema);
    return warehouse.replace(FREQUENCY);
  }

  JdbcReplace top(Schema schema) {
    schemas.put(TOP, schema);
    return top();
  }

  private JdbcReplace top() {
    return warehouse.replace(TOP);
  }

  WarehouseTables.DeadLetterUpsert deadLetters() {
    return warehouse.deadLetters();
  }

  JdbcReplace quality() {
    return warehouse.quality(RetailDaily.QUALITY_NAME);
  }

  /** The MongoDB connection {@code --mongoUri} names, or null without one. */
  static MongoConnection mongo(MongoOptions options) {
    try {
      return MongoOptions.mongoConnection(options);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static void checkMongo(MongoConnection mongo) {
    try {
      mongo.check();
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** One document per item per day in the collection named like the table. */
  static MongoUpsert mongoUpsert(MongoConnection mongo, RetailOptions options, String table) {
    String collection = WarehouseTables.prefix(options, PREFIX) + table;
    return MongoUpsert.into(options.getMongoDatabase(), collection).withKeys("item_id", "date").withConnection(mongo);
  }

  WarehouseTables warehouse() {
    return warehouse;
  }
}
