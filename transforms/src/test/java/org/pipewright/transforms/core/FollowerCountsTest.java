package org.pipewright.transforms.core;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class FollowerCountsTest {

  @Test
  public void nullIsNull() {
    assertNull(FollowerCounts.parse(null));
  }

  @Test
  public void plainDigits() {
    assertEquals(Long.valueOf(0), FollowerCounts.parse("0"));
    assertEquals(Long.valueOf(536), FollowerCounts.parse("536"));
    assertEquals(Long.valueOf(536), FollowerCounts.parse(" 536 "));
    assertEquals(Long.valueOf(7), FollowerCounts.parse("007"));
    assertEquals(Long.valueOf(123456789012345678L), FollowerCounts.parse("123456789012345678"));
  }

  @Test
  public void thousands() {
    assertEquals(Long.valueOf(43_000), FollowerCounts.parse("43k"));
    assertEquals(Long.valueOf(43_000), FollowerCounts.parse("43K"));
    assertEquals(Long.valueOf(1_500), FollowerCounts.parse("1.5k"));
    assertEquals(Long.valueOf(0), FollowerCounts.parse("0k"));
  }

  @Test
  public void millions() {
    assertEquals(Long.valueOf(1_000_000), FollowerCounts.parse("1M"));
    assertEquals(Long.valueOf(2_500_000), FollowerCounts.parse("2.5M"));
    assertEquals(Long.valueOf(9_000_000), FollowerCounts.parse("9M"));
    assertEquals(Long.valueOf(1_000_000), FollowerCounts.parse("1m"));
  }

  @Test
  public void roundsHalfUp() {
    assertEquals(Long.valueOf(1_235), FollowerCounts.parse("1.2345k")); // 1234.5
    assertEquals(Long.valueOf(1_234), FollowerCounts.parse("1.2344k")); // 1234.4
    assertEquals(Long.valueOf(1), FollowerCounts.parse("0.0005k")); // 0.5
    assertEquals(Long.valueOf(0), FollowerCounts.parse("0.0004k")); // 0.4
    assertEquals(Long.valueOf(1_234_568), FollowerCounts.parse("1.2345675M")); // 1234567.5
    assertEquals(Long.valueOf(3), FollowerCounts.parse("2.5"));
  }

  @Test
  public void wordIsBadValue() {
    BadValueException e = assertThrows(BadValueException.class, () -> FollowerCounts.parse("lots"));
    assertThat(e.getMessage(), containsString("'lots'"));
  }

  @Test
  public void negativeIsBadValue() {
    BadValueException e = assertThrows(BadValueException.class, () -> FollowerCounts.parse("-5"));
    assertThat(e.getMessage(), containsString("'-5'"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("-1.5k"));
  }

  @Test
  public void suffixWithoutNumberIsBadValue() {
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("k"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("M"));
  }

  @Test
  public void malformedDecimalsAreBadValues() {
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("1.2.3k"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse(".5k"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("5.k"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("1,500"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("+5"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("43kk"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("1e3"));
  }

  @Test
  public void emptyIsBadValue() {
    assertThrows(BadValueException.class, () -> FollowerCounts.parse(""));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("   "));
  }

  @Test
  public void placeholderIsNotAcceptedHere() {
    // Placeholders are nulled by the cleaner before parsing; parse itself refuses them.
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("User Info Error"));
  }

  @Test
  public void tooLargeIsBadValue() {
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("99999999999999999999"));
    assertThrows(BadValueException.class, () -> FollowerCounts.parse("99999999999999999M"));
  }
}
