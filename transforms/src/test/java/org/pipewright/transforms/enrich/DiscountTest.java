package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

public class DiscountTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema ITEM = Schema.builder()
      .addStringField("item_id")
      .addNullableField("msrp", FieldType.DECIMAL)
      .addNullableField("sale_price", FieldType.DECIMAL)
      .build();
  private static final Schema OUT = Schema.builder().addFields(ITEM.getFields())
      .addNullableField("discount", FieldType.DECIMAL).build();

  private static BigDecimal d(String text) {
    return text == null ? null : new BigDecimal(text);
  }

  private static Row item(String id, String msrp, String price) {
    return Row.withSchema(ITEM).addValues(id, d(msrp), d(price)).build();
  }

  private static Row discounted(Row item, String discount) {
    return Row.withSchema(OUT).addValues(item.getString(0), item.getDecimal(1), item.getDecimal(2),
        d(discount)).build();
  }

  @Test
  public void rules() {
    assertEquals(d("28.404734"), Discount.discount(d("59.99"), d("42.95")));
    assertNull(Discount.discount(null, d("1")));
    assertNull(Discount.discount(d("0"), d("1")));
    assertNull(Discount.discount(d("-1"), d("1")));
    assertEquals(d("-25.000000"), Discount.discount(d("40"), d("50")));
    assertEquals("missing_sale_price",
        assertThrows(BadValueException.class, () -> Discount.discount(d("1"), null)).getMessage());
    assertEquals("negative_sale_price: -0.01",
        assertThrows(BadValueException.class, () -> Discount.discount(d("1"), d("-0.01"))).getMessage());
    // A list price so small that the percentage has more digits than any sink stores.
    assertEquals("too_large: -99999999999999999999999999999900.000000 has more than 29 digits before the point",
        assertThrows(BadValueException.class, () -> Discount.discount(d("1e-30"), d("1"))).getMessage());
    // 29 digits are kept: (1e-27 - 1) * 100 / 1e-27.
    assertEquals(d("-99999999999999999999999999900.000000"), Discount.discount(d("1e-27"), d("1")));
    // A missing or negative price is refused even without a list price.
    assertThrows(BadValueException.class, () -> Discount.discount(null, d("-1")));
  }

  @Test
  public void addsTheDiscountAndRefusesBadPrices() {
    Row reference = item("1", "59.99", "42.95");
    Row noMsrp = item("2", null, "10");
    Row zeroMsrp = item("3", "0", "10");
    Row negativeMsrp = item("4", "-5", "10");
    Row markUp = item("5", "40", "50");
    Row free = item("6", "19.99", "0");
    Row noPrice = item("7", "10", null);
    Row negativePrice = item("8", "10", "-1.50");

    CleanResult result = pipeline
        .apply(Create.of(reference, noMsrp, zeroMsrp, negativeMsrp, markUp, free, noPrice, negativePrice))
        .setRowSchema(ITEM)
        .apply(Discount.create().withKind("trends"));

    PAssert.that(result.output()).containsInAnyOrder(
        discounted(reference, "28.404734"),
        discounted(noMsrp, null),
        discounted(zeroMsrp, null),
        discounted(negativeMsrp, null),
        discounted(markUp, "-25.000000"),
        discounted(free, "100.000000"));
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        DeadLetter.of("trends", "Discount", "missing_sale_price", null, RowJson.format(noPrice)),
        DeadLetter.of("trends", "Discount", "negative_sale_price: -1.50", null, RowJson.format(negativePrice)));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void fieldNamesAreConfigurable() {
    Schema prices = Schema.builder().addDecimalField("list").addDecimalField("paid").build();
    Schema out = Schema.builder().addFields(prices.getFields())
        .addNullableField("off", FieldType.DECIMAL).build();
    PCollection<Row> rows = pipeline
        .apply(Create.of(Row.withSchema(prices).addValues(d("3"), d("2")).build()))
        .setRowSchema(prices)
        .apply(Discount.create().withMsrpField("list").withPriceField("paid").withOutputField("off"))
        .output();
    PAssert.that(rows).containsInAnyOrder(Row.withSchema(out).addValues(d("3"), d("2"), d("33.333333")).build());
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void fieldsAreCheckedWhenApplied() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<Row> items = p.apply(Create.of(item("1", "1", "1"))).setRowSchema(ITEM);
    assertThrows(IllegalArgumentException.class, () -> items.apply("a", Discount.create().withMsrpField("list")));
    assertThrows(IllegalArgumentException.class, () -> items.apply("b", Discount.create().withPriceField("item_id")));
    assertThrows(IllegalArgumentException.class, () -> items.apply("c", Discount.create().withOutputField("msrp")));
  }
}
