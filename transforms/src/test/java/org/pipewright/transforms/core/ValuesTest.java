package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.Set;
import org.junit.Test;

public class ValuesTest {
  private static final Set<String> PLACEHOLDERS =
      Set.of("No Title Data Available", "User Info Error");

  @Test
  public void nullStaysNull() {
    assertNull(Values.clean(null));
    assertNull(Values.clean(null, PLACEHOLDERS));
  }

  @Test
  public void trimsAsciiWhiteSpace() {
    assertEquals("hello", Values.clean("  hello  "));
    assertEquals("x", Values.clean("\t\n x \r\n"));
  }

  @Test
  public void trimsUnicodeWhiteSpaceIncludingNoBreakSpace() {
    assertEquals("Anna", Values.clean("\u00A0Anna\u00A0"));
    assertEquals("Anna", Values.clean(" \u00A0 Anna \u00A0 "));
    // em space, ideographic space, narrow no-break space, figure space
    assertEquals("y", Values.clean("\u2003\u3000y\u202F\u2007"));
    // zero-width space and byte order mark
    assertEquals("z", Values.clean("\uFEFFz\u200B"));
  }

  @Test
  public void innerTextIsNeverAltered() {
    assertEquals("a  b\u00A0c\td", Values.clean("a  b\u00A0c\td"));
    assertEquals("Привет мир", Values.clean(" Привет мир "));
    assertEquals("Cute 😀 outfits…", Values.clean("\u00A0Cute 😀 outfits…\u00A0"));
    assertEquals("😀", Values.clean("😀"));
  }

  @Test
  public void unchangedValueIsReturnedAsIs() {
    String value = "already clean";
    assertEquals(value, Values.clean(value));
  }

  @Test
  public void emptyAndNullLikeBecomeNull() {
    assertNull(Values.clean(""));
    assertNull(Values.clean("   "));
    assertNull(Values.clean("\u00A0\u2003"));
    assertNull(Values.clean("NULL"));
    assertNull(Values.clean("null"));
    assertNull(Values.clean(" null\u00A0"));
    assertNull(Values.clean("\tNULL "));
  }

  @Test
  public void onlyExactNullSpellingsAreNullLike() {
    assertEquals("Null", Values.clean("Null"));
    assertEquals("nullable", Values.clean("nullable"));
    assertEquals("NULL NULL", Values.clean("NULL NULL"));
    assertEquals("none", Values.clean("none"));
  }

  @Test
  public void placeholdersBecomeNullAfterTrimming() {
    assertNull(Values.clean("No Title Data Available", PLACEHOLDERS));
    assertNull(Values.clean("  No Title Data Available\u00A0", PLACEHOLDERS));
    assertNull(Values.clean("User Info Error", PLACEHOLDERS));
    assertNull(Values.clean("null", PLACEHOLDERS));
    assertNull(Values.clean("", PLACEHOLDERS));
  }

  @Test
  public void placeholderMatchIsExact() {
    assertEquals("No Title", Values.clean(" No Title ", PLACEHOLDERS));
    assertEquals("no title data available", Values.clean("no title data available", PLACEHOLDERS));
    assertEquals("User Info Error!", Values.clean("User Info Error!", PLACEHOLDERS));
  }

  @Test
  public void withoutPlaceholdersOnlyTrims() {
    assertEquals("No Title Data Available", Values.clean(" No Title Data Available ", Set.of()));
  }

  @Test
  public void trimsEveryUnicodeWhiteSpace() {
    // NEXT LINE (U+0085) is white space to Unicode but to neither Character.isWhitespace nor
    // isSpaceChar; no-break, figure and narrow no-break spaces only to isSpaceChar.
    assertEquals("x", Values.clean("\u0085x\u0085"));
    assertEquals("x", Values.clean("\u00A0\u2007\u202Fx\u202F\u2007\u00A0"));
    assertEquals("x", Values.trim("\u0085\u2028\u2029\u001Cx\u0009\u000B\u000C"));
    assertNull(Values.clean("\u0085"));
    assertEquals("a\u0085b", Values.clean("a\u0085b"));
  }

  @Test
  public void everyTrimmedCharacterIsWhiteSpaceAndEveryUnicodeWhiteSpaceIsTrimmed() {
    for (char c = 0; c < Character.MAX_VALUE; c++) {
      boolean unicodeSpace = Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
      if (unicodeSpace) {
        assertTrue(Integer.toHexString(c), Values.isSpace(c));
        assertEquals(Integer.toHexString(c), "v", Values.trim(c + "v" + c));
      }
    }
    assertEquals("v", Values.trim("\u200B\uFEFFv"));
    assertEquals("\u00E9", Values.trim("\u00E9"));
  }

  @Test
  public void trimAndBlank() {
    assertNull(Values.trim(null));
    assertEquals("", Values.trim("\u0085 \u00A0"));
    assertTrue(Values.isBlank(""));
    assertTrue(Values.isBlank("\u0085\u00A0\u3000\r"));
    assertFalse(Values.isBlank("\u0000"));
    assertFalse(Values.isBlank(" x "));
  }
}
