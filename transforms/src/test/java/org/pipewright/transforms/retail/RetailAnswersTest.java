package org.pipewright.transforms.retail;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.enrich.RateTable;

public class RetailAnswersTest {
  static final String ITEM = "{\"itemId\": 55759343, \"parentItemId\": 55759342,"
      + " \"name\": \"RCA Voyager 7\\\" 16GB Tablet\", \"msrp\": 59.99, \"salePrice\": 42.95,"
      + " \"customerRating\": \"3.836\", \"categoryPath\": \"Electronics/Tablets\","
      + " \"brandName\": \"RCA\", \"upc\": \"681131145734\", \"stock\": \"Available\"}";

  private static Row item(String json) {
    return RetailAnswers.item("2017-03-03", RawJson.parseObject(json));
  }

  /** The item above with one field replaced (or removed, for null). */
  private static String with(String field, String jsonValue) {
    ObjectNode node = (ObjectNode) RawJson.parseObject(ITEM);
    if (jsonValue == null) {
      node.remove(field);
    } else {
      node.set(field, RawJson.parseObject("{\"v\": " + jsonValue + "}").get("v"));
    }
    return node.toString();
  }

  private static String refused(String json) {
    return assertThrows(BadValueException.class, () -> item(json)).getMessage();
  }

  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  @Test
  public void aFullItem() {
    assertEquals(Row.withSchema(RetailAnswers.ITEM).addValues("2017-03-03", "55759343", "55759342",
            "RCA Voyager 7\" 16GB Tablet", d("59.99"), d("42.95"), 3.836, "Electronics/Tablets", "RCA",
            "681131145734", null).build(),
        item(ITEM));
  }

  @Test
  public void optionalFieldsMayBeAbsentOrNull() {
    Row r = item("{\"itemId\": 1, \"name\": \"x\", \"salePrice\": 7.20, \"msrp\": null}");
    assertEquals(Row.withSchema(RetailAnswers.ITEM).addValues("2017-03-03", "1", null, "x", null,
        d("7.20"), null, null, null, null, null).build(), r);
    assertNull(item(with("customerRating", "\"  \"")).getDouble("customer_rating"));
  }

  @Test
  public void moneyKeepsTheJsonTextExactly() {
    assertEquals(d("39.0"), item(with("salePrice", "39.0")).getDecimal("sale_price"));
    assertEquals(d("39"), item(with("salePrice", "39")).getDecimal("sale_price"));
    assertEquals(d("0.1000000000000000055511"), item(with("salePrice", "0.1000000000000000055511"))
        .getDecimal("sale_price"));
    assertEquals(d("12.50"), item(with("salePrice", "\" 12.50 \"")).getDecimal("sale_price"));
    assertEquals(d("100"), item(with("msrp", "1E+2")).getDecimal("msrp"));
    assertEquals(d("0"), item(with("salePrice", "0")).getDecimal("sale_price"));
  }

  @Test
  public void idsAreWholeNumbersKeptAsText() {
    assertEquals("007", item(with("itemId", "\"007\"")).getString("item_id"));
    assertEquals("123456789012345678901234567890",
        item(with("itemId", "123456789012345678901234567890")).getString("item_id"));
    assertNull(item(with("parentItemId", null)).getString("parent_item_id"));
  }

  @Test
  public void itemRefusals() {
    assertEquals("missing_item_id", refused(with("itemId", null)));
    assertEquals("missing_item_id", refused(with("itemId", "\"\"")));
    assertEquals("bad_item_id: 12.5", refused(with("itemId", "12.5")));
    assertEquals("bad_item_id: -3", refused(with("itemId", "-3")));
    assertEquals("bad_item_id: 'abc'", refused(with("itemId", "\"abc\"")));
    assertEquals("bad_parent_item_id: true", refused(with("parentItemId", "true")));
    assertEquals("missing_name", refused(with("name", null)));
    assertEquals("missing_name", refused(with("name", "\" \\u00a0\"")));
    assertEquals("bad_name: expected a value, got OBJECT", refused(with("name", "{}")));
    assertEquals("missing_sale_price", refused(with("salePrice", null)));
    assertEquals("missing_sale_price", refused(with("salePrice", "null")));
    assertEquals("bad_sale_price: 'cheap'", refused(with("salePrice", "\"cheap\"")));
    assertEquals("bad_sale_price: '1,299.00'", refused(with("salePrice", "\"1,299.00\"")));
    assertEquals("bad_sale_price: [1]", refused(with("salePrice", "[1]")));
    // Beyond double's range RawJson reads a number as the text Infinity (see RawJson).
    assertEquals("bad_sale_price: 'Infinity'", refused(with("salePrice", "1e999999999")));
    assertEquals("bad_sale_price: 1000000000000000", refused(with("salePrice", "1000000000000000")));
    assertEquals("negative_sale_price: -0.01", refused(with("salePrice", "-0.01")));
    assertEquals("bad_msrp: 'n/a'", refused(with("msrp", "\"n/a\"")));
    // A billion decimals: taking the price from it would run for minutes.
    assertEquals("bad_msrp: '1e-999999999'", refused(with("msrp", "\"1e-999999999\"")));
    assertEquals("bad_msrp: 1E-999999999", refused(with("msrp", "1e-999999999")));
    assertEquals("bad_customer_rating: 'great'", refused(with("customerRating", "\"great\"")));
    assertEquals("bad_customer_rating: '-1'", refused(with("customerRating", "\"-1\"")));
    assertEquals("bad_customer_rating: 'NaN'", refused(with("customerRating", "\"NaN\"")));
    assertEquals("bad_category_path: expected a value, got ARRAY", refused(with("categoryPath", "[]")));
    assertEquals("malformed_item: expected an object, got NUMBER",
        assertThrows(BadValueException.class,
            () -> RetailAnswers.item("2017-03-03", RawJson.parseObject("{\"a\": 5}").get("a"))).getMessage());
  }

  @Test
  public void ratingsAreDoubles() {
    assertEquals(Double.valueOf(4.5), item(with("customerRating", "4.5")).getDouble("customer_rating"));
    assertEquals(Double.valueOf(3.0), item(with("customerRating", "\"3\"")).getDouble("customer_rating"));
  }

  @Test
  public void theDateIsTheDtFolderOfThePath() {
    assertEquals("2017-03-03", RetailAnswers.dateOf("/land/trends/dt=2017-03-03/trends-1.json"));
    assertEquals("2017-03-03", RetailAnswers.dateOf("s3://bucket/land/vod/dt=2017-03-03/vod.json"));
    assertEquals("2017-03-04", RetailAnswers.dateOf("C:\\land\\dt=2017-03-03\\rates\\dt=2017-03-04\\a.json"));
    assertEquals("missing_date: no dt=yyyy-MM-dd folder in the source path",
        assertThrows(BadValueException.class, () -> RetailAnswers.dateOf("/land/trends/a.json")).getMessage());
    assertEquals("missing_date: no dt=yyyy-MM-dd folder in the source path",
        assertThrows(BadValueException.class, () -> RetailAnswers.dateOf(null)).getMessage());
    assertEquals("bad_date: '2017-02-29' is not a yyyy-MM-dd date",
        assertThrows(BadValueException.class, () -> RetailAnswers.dateOf("/l/dt=2017-02-29/a.json")).getMessage());
    assertEquals("bad_date: '' is not a yyyy-MM-dd date",
        assertThrows(BadValueException.class, () -> RetailAnswers.dateOf("/l/dt=/a.json")).getMessage());
  }

  static final String RATES = "{\"success\": true, \"terms\": \"https://currencylayer.com/terms\","
      + " \"timestamp\": 1488585599, \"source\": \"USD\","
      + " \"quotes\": {\"USDEUR\": 0.951044, \"USDGBP\": 0.814301, \"USDUSD\": 1}}";

  private static Row rates(String json) {
    return RetailAnswers.rates("2017-03-03", RawJson.parseObject(json));
  }

  private static String ratesRefused(String json) {
    return assertThrows(BadValueException.class, () -> rates(json)).getMessage();
  }

  @Test
  public void ratesAnswer() {
    assertEquals(RateTable.row("2017-03-03", "USD", 1488585599L,
        Map.of("EUR", d("0.951044"), "GBP", d("0.814301"), "USD", d("1"))), rates(RATES));
    assertNull(rates("{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.9}}")
        .getInt64("timestamp"));
  }

  @Test
  public void ratesRefusals() {
    assertEquals("api_error: 101 You have not supplied a valid API Access Key.", ratesRefused(
        "{\"success\": false, \"error\": {\"code\": 101, \"type\": \"invalid_access_key\","
            + " \"info\": \"You have not supplied a valid API Access Key.\"}}"));
    assertEquals("api_error: 302 invalid_date",
        ratesRefused("{\"success\": false, \"error\": {\"code\": 302, \"type\": \"invalid_date\"}}"));
    assertEquals("api_error: no error details", ratesRefused("{\"success\": false}"));
    assertEquals("malformed_answer: no \"success\": true",
        ratesRefused("{\"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.9}}"));
    assertEquals("bad_source: 'usd'",
        ratesRefused("{\"success\": true, \"source\": \"usd\", \"quotes\": {\"USDEUR\": 0.9}}"));
    assertEquals("bad_source: missing", ratesRefused("{\"success\": true, \"quotes\": {\"USDEUR\": 0.9}}"));
    assertEquals("bad_timestamp: 'today'", ratesRefused(
        "{\"success\": true, \"timestamp\": \"today\", \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.9}}"));
    assertEquals("missing_quotes", ratesRefused("{\"success\": true, \"source\": \"USD\", \"quotes\": {}}"));
    assertEquals("missing_quotes", ratesRefused("{\"success\": true, \"source\": \"USD\"}"));
    assertEquals("bad_quotes: key 'EURUSD' is not USD and a currency", ratesRefused(
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"EURUSD\": 1.05}}"));
    assertEquals("bad_quotes: USDEUR is '0.9'", ratesRefused(
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": \"0.9\"}}"));
    assertEquals("bad_quotes: USDEUR is 0", ratesRefused(
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0}}"));
    assertEquals("bad_quotes: USDEUR is 1E-999999999", ratesRefused(
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 1e-999999999}}"));
  }
}
