package org.pipewright.io.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Loads rows into a PostgreSQL table with {@code COPY ... FROM STDIN} in text format: one stream of
 * tab-separated lines instead of a statement with a parameter per value. Binding ten thousand
 * parameters per statement, and the server parsing and planning each such statement, was most of
 * the streaming job's sink cost; COPY is PostgreSQL's bulk path for both.
 *
 * <p>Only for schemas whose every column has a text form here ({@link #supports}); the others keep
 * multi-row statements.
 */
final class PgCopy {
  private PgCopy() {}

  /** Whether every column of {@code schema} can be written as COPY text. */
  static boolean supports(Schema schema) {
    for (Schema.Field field : schema.getFields()) {
      FieldType type = field.getType();
      if (Dialect.isArray(type)) {
        if (!scalar(type.getCollectionElementType()) || type.getCollectionElementType().getTypeName()
            == Schema.TypeName.DATETIME) {
          return false;
        }
      } else if (!scalar(type)) {
        return false;
      }
    }
    return true;
  }

  private static boolean scalar(FieldType type) {
    switch (type.getTypeName()) {
      case STRING:
      case BYTE:
      case INT16:
      case INT32:
      case INT64:
      case FLOAT:
      case DOUBLE:
      case DECIMAL:
      case BOOLEAN:
      case DATETIME:
        return true;
      case LOGICAL_TYPE:
        return Dialect.isDate(type);
      default:
        return false;
    }
  }

  /** Whether {@code connection} is PostgreSQL's own driver, which has the COPY API. */
  static boolean available(Connection connection) throws SQLException {
    return connection.isWrapperFor(PGConnection.class);
  }

  /** Copies {@code rows} into {@code quotedTable} (columns in the schema's order). */
  static long copy(Connection connection, String quotedTable, Schema schema, Collection<Row> rows)
      throws SQLException {
    byte[] data = text(schema, rows).getBytes(StandardCharsets.UTF_8);
    CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
        "COPY " + quotedTable + " (" + Dialect.columnList(schema) + ") FROM STDIN");
    try {
      in.writeToCopy(data, 0, data.length);
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /** The COPY text of {@code rows}: a line per row, tab between columns, {@code \N} for null. */
  static String text(Schema schema, Collection<Row> rows) {
    int fields = schema.getFieldCount();
    StringBuilder out = new StringBuilder(rows.size() * 32 * fields);
    for (Row row : rows) {
      for (int i = 0; i < fields; i++) {
        if (i > 0) {
          out.append('\t');
        }
        Object value = row.getValue(i);
        if (value == null) {
          out.append("\\N");
        } else {
          FieldType type = schema.getField(i).getType();
          if (Dialect.isArray(type)) {
            array(out, type.getCollectionElementType(), (Iterable<?>) value);
          } else if (type.getTypeName() == Schema.TypeName.STRING) {
            escaped(out, JdbcWriter.storable((String) value));
          } else {
            scalar(out, type, value);
          }
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void scalar(StringBuilder out, FieldType type, Object value) {
    switch (type.getTypeName()) {
      case DATETIME:
        // ISO 8601 in UTC: what a TIMESTAMP WITH TIME ZONE column reads back as the same instant.
        out.append(Instant.ofEpochMilli(((ReadableInstant) value).getMillis()));
        break;
      case DECIMAL:
        out.append(((BigDecimal) value).toPlainString());
        break;
      default:
        // numbers, booleans (true/false) and dates (yyyy-MM-dd) print as PostgreSQL reads them
        out.append(value);
    }
  }

  /** An array literal ({@code {1.5,2}}, strings quoted) with the COPY escapes applied to it. */
  private static void array(StringBuilder out, FieldType element, Iterable<?> values) {
    StringBuilder literal = new StringBuilder("{");
    boolean first = true;
    for (Object v : values) {
      if (!first) {
        literal.append(',');
      }
      first = false;
      if (v == null) {
        literal.append("NULL");
      } else if (element.getTypeName() == Schema.TypeName.STRING) {
        literal.append('"');
        String s = JdbcWriter.storable((String) v);
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (c == '"' || c == '\\') {
            literal.append('\\');
          }
          literal.append(c);
        }
        literal.append('"');
      } else {
        scalar(literal, element, v);
      }
    }
    escaped(out, literal.append('}'));
  }

  /** COPY text escapes: backslash, and the characters that end a column or a line. */
  private static void escaped(StringBuilder out, CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\':
          out.append("\\\\");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        default:
          out.append(c);
      }
    }
  }
}
