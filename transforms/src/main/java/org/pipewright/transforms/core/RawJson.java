package org.pipewright.transforms.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * Decodes a JSON object into a raw {@link Row} whose fields are all nullable strings.
 *
 * <p>Scalars keep their JSON text ({@code 43}, {@code true}, {@code "43k"} all become strings), so
 * typing rules live in one place, the cleaner. Objects and arrays where a scalar is expected are a
 * {@link BadValueException}. Fields the schema does not name are ignored.
 *
 * <p>Hostile input is refused, never guessed at: a key given twice (which value would be the
 * record's?), nesting deeper than {@value #MAX_NESTING_DEPTH} levels (Jackson's limit, checked
 * while parsing, so no stack overflow), a number longer than Jackson's default 1,000 characters,
 * and anything after the object. Floating-point numbers keep their exact text (they are read as
 * {@code BigDecimal}: {@code -2.50} stays {@code -2.50}, {@code 1E-400} does not become 0), except
 * one beyond double's range, which Jackson reads as {@code Infinity}, text every number rule of
 * {@link Numbers} refuses.
 */
public final class RawJson {
  /** Real records are a few levels deep; Jackson's own default (1,000) is stated here on purpose. */
  static final int MAX_NESTING_DEPTH = 1000;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private RawJson() {}

  /** Parses {@code payload}; throws {@link BadValueException} for anything but one JSON object. */
  public static JsonNode parseObject(String payload) {
    JsonNode node;
    try {
      node = MAPPER.readTree(payload);
    } catch (StreamConstraintsException e) {
      throw new BadValueException("JSON exceeds a safety limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new BadValueException("unparseable JSON: " + e.getOriginalMessage());
    } catch (NumberFormatException e) {
      // Defensive: a number Jackson lets through to BigDecimal that BigDecimal then refuses.
      throw new BadValueException("unparseable JSON: unreadable number (" + e.getMessage() + ")");
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
