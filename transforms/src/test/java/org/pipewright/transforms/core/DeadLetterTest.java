package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import org.junit.Test;

public class DeadLetterTest {
  @Test
  public void shortReasonKeepsAReasonWithinTheLimit() {
    String reason = "x".repeat(DeadLetter.MAX_REASON_CHARS);
    assertSame(reason, DeadLetter.shortReason(reason));
  }

  @Test
  public void shortReasonCutsALongReasonAndMarksTheCut() {
    String cut = DeadLetter.shortReason("y".repeat(DeadLetter.MAX_REASON_CHARS + 1));
    assertEquals("y".repeat(DeadLetter.MAX_REASON_CHARS) + "...", cut);
  }

  @Test
  public void shortReasonNeverSplitsASurrogatePair() {
    // U+1F600 as two chars, the first of them the last char the limit keeps.
    String reason = "z".repeat(DeadLetter.MAX_REASON_CHARS - 1) + "\uD83D\uDE00 and more";
    String cut = DeadLetter.shortReason(reason);
    assertEquals("z".repeat(DeadLetter.MAX_REASON_CHARS - 1) + "...", cut);
  }
}
