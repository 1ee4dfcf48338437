package org.pipewright.transforms.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Decodes a JSON object into a raw {@link Row} whose fields are all nullable strings.
 *
 * <p>Scalars keep their JSON text ({@code 43}, {@code true}, {@code "43k"} all become strings), so
 * typing rules live in one place, the cleaner. Objects and arrays where a scalar is expected are a
 * {@link BadValueException}. Fields the schema does not name are ignored.
 */
public final class RawJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private RawJson() {}

  /** Parses {@code payload}; throws {@link BadValueException} for anything but one JSON object. */
  public static JsonNode parseObject(String payload) {
    JsonNode node;
    try {
      node = MAPPER.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new BadValueException("unparseable JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new BadValueException(
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  /** Maps the fields of {@code object} onto {@code rawSchema}, honouring {@code aliases}. */
  public static Row toRow(JsonNode object, Schema rawSchema, Map<String, String> aliases) {
    Object[] values = new Object[rawSchema.getFieldCount()];
    for (int i = 0; i < values.length; i++) {
      String name = rawSchema.getField(i).getName();
      values[i] = scalarText(name, object.get(name));
    }
    for (Map.Entry<String, String> alias : aliases.entrySet()) {
      int target = rawSchema.indexOf(alias.getValue());
      if (values[target] == null) {
        values[target] = scalarText(alias.getKey(), object.get(alias.getKey()));
      }
    }
    return Row.withSchema(rawSchema).attachValues(values);
  }

  private static String scalarText(String field, JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isContainerNode()) {
      throw new BadValueException(
          "wrong type for '" + field + "': expected a value, got " + value.getNodeType());
    }
    return value.asText();
  }
}
