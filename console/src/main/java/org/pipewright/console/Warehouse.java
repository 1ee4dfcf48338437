package org.pipewright.console;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipewright.io.jdbc.JdbcConnection;

/**
 * Read-only access to the warehouse. Every request opens its own connection, set read-only both in
 * the driver and in the session, so the console cannot write even if a query tried to; a database
 * that went away and came back needs no restart. Failures to connect become {@link Unavailable},
 * whose message names the server and gives the driver's reason (never the password).
 */
final class Warehouse {
  private final JdbcConnection connection;

  Warehouse(JdbcConnection connection) {
    this.connection = connection;
  }

  /** The database cannot be reached: shown as HTTP 503. */
  static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  /** A query's result: its columns in order and its rows, values as JSON-friendly Java objects. */
  static final class Table {
    final List<String> columns;
    final List<Map<String, Object>> rows;

    Table(List<String> columns, List<Map<String, Object>> rows) {
      this.columns = columns;
      this.rows = rows;
    }
  }

  /** What the URL names, for messages. */
  String describe() {
    return connection.describe();
  }

  /** Work done on one read-only connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Session session) throws SQLException;
  }

  <T> T read(Work<T> work) {
    Connection c;
    try {
      c = connection.open();
    } catch (SQLException e) {
      throw new Unavailable(cannotOpen(e));
    }
    try (c) {
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
      }
      return work.run(new Session(c));
    } catch (SQLException e) {
      if (isConnectionLost(e)) {
        throw new Unavailable("The connection to the database at " + connection.describe() + " was lost (SQL state "
            + e.getSQLState() + "): " + said(e));
      }
      throw new IllegalStateException("query failed (SQL state " + e.getSQLState() + "): " + e.getMessage(), e);
    }
  }

  static boolean isConnectionLost(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  /**
   * Why no connection opened. The SQL state alone would call a missing database (3D000) or a missing
   * password (08004) "unreachable", so the driver's own words follow it; they name the server or the
   * database, never the password.
   */
  private String cannotOpen(SQLException e) {
    String state = e.getSQLState();
    String at = "The database at " + connection.describe();
    if (state != null && state.startsWith("28")) {
      return at + " refused the login (SQL state " + state + "): " + said(e) + " Check the console's user and password.";
    }
    if ("08001".equals(state) || "08006".equals(state)) {
      return at + " cannot be reached (SQL state " + state + "): " + said(e);
    }
    return "Cannot connect to the database at " + connection.describe() + " (SQL state " + state + "): " + said(e);
  }

  /**
   * The driver's message as one sentence: its first line (PostgreSQL adds detail and position lines),
   * without the "cannot connect to URL" that {@link JdbcConnection#open} puts before it.
   */
  static String said(SQLException e) {
    Throwable driver = e.getCause() instanceof SQLException ? e.getCause() : e;
    String message = driver.getMessage() == null ? driver.toString() : driver.getMessage().strip();
    int newline = message.indexOf('\n');
    message = (newline < 0 ? message : message.substring(0, newline)).strip();
    return message.endsWith(".") ? message : message + ".";
  }

  /** One read-only connection. */
  static final class Session {
    private final Connection connection;

    Session(Connection connection) {
      this.connection = connection;
    }

    /** Whether {@code table} exists (in the search path). */
    boolean exists(String table) throws SQLException {
      try (PreparedStatement s = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
        s.setString(1, quote(table));
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getBoolean(1);
        }
      }
    }

    /** The columns of {@code table}, in table order. */
    List<String> columns(String table) throws SQLException {
      Table t = query("SELECT * FROM " + quote(table) + " WHERE false");
      return t.columns;
    }

    Table query(String sql, Object... params) throws SQLException {
      try (PreparedStatement s = connection.prepareStatement(sql)) {
        for (int i = 0; i < params.length; i++) {
          s.setObject(i + 1, params[i]);
        }
        try (ResultSet r = s.executeQuery()) {
          ResultSetMetaData meta = r.getMetaData();
          List<String> columns = new ArrayList<>();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
          }
          List<Map<String, Object>> rows = new ArrayList<>();
          while (r.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns.size(); i++) {
              Object v = r.getObject(i);
              // TIMESTAMP columns hold UTC wall-clock times; TIMESTAMPTZ ones are instants
              if (v instanceof Timestamp && meta.getColumnTypeName(i).equalsIgnoreCase("timestamptz")) {
                v = ((Timestamp) v).toInstant().toString();
              }
              row.put(columns.get(i - 1), value(v));
            }
            rows.add(row);
          }
          return new Table(columns, rows);
        }
      }
    }

    long count(String sql, Object... params) throws SQLException {
      Table t = query(sql, params);
      return ((Number) t.rows.get(0).values().iterator().next()).longValue();
    }
  }

  /** Timestamps as ISO-8601 UTC (the pipelines write UTC), numbers as numbers, the rest as text. */
  static Object value(Object v) {
    if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short
        || v instanceof Double || v instanceof Float || v instanceof String) {
      return v;
    }
    if (v instanceof BigDecimal) {
      // 10.500 as 10.5 and 10 (not 1E+1): the value, not the column's scale
      BigDecimal d = ((BigDecimal) v).stripTrailingZeros();
      return d.scale() < 0 ? d.setScale(0) : d;
    }
    if (v instanceof Timestamp) {
      return ((Timestamp) v).toLocalDateTime().atOffset(ZoneOffset.UTC).toInstant().toString();
    }
    return v.toString();
  }

  /** A double-quoted SQL identifier. */
  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
