package org.pipewright.transforms.retail;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.enrich.RateTable;

/**
 * The parsing rules of the retail API answers, without a pipeline ({@link ParseRetailAnswers} runs
 * them). Every refusal is a {@link BadValueException} whose message is the dead-letter reason: a
 * stable code, then {@code ": "} and details where they help ({@code bad_sale_price: 'abc'}).
 *
 * <p>Items (a trending item, or a value-of-the-day answer) become {@link #ITEM} rows:
 *
 * <ul>
 *   <li>{@code itemId}: required ({@code missing_item_id}); a whole number {@code >= 0}, given as
 *       a JSON number or as a string of digits, kept as text ({@code bad_item_id}).
 *       {@code parentItemId}: the same rules, optional.
 *   <li>{@code name}: required, not blank ({@code missing_name}); surrounding white space removed.
 *   <li>{@code salePrice}: required ({@code missing_sale_price}), a number ({@code
 *       bad_sale_price}), not negative ({@code negative_sale_price}). {@code msrp}: optional, a
 *       number ({@code bad_msrp}). Money is a {@code DECIMAL} made from the JSON text (a number,
 *       or a string holding a plain decimal), never through a double; amounts of 10^15 or more
 *       are refused as not plausible.
 *   <li>{@code customerRating} (the API sends a string such as {@code "3.836"}): a {@code DOUBLE},
 *       null when absent, null or blank; text that is not a number, or a negative one, is a dead
 *       letter ({@code bad_customer_rating}), as everywhere else in Pipewright: a value we cannot
 *       read is reported, not silently turned into "no rating".
 *   <li>{@code categoryPath}, {@code brandName}, {@code upc}: optional text; an object or array
 *       there is refused ({@code bad_category_path}, ...).
 * </ul>
 *
 * <p>A rates answer (currencylayer's shape) becomes a {@link RateTable#SCHEMA} row: {@code
 * "success": false} is {@code api_error: <code> <info>}; otherwise {@code "success": true}, a
 * three-letter {@code source}, an optional whole {@code timestamp} and a non-empty {@code quotes}
 * object whose keys are the source followed by a currency ({@code USDEUR}) and whose values are
 * positive numbers are required ({@code malformed_answer}, {@code bad_source}, {@code
 * bad_timestamp}, {@code missing_quotes}, {@code bad_quotes}). Quotes are keyed by the target
 * currency in the row ({@code EUR}).
 */
public final class RetailAnswers {
  /** A clean item: the day of its answer and the item's fields. */
  public static final Schema ITEM =
      Schema.builder()
          .addStringField("date")
          .addStringField("item_id")
          .addNullableField("parent_item_id", FieldType.STRING)
          .addStringField("name")
          .addNullableField("msrp", FieldType.DECIMAL)
          .addDecimalField("sale_price")
          .addNullableField("customer_rating", FieldType.DOUBLE)
          .addNullableField("category_path", FieldType.STRING)
          .addNullableField("brand_name", FieldType.STRING)
          .addNullableField("upc", FieldType.STRING)
          // The answer the item came from: lineage, and the order of two answers of one day.
          .addNullableField("source", FieldType.STRING)
          .build();

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,40}");
  /** Money above this many integer digits is refused ({@link Numbers#isTame} bounds its decimals). */
  private static final int MAX_INTEGER_DIGITS = 15;
  /** How much of a refused value a reason quotes. */
  private static final int QUOTED_CHARS = 64;

  private RetailAnswers() {}

  /**
   * The day of a landed answer: the {@code dt=yyyy-MM-dd} folder of its path (the last one, if
   * there are several). {@code missing_date} without one, {@code bad_date} when it is not a day.
   */
  public static String dateOf(@Nullable String source) {
    String dt = null;
    if (source != null) {
      for (String segment : source.split("[/\\\\]")) {
        if (segment.startsWith("dt=")) {
          dt = segment.substring(3);
        }
      }
    }
    if (dt == null) {
      throw new BadValueException("missing_date: no dt=yyyy-MM-dd folder in the source path");
    }
    RateTable.epochDay(dt);
    return dt;
  }

  /** The {@code items} array of a trends answer; {@code malformed_answer} without one. */
  public static JsonNode trendingItems(JsonNode answer) {
    JsonNode items = answer.get("items");
    if (items == null || !items.isArray()) {
      throw new BadValueException("malformed_answer: no \"items\" array");
    }
    return items;
  }

  /** One item of {@code date} as an {@link #ITEM} row, without a source. */
  public static Row item(String date, JsonNode item) {
    return item(date, null, item);
  }

  /** One item of {@code date}, from the answer {@code source}, as an {@link #ITEM} row. */
  public static Row item(String date, @Nullable String source, JsonNode item) {
    if (!item.isObject()) {
      throw new BadValueException("malformed_item: expected an object, got " + item.getNodeType());
    }
    String itemId = id(item, "itemId", "item_id");
    if (itemId == null) {
      throw new BadValueException("missing_item_id");
    }
    String parentItemId = id(item, "parentItemId", "parent_item_id");
    String name = text(item, "name", "name");
    if (name == null) {
      throw new BadValueException("missing_name");
    }
    BigDecimal salePrice = money(item, "salePrice", "sale_price");
    if (salePrice == null) {
      throw new BadValueException("missing_sale_price");
    }
    if (salePrice.signum() < 0) {
      throw new BadValueException("negative_sale_price: " + salePrice.toPlainString());
    }
    BigDecimal msrp = money(item, "msrp", "msrp");
    Double rating = rating(item.get("customerRating"));
    return Row.withSchema(ITEM).attachValues(
        date, itemId, parentItemId, name, msrp, salePrice, rating,
        text(item, "categoryPath", "category_path"),
        text(item, "brandName", "brand_name"),
        text(item, "upc", "upc"),
        source);
  }

  /** A rates answer of {@code date} as a {@link RateTable#SCHEMA} row. */
  public static Row rates(String date, JsonNode answer) {
    JsonNode success = answer.get("success");
    if (success != null && success.isBoolean() && !success.booleanValue()) {
      JsonNode error = answer.path("error");
      String detail = (error.path("code").asText("") + " " + error.path("info").asText(
          error.path("type").asText(""))).trim();
      throw new BadValueException("api_error: " + (detail.isEmpty() ? "no error details" : quote(detail)));
    }
    if (success == null || !success.isBoolean()) {
      throw new BadValueException("malformed_answer: no \"success\": true");
    }
    JsonNode sourceNode = answer.get("source");
    String source = sourceNode != null && sourceNode.isTextual() ? sourceNode.textValue() : null;
    if (source == null || !CURRENCY.matcher(source).matches()) {
      throw new BadValueException("bad_source: " + shown(sourceNode));
    }
    Long timestamp = null;
    JsonNode ts = answer.get("timestamp");
    if (ts != null && !ts.isNull()) {
      if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.longValue() < 0) {
        throw new BadValueException("bad_timestamp: " + shown(ts));
      }
      timestamp = ts.longValue();
    }
    JsonNode quotesNode = answer.get("quotes");
    if (quotesNode == null || !quotesNode.isObject() || quotesNode.isEmpty()) {
      throw new BadValueException("missing_quotes");
    }
    Map<String, BigDecimal> quotes = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = quotesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> quote = it.next();
      String key = quote.getKey();
      String target = key.length() == 6 && key.startsWith(source) ? key.substring(3) : null;
      if (target == null || !CURRENCY.matcher(target).matches()) {
        throw new BadValueException("bad_quotes: key '" + quote(key) + "' is not " + source + " and a currency");
      }
      JsonNode value = quote.getValue();
      BigDecimal rate = value.isNumber() ? exact(value) : null;
      if (rate == null || rate.signum() <= 0 || !Numbers.isTame(rate)
          || rate.precision() - rate.scale() > MAX_INTEGER_DIGITS) {
        throw new BadValueException("bad_quotes: " + key + " is " + shown(value));
      }
      quotes.put(target, rate);
    }
    return Row.withSchema(RateTable.SCHEMA).attachValues(date, source, timestamp, quotes);
  }

  // ---- values -----------------------------------------------------------------------------

  private static @Nullable String id(JsonNode item, String field, String code) {
    JsonNode node = item.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    String text = null;
    if (node.isIntegralNumber() && node.bigIntegerValue().signum() >= 0) {
      text = node.asText();
    } else if (node.isTextual()) {
      text = Values.trim(node.textValue());
      if (text.isEmpty()) {
        return null;
      }
    }
    if (text == null || !DIGITS.matcher(text).matches()) {
      throw new BadValueException("bad_" + code + ": " + shown(node));
    }
    return text;
  }

  private static @Nullable String text(JsonNode item, String field, String code) {
    JsonNode node = item.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isContainerNode()) {
      throw new BadValueException("bad_" + code + ": expected a value, got " + node.getNodeType());
    }
    return Values.clean(node.asText());
  }

  private static @Nullable BigDecimal money(JsonNode item, String field, String code) {
    JsonNode node = item.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    BigDecimal value = null;
    if (node.isNumber()) {
      value = exact(node);
    } else if (node.isTextual()) {
      String text = Values.clean(node.textValue());
      if (text == null) {
        return null;
      }
      if (Numbers.isPlainDecimal(text) && text.length() <= QUOTED_CHARS) {
        value = new BigDecimal(text);
      }
    }
    if (value == null || !Numbers.isTame(value) || value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
      throw new BadValueException("bad_" + code + ": " + shown(node));
    }
    // 1E+2 has scale -2; money columns want a plain, non-negative scale.
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  private static @Nullable BigDecimal exact(JsonNode number) {
    if (number.isIntegralNumber()) {
      return new BigDecimal(number.bigIntegerValue());
    }
    // The parser keeps decimals as BigDecimal (exact text); a double node could only come from
    // a differently configured mapper, and its shortest text is the closest honest reading.
    return number.isBigDecimal() ? number.decimalValue() : new BigDecimal(number.asText());
  }

  private static @Nullable Double rating(@Nullable JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    Double value = null;
    if (node.isNumber()) {
      value = node.doubleValue();
    } else if (node.isTextual()) {
      String text = Values.clean(node.textValue());
      if (text == null) {
        return null;
      }
      if (Numbers.isPlainDecimal(text) && text.length() <= QUOTED_CHARS) {
        value = Double.parseDouble(text);
      }
    }
    if (value == null || value.isInfinite() || value.isNaN() || value < 0) {
      throw new BadValueException("bad_customer_rating: " + shown(node));
    }
    return value;
  }

  /** A refused value as a reason shows it: text in quotes, others as JSON, both cut short. */
  private static String shown(@Nullable JsonNode node) {
    if (node == null) {
      return "missing";
    }
    return node.isTextual() ? "'" + quote(node.textValue()) + "'" : quote(node.toString());
  }

  private static String quote(String text) {
    return text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "...";
  }
}
