package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;

public class MoneyTest {
  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  @Test
  public void convertRoundsHalfUpAtTheSeventhDecimal() {
    assertEquals(d("0.000001"), Money.convert(d("1"), d("0.0000005")));
    assertEquals(d("0.000000"), Money.convert(d("1"), d("0.00000049999")));
    assertEquals(d("0.123457"), Money.convert(d("0.1234565"), d("1")));
    // Half up is away from zero for negative amounts too.
    assertEquals(d("-0.000001"), Money.convert(d("-1"), d("0.0000005")));
  }

  @Test
  public void convertHasNoFloatingPointDrift() {
    // As a double, 2.6750005 is 2.67500049999..., which rounds down to 2.675000.
    assertEquals(new BigDecimal("2.675000"),
        new BigDecimal(2.6750005).setScale(6, RoundingMode.HALF_UP));
    assertEquals(d("2.675001"), Money.convert(d("2.6750005"), d("1")));
    assertEquals(d("0.300000"), Money.convert(d("0.1"), d("3")));
    // Values of the reference data: 9.99 USD on 2017-03-03.
    assertEquals(d("666.922440"), Money.convert(d("9.99"), d("66.759003")));
    assertEquals(d("9.500930"), Money.convert(d("9.99"), d("0.951044")));
    assertEquals(d("1142.036830"), Money.convert(d("9.99"), d("114.318001")));
  }

  @Test
  public void aConversionTooLargeForAnySinkIsRefused() {
    // 15 integer digits each (the most an amount or a rate may have): 30 in the product.
    BadValueException e = assertThrows(BadValueException.class,
        () -> Money.convert(d("999999999999999"), d("999999999999999")));
    assertEquals("too_large: 999999999999998000000000000001.000000 has more than 29 digits before the point",
        e.getMessage());
    assertEquals(d("99999999999999900000000000000.000000"), Money.convert(d("999999999999999"), d("100000000000000")));
  }

  @Test
  public void discountOfTheReferenceRow() {
    assertEquals(d("28.404734"), Money.discountPercent(d("59.99"), d("42.95")));
    assertEquals(d("1.300650"), Money.discountPercent(d("39.98"), d("39.46")));
  }

  @Test
  public void discountRoundsOnceFromTheExactQuotient() {
    assertEquals(d("33.333333"), Money.discountPercent(d("3"), d("2")));
    assertEquals(d("66.666667"), Money.discountPercent(d("3"), d("1")));
    // 0.000001 * 100 / 200 = 0.0000005 exactly: half up.
    assertEquals(d("0.000001"), Money.discountPercent(d("200"), d("199.999999")));
    assertEquals(d("100.000000"), Money.discountPercent(d("19.99"), d("0")));
    assertEquals(d("0.000000"), Money.discountPercent(d("19.99"), d("19.99")));
  }

  @Test
  public void discountWithoutAUsableListPriceIsNull() {
    assertNull(Money.discountPercent(null, d("1")));
    assertNull(Money.discountPercent(d("0"), d("1")));
    assertNull(Money.discountPercent(d("0.00"), d("1")));
    assertNull(Money.discountPercent(d("-5"), d("1")));
  }

  @Test
  public void priceAboveListPriceIsANegativeDiscount() {
    assertEquals(d("-25.000000"), Money.discountPercent(d("40"), d("50")));
  }
}
