package org.pipewright.examples.orders;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.RawRowCleaner;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.Values;

/**
 * The rules for one order, as plain Java: {@code CleanRecords} runs them and turns every {@link
 * BadValueException} into a dead letter with its reason, so a rule only has to say what is wrong.
 */
public final class OrderCleaner extends RawRowCleaner {
  private static final long serialVersionUID = 1L;

  /** The feed as it arrives: every field an optional string (RawRowCleaner maps JSON onto it). */
  static final Schema RAW =
      Schema.builder()
          .addNullableField("order_id", FieldType.STRING)
          .addNullableField("customer", FieldType.STRING)
          .addNullableField("amount", FieldType.STRING)
          .addNullableField("currency", FieldType.STRING)
          .addNullableField("ordered_at", FieldType.STRING)
          .build();

  /** A clean order: typed, trimmed; amounts exact with two decimals. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("order_id")
          .addNullableField("customer", FieldType.STRING)
          .addDecimalField("amount")
          .addNullableField("currency", FieldType.STRING)
          .addLogicalTypeField("order_date", SqlTypes.DATE)
          .build();

  // Besides ISO dates and timestamps, the feed has these two. No dd/MM/uuuu: next to a US-style
  // MM/dd/uuuu, 03/04/2026 would be a guess, and a guess is worse than a dead letter.
  private static final DateTimeFormatter[] OTHER_DATE_FORMATS = {
    DateTimeFormatter.ofPattern("dd.MM.uuuu").withResolverStyle(ResolverStyle.STRICT),
    DateTimeFormatter.ofPattern("uuuu/MM/dd").withResolverStyle(ResolverStyle.STRICT),
  };

  @Override
  public String kind() {
    return "order";
  }

  @Override
  public Schema rawSchema() {
    return RAW;
  }

  @Override
  public Schema cleanSchema() {
    return SCHEMA;
  }

  @Override
  public Row cleanRaw(Row raw) {
    // Values.clean trims (Unicode spaces too) and turns "", "null" and "NULL" into null.
    String orderId = Values.clean(raw.getString("order_id"));
    if (orderId == null) {
      throw new BadValueException("missing order_id");
    }
    BigDecimal amount = Numbers.decimalAmount("amount", Values.clean(raw.getString("amount")));
    if (amount == null) {
      throw new BadValueException("missing amount");
    }
    if (amount.scale() > 2) {
      throw new BadValueException("amount with more than 2 decimals: " + amount.toPlainString());
    }
    LocalDate orderDate = Timestamps.parseDate(Values.clean(raw.getString("ordered_at")), OTHER_DATE_FORMATS);
    if (orderDate == null) {
      throw new BadValueException("missing ordered_at");
    }
    return Row.withSchema(SCHEMA)
        .addValues(
            orderId,
            Values.clean(raw.getString("customer")),
            amount.setScale(2), // "80" and "80.00" are the same amount: one scale, so equal rows
            currency(Values.clean(raw.getString("currency"))),
            orderDate)
        .build();
  }

  /** Upper-case ISO 4217 shape; a missing currency stays null (a quality check reports it). */
  private static String currency(String text) {
    if (text == null) {
      return null;
    }
    String code = text.toUpperCase(Locale.ROOT);
    if (!code.matches("[A-Z]{3}")) {
      throw new BadValueException("not a currency code: '" + text + "'");
    }
    return code;
  }
}
