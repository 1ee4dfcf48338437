package org.pipewright.transforms.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;

/**
 * Typed JSON for schema rows: one compact JSON object per row, fields in schema order, nulls as
 * JSON null, {@code DATETIME} as ISO-8601 UTC ({@code 2020-08-28T03:52:47Z}), {@code SqlTypes.DATE}
 * as {@code yyyy-MM-dd}, {@code DECIMAL} as an exact JSON number, arrays as arrays.
 * {@link #toRow} reads the same shape back (and the timestamp forms {@link Timestamps} accepts).
 *
 * <p>Beam's own {@code RowJson} writes timestamps with milliseconds and rejects several of the
 * shapes real clean tables use, hence this small codec.
 */
public final class RowJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private RowJson() {}

  /** Formats {@code row} as one line of JSON. */
  public static String format(Row row) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeRow(gen, row);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Formats one value of {@code type} as JSON, e.g. an array column as {@code [1.5,2.0]}. */
  public static String formatValue(FieldType type, Object value) {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeValue(gen, type, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeRow(JsonGenerator gen, Row row) throws IOException {
    gen.writeStartObject();
    Schema schema = row.getSchema();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      gen.writeFieldName(schema.getField(i).getName());
      writeValue(gen, schema.getField(i).getType(), row.getValue(i));
    }
    gen.writeEndObject();
  }

  private static void writeValue(JsonGenerator gen, FieldType type, Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
      return;
    }
    switch (type.getTypeName()) {
      case STRING:
        gen.writeString((String) value);
        break;
      case BYTE:
      case INT16:
      case INT32:
      case INT64:
        gen.writeNumber(((Number) value).longValue());
        break;
      case FLOAT:
      case DOUBLE:
        gen.writeNumber(((Number) value).doubleValue());
        break;
      case DECIMAL:
        gen.writeNumber((BigDecimal) value);
        break;
      case BOOLEAN:
        gen.writeBoolean((Boolean) value);
        break;
      case DATETIME:
        gen.writeString(Timestamps.format((ReadableInstant) value));
        break;
      case ARRAY:
      case ITERABLE:
        gen.writeStartArray();
        for (Object element : (Iterable<?>) value) {
          writeValue(gen, type.getCollectionElementType(), element);
        }
        gen.writeEndArray();
        break;
      case ROW:
        writeRow(gen, (Row) value);
        break;
      case LOGICAL_TYPE:
        if (value instanceof LocalDate) {
          gen.writeString(DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value));
          break;
        }
        gen.writeString(value.toString());
        break;
      default:
        gen.writeString(value.toString());
    }
  }

  /**
   * Reads a JSON object into a row of {@code schema}; missing fields are null. Throws {@link
   * BadValueException} for a value of the wrong type or a missing required field.
   */
  public static Row toRow(JsonNode object, Schema schema) {
    Object[] values = new Object[schema.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      Schema.Field field = schema.getField(i);
      JsonNode node = object.get(field.getName());
      if (node == null || node.isNull()) {
        if (!field.getType().getNullable()) {
          throw new BadValueException("missing required field '" + field.getName() + "'");
        }
        continue;
      }
      values[i] = readValue(field.getName(), field.getType(), node);
    }
    return Row.withSchema(schema).attachValues(values);
  }

  private static Object readValue(String name, FieldType type, JsonNode node) {
    switch (type.getTypeName()) {
      case STRING:
        if (node.isContainerNode()) {
          throw wrongType(name, "a string", node);
        }
        return node.asText();
      case INT32:
        return Numbers.integer(name, integralText(name, node));
      case INT64:
        return Long.parseLong(integralText(name, node));
      case DOUBLE:
        if (node.isNumber()) {
          double value = node.doubleValue();
          // A JSON number beyond double's range reads as infinity: refuse it rather than store it.
          if (Double.isInfinite(value)) {
            throw new BadValueException("'" + name + "' is too large for a double: " + node.asText());
          }
          return value;
        }
        return Numbers.decimal(name, scalar(name, node), Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
      case BOOLEAN:
        if (!node.isBoolean()) {
          throw wrongType(name, "a boolean", node);
        }
        return node.booleanValue();
      case DATETIME:
        return Timestamps.parseUtc(scalar(name, node));
      case DECIMAL:
        return decimal(name, node);
      case LOGICAL_TYPE:
        if (isDate(type)) {
          return date(name, node);
        }
        throw new IllegalArgumentException("unsupported field type " + type + " for '" + name + "'");
      case ARRAY:
      case ITERABLE:
        if (!node.isArray()) {
          throw wrongType(name, "an array", node);
        }
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          if (element.isNull() && !type.getCollectionElementType().getNullable()) {
            throw new BadValueException("null element in '" + name + "'");
          }
          list.add(element.isNull() ? null : readValue(name, type.getCollectionElementType(), element));
        }
        return list;
      default:
        throw new IllegalArgumentException("unsupported field type " + type + " for '" + name + "'");
    }
  }

  /** Whether {@code type} is Beam's {@code SqlTypes.DATE} (a {@code java.time.LocalDate}). */
  public static boolean isDate(FieldType type) {
    return type.getTypeName() == Schema.TypeName.LOGICAL_TYPE
        && SqlTypes.DATE.getIdentifier().equals(type.getLogicalType().getIdentifier());
  }

  /** A calendar date written as {@code yyyy-MM-dd}, nothing else (no time, no zone). */
  private static LocalDate date(String name, JsonNode node) {
    String text = scalar(name, node);
    try {
      return LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException e) {
      throw new BadValueException("'" + name + "' is not a date (yyyy-MM-dd): " + node);
    }
  }

  /** An exact number, from a JSON number or a numeric string; never through a double. */
  private static BigDecimal decimal(String name, JsonNode node) {
    BigDecimal value;
    if (node.isNumber()) {
      value = node.decimalValue();
    } else {
      try {
        value = new BigDecimal(Values.trim(scalar(name, node)));
      } catch (NumberFormatException e) {
        throw wrongType(name, "a number", node);
      }
    }
    if (!Numbers.isTame(value)) {
      throw new BadValueException("'" + name + "' has more than " + Numbers.MAX_DIGITS + " digits or decimals");
    }
    return value;
  }

  private static String integralText(String name, JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asText();
    }
    String text = Values.trim(scalar(name, node));
    Long value = Numbers.wholeNumber(text);
    if (value == null) {
      throw wrongType(name, "a whole number", node);
    }
    return value.toString();
  }

  private static String scalar(String name, JsonNode node) {
    if (node.isContainerNode()) {
      throw wrongType(name, "a value", node);
    }
    return node.asText();
  }

  private static BadValueException wrongType(String name, String expected, JsonNode node) {
    return new BadValueException(
        "wrong type for '" + name + "': expected " + expected + ", got " + node.getNodeType());
  }
}
