package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

/** The throttle's arithmetic on a fake clock: no sleeping, no timing. */
public class ThrottleTest {
  private static final long MS = 1_000_000L;

  @Test
  public void spacesRequestsEvenly() {
    Throttle throttle = new Throttle(4); // one slot every 250 ms
    assertEquals(250 * MS, throttle.intervalNanos());
    long t0 = 1_000 * MS;
    assertEquals(0, throttle.reserve(t0));
    assertEquals(250 * MS, throttle.reserve(t0));
    assertEquals(500 * MS, throttle.reserve(t0));
    // A caller arriving later waits only for what is left of its slot
    assertEquals(650 * MS, throttle.reserve(t0 + 100 * MS));
  }

  @Test
  public void anIdleThrottleSavesUpNoBurst() {
    Throttle throttle = new Throttle(10);
    assertEquals(0, throttle.reserve(0));
    long later = 5_000 * MS;
    assertEquals(0, throttle.reserve(later));
    assertEquals(100 * MS, throttle.reserve(later));
  }

  @Test
  public void worksWithNegativeClockValues() {
    // System.nanoTime may be negative
    Throttle throttle = new Throttle(2);
    long t0 = Long.MIN_VALUE / 2;
    assertEquals(0, throttle.reserve(t0));
    assertEquals(500 * MS, throttle.reserve(t0));
  }

  @Test
  public void isSharedPerApiAndRateWithinAJvm() {
    assertSame(Throttle.shared("http://a", 3), Throttle.shared("http://a", 3));
    assertNotSame(Throttle.shared("http://a", 3), Throttle.shared("http://a", 4));
    assertNotSame(Throttle.shared("http://a", 3), Throttle.shared("http://b", 3));
    assertThrows(IllegalArgumentException.class, () -> new Throttle(0));
  }
}
