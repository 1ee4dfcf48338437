package org.pipewright.io.jdbc;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for table and column names that end up in SQL text: a plain identifier {@code
 * [A-Za-z_][A-Za-z0-9_]*} of at most {@value #MAX_LENGTH} characters (PostgreSQL's limit; Redshift
 * allows 127, so the stricter one serves both), and for tables optionally {@code schema.table}.
 * Names are checked where they are configured and quoted wherever SQL is built, so neither a
 * hostile name ({@code x; DROP TABLE y; --}) nor a reserved word ({@code user}, {@code order}) can
 * change a statement.
 *
 * <p><b>Case.</b> Table (and schema) names are folded to lower case before quoting, which is what
 * PostgreSQL and Redshift do with unquoted names: {@code Shop_Orders} and {@code shop_orders} are
 * the same table, as they were when these names were written unquoted. Column names come from Beam
 * schemas, whose field names are case-sensitive, and are quoted as spelled.
 */
public final class SqlIdentifiers {
  /** Longest identifier PostgreSQL keeps (NAMEDATALEN - 1); longer ones it silently truncates. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SqlIdentifiers() {}

  /** Whether {@code name} is a plain identifier of at most {@value #MAX_LENGTH} characters. */
  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && IDENTIFIER.matcher(name).matches();
  }

  /**
   * Returns {@code name} if it is a plain identifier; otherwise fails with one line that says what
   * {@code what} must be, e.g. {@code checkIdentifier("column", "a b")}.
   */
  public static String checkIdentifier(String what, String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(what + " must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most "
          + MAX_LENGTH + " characters), got '" + name + "'");
    }
    return name;
  }

  /** Returns {@code name} if it is {@code table} or {@code schema.table}, both plain identifiers. */
  public static String checkTable(String name) {
    String[] parts = name == null ? new String[] {null} : name.split("\\.", -1);
    if (parts.length > 2 || !isValid(parts[0]) || (parts.length == 2 && !isValid(parts[1]))) {
      throw new IllegalArgumentException("table must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most "
          + MAX_LENGTH + " characters), optionally schema.table, got '" + name + "'");
    }
    return name;
  }

  /** {@code "name"}, checked; the name's case is kept (column names). */
  public static String quote(String name) {
    return "\"" + checkIdentifier("SQL identifier", name) + "\"";
  }

  /** {@code "schema"."table"} or {@code "table"}, checked and folded to lower case. */
  public static String quoteTable(String name) {
    String[] parts = checkTable(name).toLowerCase(Locale.ROOT).split("\\.");
    return parts.length == 1 ? "\"" + parts[0] + "\"" : "\"" + parts[0] + "\".\"" + parts[1] + "\"";
  }
}
