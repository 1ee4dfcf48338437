package org.pipewright.io.mongodb;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.Field;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.EnumerationType;
import org.apache.beam.sdk.values.Row;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;

/**
 * Schema rows as MongoDB documents, one document per row, every field under its own name.
 *
 * <ul>
 *   <li>{@code _id} is built from the key fields: with one key it is that field's value (so {@code
 *       item_id 42} gives {@code _id: 42}), with several a sub-document of them in key order ({@code
 *       _id: {item_id: 42, date: "2024-01-02"}}): typed and unambiguous, where a joined string
 *       would make {@code "a|b" + "c"} and {@code "a" + "b|c"} one key. The key fields are also kept
 *       as ordinary fields, so queries and indexes need not know the id's shape.
 *   <li>Types: integers stay 32- or 64-bit integers, {@code DOUBLE} a double, {@code FLOAT} the
 *       double of its decimal text ({@code 0.1f} is {@code 0.1}, not {@code 0.10000000149}), {@code
 *       DECIMAL} a {@code Decimal128} (exact; one that needs more than 34 digits is refused rather
 *       than rounded), {@code DATETIME} a BSON date, {@code BYTES} binary, arrays and iterables
 *       lists, maps and nested rows sub-documents; a null is stored as null. The SQL date, time and
 *       datetime logical types become their ISO-8601 text ({@code 2024-01-02}), an enumeration its
 *       name, any other logical type its base type.
 *   <li>Names are kept exactly, non-ASCII included. Names MongoDB would not keep as they are are
 *       refused before anything runs ({@link #checkSchema}): empty names, names with a NUL
 *       character, names starting with {@code $} (operators), and names with a {@code .}: the
 *       upsert sets each field with {@code $set}, where a dot is a path, so a field {@code a.b}
 *       would silently become {@code {a: {b: ...}}}. Map keys follow the same rules, row by row.
 * </ul>
 */
final class RowDocuments {
  static final String ID = "_id";

  private RowDocuments() {}

  /**
   * Refuses a schema whose rows could not be stored under their own names, or keys that cannot
   * make an {@code _id}; the message names the field and what to do.
   */
  static void checkSchema(Schema schema, List<String> keys) {
    checkArgument(!keys.isEmpty(), "at least one key field is needed");
    for (String key : keys) {
      checkArgument(schema.hasField(key), "key '%s' is not a field of %s", key, schema.getFieldNames());
      FieldType type = schema.getField(key).getType();
      TypeName name = type.getTypeName();
      checkArgument(!name.isCollectionType() && !name.isMapType() && name != TypeName.ROW,
          "key '%s' is of type %s: an _id is built from scalar fields only", key, name);
    }
    if (schema.hasField(ID)) {
      checkArgument(keys.equals(List.of(ID)), "the rows have a field '_id' but the keys are %s: the "
          + "document id is built from the keys; rename the field or make it the only key", keys);
      checkArgument(schema.getFieldCount() > 1, "the rows have no field besides '_id': nothing to store");
    }
    for (Field field : schema.getFields()) {
      checkType(field.getName(), field.getName(), field.getType());
    }
  }

  private static void checkType(String path, String name, FieldType type) {
    String problem = nameProblem(name);
    checkArgument(problem == null, "field '%s' %s; rename it (e.g. with Beam's RenameFields) before writing "
        + "to MongoDB", path, problem);
    switch (type.getTypeName()) {
      case ROW:
        for (Field field : type.getRowSchema().getFields()) {
          checkType(path + "." + field.getName(), field.getName(), field.getType());
        }
        break;
      case ARRAY:
      case ITERABLE:
        checkElement(path + "[]", type.getCollectionElementType());
        break;
      case MAP:
        checkArgument(type.getMapKeyType().getTypeName() == TypeName.STRING,
            "field '%s' is a map with %s keys: only string keys can be document field names", path,
            type.getMapKeyType().getTypeName());
        checkElement(path + "{}", type.getMapValueType());
        break;
      default:
        break;
    }
  }

  private static void checkElement(String path, FieldType type) {
    if (type.getTypeName() == TypeName.ROW) {
      for (Field field : type.getRowSchema().getFields()) {
        checkType(path + "." + field.getName(), field.getName(), field.getType());
      }
    } else if (type.getTypeName().isCollectionType()) {
      checkElement(path + "[]", type.getCollectionElementType());
    } else if (type.getTypeName().isMapType()) {
      checkArgument(type.getMapKeyType().getTypeName() == TypeName.STRING,
          "field '%s' is a map with %s keys: only string keys can be document field names", path,
          type.getMapKeyType().getTypeName());
      checkElement(path + "{}", type.getMapValueType());
    }
  }

  /** Why MongoDB would not store {@code name} as it is, or null if it would. */
  static @Nullable String nameProblem(String name) {
    if (name.isEmpty()) {
      return "has an empty name";
    }
    if (name.startsWith("$")) {
      return "starts with '$', which MongoDB reads as an operator";
    }
    if (name.indexOf('.') >= 0) {
      return "contains '.', which a MongoDB update reads as a path into a sub-document (it would be "
          + "stored nested, not under its name)";
    }
    if (name.indexOf('\0') >= 0) {
      return "contains a NUL character, which BSON field names cannot hold";
    }
    return null;
  }

  /**
   * The document for {@code row}: {@code _id} first, then every field in schema order.
   *
   * @throws IllegalArgumentException (the reason for a dead letter) for a null key, a decimal that
   *     does not fit Decimal128, or a map key MongoDB would not keep
   */
  static Document toDocument(Row row, List<String> keys) {
    Schema schema = row.getSchema();
    Document document = new Document(ID, id(row, keys));
    for (int i = 0; i < schema.getFieldCount(); i++) {
      Field field = schema.getField(i);
      if (!field.getName().equals(ID)) {
        document.append(field.getName(), value(field.getName(), field.getType(), row.getValue(i)));
      }
    }
    return document;
  }

  /** The {@code _id}: the key's value, or a sub-document of the keys' values in key order. */
  static Object id(Row row, List<String> keys) {
    if (keys.size() == 1) {
      return keyValue(row, keys.get(0));
    }
    Document id = new Document();
    for (String key : keys) {
      id.append(key, keyValue(row, key));
    }
    return id;
  }

  private static Object keyValue(Row row, String key) {
    Object value = row.getValue(key);
    checkArgument(value != null, "key field '%s' is null: a document needs its whole key", key);
    return value(key, row.getSchema().getField(key).getType(), value);
  }

  /** {@code value} of {@code type} as the driver's codecs store it; {@code path} names it in errors. */
  static @Nullable Object value(String path, FieldType type, @Nullable Object value) {
    if (value == null) {
      return null;
    }
    switch (type.getTypeName()) {
      case BYTE:
        return ((Byte) value).intValue();
      case INT16:
        return ((Short) value).intValue();
      case FLOAT:
        return Double.parseDouble(value.toString());
      case DECIMAL:
        return decimal(path, (BigDecimal) value);
      case DATETIME:
        return new Date(((ReadableInstant) value).getMillis());
      case ARRAY:
      case ITERABLE: {
        FieldType element = type.getCollectionElementType();
        List<Object> list = new ArrayList<>();
        int i = 0;
        for (Object item : (Iterable<?>) value) {
          list.add(value(path + "[" + i++ + "]", element, item));
        }
        return list;
      }
      case MAP: {
        Document document = new Document();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          String key = (String) entry.getKey();
          checkArgument(key != null, "map '%s' has a null key", path);
          String problem = nameProblem(key);
          checkArgument(problem == null, "map '%s' has a key '%s' that %s", path, key, problem);
          document.append(key, value(path + "{" + key + "}", type.getMapValueType(), entry.getValue()));
        }
        return document;
      }
      case ROW: {
        Row nested = (Row) value;
        Document document = new Document();
        for (int i = 0; i < nested.getSchema().getFieldCount(); i++) {
          Field field = nested.getSchema().getField(i);
          document.append(field.getName(),
              value(path + "." + field.getName(), field.getType(), nested.getValue(i)));
        }
        return document;
      }
      case LOGICAL_TYPE:
        return logical(path, type, value);
      default:
        // INT32, INT64, DOUBLE, BOOLEAN, STRING and byte[] are stored as they are
        return value;
    }
  }

  private static Object decimal(String path, BigDecimal value) {
    try {
      return new Decimal128(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("decimal '" + path + "' = " + value.toPlainString()
          + " does not fit MongoDB's Decimal128 (34 digits) without rounding");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static @Nullable Object logical(String path, FieldType type, Object value) {
    // Formatters rather than toString(), which leaves out seconds that are zero
    if (value instanceof LocalDate) {
      return DateTimeFormatter.ISO_LOCAL_DATE.format((LocalDate) value);
    }
    if (value instanceof LocalTime) {
      return DateTimeFormatter.ISO_LOCAL_TIME.format((LocalTime) value);
    }
    if (value instanceof LocalDateTime) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format((LocalDateTime) value);
    }
    Schema.LogicalType logical = type.getLogicalType();
    if (logical instanceof EnumerationType) {
      return ((EnumerationType) logical).toString((EnumerationType.Value) value);
    }
    return value(path, logical.getBaseType(), logical.toBaseType(value));
  }
}
