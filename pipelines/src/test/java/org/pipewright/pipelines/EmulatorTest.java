package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class EmulatorTest {
  @Test
  public void aTruncatedLineNeverSplitsACharacter() {
    // The middle of "a🎄cd" falls between the two halves of the emoji.
    String line = "a\uD83C\uDF84cd";
    String half = Emulator.firstHalf(line);
    assertEquals("a", half);
    assertEquals(half, new String(half.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    assertEquals("a\uD83C\uDF84", Emulator.firstHalf(line + "e"));
    assertEquals("ab", Emulator.firstHalf("abcd"));
    assertEquals("", Emulator.firstHalf(""));
  }
}
