package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.joda.time.Instant;
import org.pipewright.testing.LocalPostgres;
import org.pipewright.transforms.core.Timestamps;

/** Reads the warehouse tables back as JSON text, in the format the batch job writes its files. */
final class Warehouse {
  private final LocalPostgres postgres;

  Warehouse(LocalPostgres postgres) {
    this.postgres = postgres;
  }

  long count(String sql) throws SQLException {
    try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return -1; // the table is not there yet
      }
      throw e;
    }
  }

  /** Every row of {@code table} as one JSON object per row, sorted. */
  List<String> rows(String table) throws SQLException {
    return rows("SELECT * FROM " + table, List.of());
  }

  /** The rows of {@code sql} as JSON text, sorted; {@code except} columns are left out. */
  List<String> rows(String sql, List<String> except) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData meta = r.getMetaData();
      while (r.next()) {
        ObjectNode row = Outputs.JSON.createObjectNode();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          if (!except.contains(meta.getColumnName(i))) {
            row.set(meta.getColumnName(i), json(r.getObject(i)));
          }
        }
        rows.add(canonical(row));
      }
    }
    rows.sort(null);
    return rows;
  }

  /** The ids of the runs recorded in {@value RunLog#TABLE}. */
  Set<String> runIds() throws SQLException {
    Set<String> ids = new HashSet<>();
    if (count("SELECT COUNT(*) FROM " + RunLog.TABLE) >= 0) {
      for (String row : rows("SELECT run_id FROM " + RunLog.TABLE, List.of())) {
        ids.add(Outputs.parse(row).get("run_id").asText());
      }
    }
    return ids;
  }

  /** The one run recorded since {@code before} was taken by {@link #runIds}. */
  JsonNode newRun(Set<String> before) throws SQLException {
    List<JsonNode> added = new ArrayList<>();
    for (String row : rows(RunLog.TABLE)) {
      JsonNode run = Outputs.parse(row);
      if (!before.contains(run.get("run_id").asText())) {
        added.add(run);
      }
    }
    if (added.size() != 1) {
      throw new AssertionError("expected one new run, got " + added);
    }
    return added.get(0);
  }

  /** The newest safe time the named pipeline saved, or null. */
  Instant safeTime(String name) throws SQLException {
    try (Connection c = postgres.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT safe_time FROM pipewright_checkpoint WHERE name = '" + name + "'")) {
      return r.next() ? new Instant(r.getTimestamp(1).getTime()) : null;
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  Map<String, List<String>> snapshot(List<String> tables) throws SQLException {
    Map<String, List<String>> all = new TreeMap<>();
    for (String table : tables) {
      all.put(table, rows(table));
    }
    return all;
  }

  private static JsonNode json(Object value) throws SQLException {
    if (value == null) {
      return Outputs.JSON.nullNode();
    }
    if (value instanceof java.sql.Date) {
      return Outputs.JSON.getNodeFactory().textNode(((java.sql.Date) value).toLocalDate().toString());
    }
    if (value instanceof Timestamp) {
      return Outputs.JSON.getNodeFactory().textNode(Timestamps.format(new Instant(((Timestamp) value).getTime())));
    }
    if (value instanceof Array) {
      ArrayNode array = Outputs.JSON.createArrayNode();
      for (Object element : (Object[]) ((Array) value).getArray()) {
        array.add(json(element));
      }
      return array;
    }
    return Outputs.JSON.valueToTree(value);
  }

  /**
   * Rows as sorted JSON text, each number as its exact decimal value, so that a file's {@code 0.5}
   * and a NUMERIC column's {@code 0.50} or a DOUBLE's {@code 0.5} compare equal.
   */
  static List<String> numbersAsDecimals(List<JsonNode> rows) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : rows) {
      ObjectNode copy = row.deepCopy();
      row.fields().forEachRemaining(f -> {
        if (f.getValue().isNumber()) {
          copy.put(f.getKey(), f.getValue().decimalValue().stripTrailingZeros().toPlainString());
        }
      });
      out.add(canonical(copy));
    }
    out.sort(null);
    return out;
  }

  /** JSON text with numbers parsed the same way whatever produced them. */
  static String canonical(JsonNode node) {
    try {
      return Outputs.JSON.writeValueAsString(Outputs.JSON.readTree(Outputs.JSON.writeValueAsString(node)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
