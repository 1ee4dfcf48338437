package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

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
}
