package org.pipewright.io.jdbc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.pipewright.transforms.core.RowJson;

/**
 * How a warehouse spells an idempotent write. PostgreSQL upserts with {@code INSERT ... ON
 * CONFLICT (key) DO UPDATE}; Redshift (no ON CONFLICT) loads a temporary staging table, updates the
 * rows whose keys exist and inserts the others, in one transaction. The Redshift statements are
 * plain SQL that PostgreSQL also runs, which is how the tests exercise them.
 *
 * <p>A merge expression decides a column's new value when the key exists; {@code {old}} and {@code
 * {new}} stand for the stored and the incoming value, e.g. {@code GREATEST({old}, {new})}; {@code
 * {old:col}} and {@code {new:col}} for the stored and incoming value of another column {@code col}
 * of the same row, so one column can decide for all (a newer version wins). Columns without one
 * take the incoming value.
 *
 * <p>Every table and column name is checked and quoted here ({@link SqlIdentifiers}: tables folded
 * to lower case, columns as spelled), so callers pass plain names.
 */
public enum Dialect {
  POSTGRES,
  REDSHIFT;

  static final String STORED = "cur";
  static final String STAGED = "stg";

  public static Dialect parse(String name) {
    for (Dialect d : values()) {
      if (d.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown JDBC dialect '" + name + "': use postgres or redshift");
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS} for rows of {@code schema} keyed by {@code keys}; no primary
   * key when {@code keys} is empty (tables that are only ever replaced whole).
   */
  public String createTable(String table, Schema schema, List<String> keys) {
    String columns = schema.getFields().stream()
        .map(f -> quote(f.getName()) + " " + columnType(f.getType())
            + (f.getType().getNullable() && !keys.contains(f.getName()) ? "" : " NOT NULL"))
        .collect(Collectors.joining(", "));
    String key = keys.isEmpty() ? "" : ", PRIMARY KEY (" + quotedList(keys) + ")";
    return "CREATE TABLE IF NOT EXISTS " + quoteTable(table) + " (" + columns + key + ")";
  }

  /** PostgreSQL: one parameterised statement that inserts or merges one row by key. */
  String upsert(String tableName, Schema schema, List<String> keys, Map<String, String> merges) {
    return upsert(tableName, schema, keys, merges, 1);
  }

  /**
   * PostgreSQL: one statement that inserts or merges {@code rows} rows by key. The keys of the rows
   * must differ: ON CONFLICT cannot touch one row twice in a statement.
   */
  String upsert(String tableName, Schema schema, List<String> keys, Map<String, String> merges, int rows) {
    String table = quoteTable(tableName);
    List<String> others = nonKeys(schema, keys);
    return "INSERT INTO " + table + " AS " + STORED + " (" + columnList(schema) + ") VALUES "
        + values(schema, rows) + " ON CONFLICT (" + quotedList(keys) + ") DO "
        + (others.isEmpty() ? "NOTHING" : "UPDATE SET " + updates(others, merges, STORED + ".", "EXCLUDED."));
  }

  /**
   * PostgreSQL: one statement that publishes a staging table into {@code table}: new keys are
   * inserted, rows that differ in some column are updated, and rows equal in every column are not
   * touched at all (no new row version, no trigger). It answers one row: inserted, updated.
   */
  String publish(String tableName, String stageName, Schema schema, List<String> keys) {
    String table = quoteTable(tableName);
    List<String> others = nonKeys(schema, keys);
    String onConflict = others.isEmpty() ? "NOTHING"
        : "UPDATE SET " + updates(others, Map.of(), STORED + ".", "EXCLUDED.") + " WHERE ("
            + prefixed(others, STORED + ".") + ") IS DISTINCT FROM (" + prefixed(others, "EXCLUDED.") + ")";
    // xmax is 0 on a row version that an INSERT created, and set on one an UPDATE created.
    return "WITH merged AS (INSERT INTO " + table + " AS " + STORED + " (" + columnList(schema) + ") SELECT "
        + columnList(schema) + " FROM " + quoteTable(stageName) + " ON CONFLICT (" + quotedList(keys) + ") DO "
        + onConflict + " RETURNING (" + STORED + ".xmax = 0) AS inserted) "
        + "SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted) FROM merged";
  }

  /**
   * Redshift: the statements that publish a staging table into {@code table}, to run in one
   * transaction: an UPDATE of the rows that differ in some column (its update count is the rows
   * updated), then an INSERT of the new keys (its count is the rows inserted). Redshift has no
   * {@code IS DISTINCT FROM}, so "differs" is spelled with {@code <>} and {@code IS NULL}.
   */
  List<String> publishStaged(String tableName, String stageName, Schema schema, List<String> keys) {
    String table = quoteTable(tableName);
    String changed = nonKeys(schema, keys).stream()
        .map(n -> {
          String stored = table + "." + quote(n);
          String staged = STAGED + "." + quote(n);
          return stored + " <> " + staged + " OR (" + stored + " IS NULL) <> (" + staged + " IS NULL)";
        })
        .collect(Collectors.joining(" OR "));
    return mergeStaged(tableName, stageName, schema, keys, Map.of(), changed.isEmpty() ? null : "(" + changed + ")");
  }

  private static String updates(List<String> columns, Map<String, String> merges, String oldPrefix, String newPrefix) {
    return columns.stream()
        .map(n -> quote(n) + " = " + mergeValue(n, merges, oldPrefix, newPrefix))
        .collect(Collectors.joining(", "));
  }

  private static String prefixed(List<String> columns, String prefix) {
    return columns.stream().map(n -> prefix + quote(n)).collect(Collectors.joining(", "));
  }

  /** Redshift: the statements that move a loaded staging table into {@code table}. */
  List<String> mergeStaged(String tableName, String stageName, Schema schema, List<String> keys,
      Map<String, String> merges) {
    return mergeStaged(tableName, stageName, schema, keys, merges, null);
  }

  /** {@code onlyIf}: a further condition on the rows to update (null: every row whose key matches). */
  private List<String> mergeStaged(String tableName, String stageName, Schema schema, List<String> keys,
      Map<String, String> merges, String onlyIf) {
    String table = quoteTable(tableName);
    String stage = quoteTable(stageName);
    String match = keys.stream()
        .map(k -> table + "." + quote(k) + " = " + STAGED + "." + quote(k))
        .collect(Collectors.joining(" AND "));
    List<String> others = nonKeys(schema, keys);
    String update = updates(others, merges, table + ".", STAGED + ".");
    String columns = columnList(schema);
    String staged = schema.getFieldNames().stream().map(n -> STAGED + "." + quote(n))
        .collect(Collectors.joining(", "));
    String insert = "INSERT INTO " + table + " (" + columns + ") SELECT " + staged + " FROM " + stage + " "
        + STAGED + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + match + ")";
    if (others.isEmpty()) {
      return List.of(insert);
    }
    return List.of("UPDATE " + table + " SET " + update + " FROM " + stage + " " + STAGED + " WHERE " + match
        + (onlyIf == null ? "" : " AND " + onlyIf), insert);
  }

  /** Redshift: an exclusive lock on {@code table} until the transaction ends (PostgreSQL spells it the same). */
  String lock(String table) {
    return "LOCK TABLE " + quoteTable(table);
  }

  String insert(String table, Schema schema) {
    return insert(table, schema, 1);
  }

  /** One statement that inserts {@code rows} rows (multi-row VALUES: PostgreSQL and Redshift). */
  String insert(String table, Schema schema, int rows) {
    return "INSERT INTO " + quoteTable(table) + " (" + columnList(schema) + ") VALUES " + values(schema, rows);
  }

  private static String values(Schema schema, int rows) {
    String row = "(" + params(schema) + ")";
    StringBuilder values = new StringBuilder(rows * (row.length() + 2));
    for (int i = 0; i < rows; i++) {
      values.append(i == 0 ? "" : ", ").append(row);
    }
    return values.toString();
  }

  /** {@code oldPrefix}, {@code newPrefix}: how the statement names the stored and the incoming row. */
  private static String mergeValue(String column, Map<String, String> merges, String oldPrefix, String newPrefix) {
    String incoming = newPrefix + quote(column);
    String expression = merges.get(column);
    if (expression == null) {
      return incoming;
    }
    Matcher other = OTHER_COLUMN.matcher(expression.replace("{old}", oldPrefix + quote(column))
        .replace("{new}", incoming));
    StringBuilder sql = new StringBuilder();
    while (other.find()) {
      String prefix = other.group(1).equals("old") ? oldPrefix : newPrefix;
      other.appendReplacement(sql, Matcher.quoteReplacement(prefix + quote(other.group(2))));
    }
    return other.appendTail(sql).toString();
  }

  /** {@code {old:col}} / {@code {new:col}} in a merge expression. */
  static final Pattern OTHER_COLUMN = Pattern.compile("\\{(old|new):([A-Za-z_][A-Za-z0-9_]*)\\}");

  private static List<String> nonKeys(Schema schema, List<String> keys) {
    return schema.getFieldNames().stream().filter(n -> !keys.contains(n)).collect(Collectors.toList());
  }

  private static String params(Schema schema) {
    return schema.getFields().stream().map(f -> "?").collect(Collectors.joining(", "));
  }

  static String columnList(Schema schema) {
    return quotedList(schema.getFieldNames());
  }

  private static String quotedList(List<String> names) {
    return names.stream().map(Dialect::quote).collect(Collectors.joining(", "));
  }

  /** A column name, quoted as spelled; both dialects quote with ANSI double quotes. */
  public String quoteIdentifier(String column) {
    return quote(column);
  }

  /** A table name ({@code schema.table} allowed), folded to lower case and quoted. */
  public String quoteTable(String table) {
    return SqlIdentifiers.quoteTable(table);
  }

  static String quote(String identifier) {
    return SqlIdentifiers.quote(identifier);
  }

  /** The column type; Redshift has no arrays and a 256-byte TEXT, so both become VARCHAR(65535). */
  String columnType(FieldType type) {
    if (this == REDSHIFT && (type.getTypeName() == Schema.TypeName.STRING || isArray(type))) {
      return "VARCHAR(65535)";
    }
    if (this == REDSHIFT && type.getTypeName() == Schema.TypeName.DECIMAL) {
      // Redshift's bare NUMERIC is NUMERIC(18, 0): it would round every amount to a whole number.
      return "NUMERIC(38, 9)";
    }
    return sqlType(type);
  }

  /** Redshift stores arrays as JSON text. */
  boolean arraysAsJson() {
    return this == REDSHIFT;
  }

  static boolean isArray(FieldType type) {
    return type.getTypeName() == Schema.TypeName.ARRAY || type.getTypeName() == Schema.TypeName.ITERABLE;
  }

  /** Beam's {@code SqlTypes.DATE} ({@code java.time.LocalDate}): an SQL {@code DATE} on both. */
  static boolean isDate(FieldType type) {
    return RowJson.isDate(type);
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
      case LOGICAL_TYPE:
        if (isDate(type)) {
          return "DATE";
        }
        throw new IllegalArgumentException("no SQL type for " + type);
      default:
        throw new IllegalArgumentException("no SQL type for " + type);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
