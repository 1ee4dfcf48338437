package org.pipewright.io.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;

/**
 * How a warehouse spells an idempotent write. PostgreSQL upserts row by row with {@code INSERT ...
 * ON CONFLICT (key) DO UPDATE}; Redshift (no usable ON CONFLICT) loads a staging table and then
 * deletes the matching keys and inserts the staged rows, in one transaction.
 */
public enum Dialect {
  POSTGRES,
  REDSHIFT;

  public static Dialect parse(String name) {
    for (Dialect d : values()) {
      if (d.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown JDBC dialect '" + name + "': use postgres or redshift");
  }

  /** {@code CREATE TABLE IF NOT EXISTS} for rows of {@code schema} keyed by {@code keys}. */
  public String createTable(String table, Schema schema, List<String> keys) {
    String columns = schema.getFields().stream()
        .map(f -> quote(f.getName()) + " " + sqlType(f.getType())
            + (f.getType().getNullable() && !keys.contains(f.getName()) ? "" : " NOT NULL"))
        .collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ", PRIMARY KEY ("
        + keys.stream().map(Dialect::quote).collect(Collectors.joining(", ")) + "))";
  }

  /** PostgreSQL: one statement per row that inserts or updates by key. */
  String upsert(String table, Schema schema, List<String> keys) {
    String columns = columnList(schema);
    String params = schema.getFields().stream().map(f -> "?").collect(Collectors.joining(", "));
    List<String> others = schema.getFieldNames().stream().filter(n -> !keys.contains(n))
        .collect(Collectors.toList());
    String conflict = " ON CONFLICT (" + keys.stream().map(Dialect::quote).collect(Collectors.joining(", "))
        + ") DO " + (others.isEmpty() ? "NOTHING" : "UPDATE SET " + others.stream()
            .map(n -> quote(n) + " = EXCLUDED." + quote(n)).collect(Collectors.joining(", ")));
    return "INSERT INTO " + table + " (" + columns + ") VALUES (" + params + ")" + conflict;
  }

  static String columnList(Schema schema) {
    return schema.getFieldNames().stream().map(Dialect::quote).collect(Collectors.joining(", "));
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  static String sqlType(FieldType type) {
    switch (type.getTypeName()) {
      case STRING:
        return "TEXT";
      case BYTE:
      case INT16:
        return "SMALLINT";
      case INT32:
        return "INTEGER";
      case INT64:
        return "BIGINT";
      case FLOAT:
        return "REAL";
      case DOUBLE:
        return "DOUBLE PRECISION";
      case DECIMAL:
        return "NUMERIC";
      case BOOLEAN:
        return "BOOLEAN";
      case DATETIME:
        return "TIMESTAMP WITH TIME ZONE";
      case ARRAY:
      case ITERABLE:
        return sqlType(type.getCollectionElementType()) + "[]";
      default:
        throw new IllegalArgumentException("no SQL type for " + type);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
