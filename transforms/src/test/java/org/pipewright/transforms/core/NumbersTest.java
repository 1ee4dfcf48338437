package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

public class NumbersTest {

  @Test
  public void id() {
    assertEquals(7528L, Numbers.id("ind", "7528"));
    assertEquals(0L, Numbers.id("ind", "0"));
    assertEquals(12L, Numbers.id("ind", " 12 "));
  }

  @Test
  public void missingId() {
    BadValueException e = assertThrows(BadValueException.class, () -> Numbers.id("ind", null));
    assertEquals("missing id 'ind'", e.getMessage());
  }

  @Test
  public void nonNumericId() {
    BadValueException e = assertThrows(BadValueException.class, () -> Numbers.id("index", "abc"));
    assertThat(e.getMessage(), containsString("'index'"));
    assertThat(e.getMessage(), containsString("'abc'"));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", ""));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", "1.5"));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", "-1"));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", "-"));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", "1-2"));
    assertThrows(BadValueException.class, () -> Numbers.id("ind", "1234567890123456789"));
  }

  @Test
  public void integer() {
    assertNull(Numbers.integer("age", null));
    assertEquals(Integer.valueOf(42), Numbers.integer("age", "42"));
    assertEquals(Integer.valueOf(42), Numbers.integer("age", " 42 "));
    assertEquals(Integer.valueOf(-3), Numbers.integer("age", "-3"));
    assertEquals(Integer.valueOf(Integer.MAX_VALUE), Numbers.integer("age", "2147483647"));
  }

  @Test
  public void badInteger() {
    BadValueException e = assertThrows(BadValueException.class, () -> Numbers.integer("age", "abc"));
    assertThat(e.getMessage(), containsString("'age'"));
    assertThat(e.getMessage(), containsString("'abc'"));
    assertThrows(BadValueException.class, () -> Numbers.integer("age", "2147483648"));
    assertThrows(BadValueException.class, () -> Numbers.integer("age", "4.5"));
    assertThrows(BadValueException.class, () -> Numbers.integer("age", ""));
  }

  @Test
  public void decimal() {
    assertNull(Numbers.decimal("latitude", null, -90, 90));
    assertEquals(45.5, Numbers.decimal("latitude", "45.5", -90, 90), 0.0);
    assertEquals(-89.9787, Numbers.decimal("latitude", " -89.9787 ", -90, 90), 0.0);
    assertEquals(-90.0, Numbers.decimal("latitude", "-90", -90, 90), 0.0);
    assertEquals(90.0, Numbers.decimal("latitude", "90", -90, 90), 0.0);
  }

  @Test
  public void nonNumericDecimal() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> Numbers.decimal("latitude", "north", -90, 90));
    assertThat(e.getMessage(), containsString("'latitude'"));
    assertThat(e.getMessage(), containsString("'north'"));
  }

  @Test
  public void decimalOutOfRange() {
    BadValueException e =
        assertThrows(BadValueException.class, () -> Numbers.decimal("latitude", "95", -90, 90));
    assertThat(e.getMessage(), containsString("latitude"));
    assertThat(e.getMessage(), containsString("95"));
    assertThrows(BadValueException.class, () -> Numbers.decimal("latitude", "-90.0001", -90, 90));
    assertThrows(BadValueException.class, () -> Numbers.decimal("latitude", "NaN", -90, 90));
    assertThrows(BadValueException.class, () -> Numbers.decimal("latitude", "Infinity", -90, 90));
  }

  @Test
  public void idIsTrimmedLikeEveryOtherValue() {
    assertEquals(7528L, Numbers.id("ind", "7528\u00a0"));
    assertEquals(7528L, Numbers.id("ind", " 7528 "));
  }

  @Test
  public void decimalAmountAcceptsThousandsSeparatorsAndKeepsTheScale() {
    assertNull(Numbers.decimalAmount("amount", null));
    assertEquals(new java.math.BigDecimal("12.50"), Numbers.decimalAmount("amount", "12.50"));
    assertEquals(new java.math.BigDecimal("1299.00"), Numbers.decimalAmount("amount", " 1,299.00 "));
    assertEquals(new java.math.BigDecimal("2500000"), Numbers.decimalAmount("amount", "2,500,000"));
    assertEquals(new java.math.BigDecimal("-3"), Numbers.decimalAmount("amount", "-3"));
    for (String bad : new String[] {"", "abc", "12,5", "1,29.00", "1.2.3", ",100", "1e5", "12."}) {
      BadValueException e = org.junit.Assert.assertThrows(
          BadValueException.class, () -> Numbers.decimalAmount("amount", bad));
      assertEquals("wrong type for 'amount': expected an amount like 1,299.00, got '" + bad + "'",
          e.getMessage());
    }
  }

  @Test
  public void javaOnlyNumberFormsAreRefused() {
    for (String javaOnly : new String[] {"12d", "12D", "1f", "1.5F", "0x1p3", "0x10", "Infinity",
        "-Infinity", "NaN", "1_000", ".5", "5.", "1e", "1e+", "--1", "+-1", "1.2.3", " ", "\u0661"}) {
      BadValueException e = assertThrows(javaOnly, BadValueException.class,
          () -> Numbers.decimal("latitude", javaOnly, -1e9, 1e9));
      assertEquals("wrong type for 'latitude': expected a number, got '" + javaOnly + "'", e.getMessage());
    }
  }

  @Test
  public void plainDecimalFormsAreAccepted() {
    assertEquals(12.0, Numbers.decimal("latitude", "12", -90, 90), 0.0);
    assertEquals(12.0, Numbers.decimal("latitude", "+12", -90, 90), 0.0);
    assertEquals(-0.5, Numbers.decimal("latitude", "-0.5", -90, 90), 0.0);
    assertEquals(12.5, Numbers.decimal("latitude", "1.25e1", -90, 90), 0.0);
    assertEquals(12.5, Numbers.decimal("latitude", "125E-1", -90, 90), 0.0);
    assertEquals(12.5, Numbers.decimal("latitude", "0.125e+2", -90, 90), 0.0);
    assertEquals(12.5, Numbers.decimal("latitude", "\u008512.5\u0085", -90, 90), 0.0);
  }

  @Test
  public void decimalBeyondDoubleIsRefusedNotInfinite() {
    BadValueException e = assertThrows(BadValueException.class,
        () -> Numbers.decimal("x", "1E+999", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
    assertEquals("'x' is too large for a double: 1E+999", e.getMessage());
  }

  @Test
  public void wholeNumbersAreStrictToo() {
    assertEquals(Long.valueOf(5), Numbers.wholeNumber("+5"));
    assertEquals(Long.valueOf(-5), Numbers.wholeNumber("\u00A0-5\u202F"));
    assertEquals(Long.valueOf(999_999_999_999_999_999L), Numbers.wholeNumber("999999999999999999"));
    for (String bad : new String[] {"", "+", "-", "5L", "0x5", "1_000", "5.0", "1e3", "\u0661",
        "1234567890123456789", "99999999999999999999999"}) {
      assertNull(bad, Numbers.wholeNumber(bad));
    }
    BadValueException e = assertThrows(BadValueException.class, () -> Numbers.integer("age", "12d"));
    assertEquals("wrong type for 'age': expected a whole number, got '12d'", e.getMessage());
    assertEquals(Integer.valueOf(42), Numbers.integer("age", "\u008542\u2007"));
  }

  @Test
  public void tameDecimalsHaveAtMostAHundredDigitsAndAScaleWithinAHundred() {
    assertTrue(Numbers.isTame(new java.math.BigDecimal("12.50")));
    assertTrue(Numbers.isTame(new java.math.BigDecimal("1e-100")));
    assertTrue(Numbers.isTame(new java.math.BigDecimal("1e100")));
    assertFalse(Numbers.isTame(new java.math.BigDecimal("1e-101")));
    assertFalse(Numbers.isTame(new java.math.BigDecimal("1e101")));
    assertFalse(Numbers.isTame(new java.math.BigDecimal("1".repeat(101))));
  }

  @Test
  public void storableMeansItStillFitsAfterTheSinksRounding() {
    String nines = "9".repeat(Numbers.MAX_STORED_INTEGER_DIGITS);
    assertTrue(Numbers.isStorable(new java.math.BigDecimal(nines + ".999999999")));
    assertTrue(Numbers.isStorable(new java.math.BigDecimal(nines + ".9999999994")));
    // Rounded half up to 9 decimals it carries into a 30th digit, which decimal(38, 9) cannot hold.
    assertFalse(Numbers.isStorable(new java.math.BigDecimal(nines + ".9999999995")));
    assertFalse(Numbers.isStorable(new java.math.BigDecimal("1e29")));
    assertTrue(Numbers.isStorable(new java.math.BigDecimal("-" + nines)));
    assertTrue(Numbers.isStorable(new java.math.BigDecimal("1e-30")));
  }
}
