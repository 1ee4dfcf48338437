package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.junit.Test;

public class BackoffTest {
  private final Backoff backoff = new Backoff(500, 30_000);

  @Test
  public void theBaseDoublesUpToTheMaximum() {
    assertEquals(500, backoff.baseMillis(1));
    assertEquals(1_000, backoff.baseMillis(2));
    assertEquals(2_000, backoff.baseMillis(3));
    assertEquals(16_000, backoff.baseMillis(6));
    assertEquals(30_000, backoff.baseMillis(7));
    assertEquals(30_000, backoff.baseMillis(1_000)); // no overflow however many retries
  }

  @Test
  public void jitterDrawsBetweenHalfAndTheWholeBase() {
    assertEquals(250, backoff.delayMillis(1, 0.0, null));
    assertEquals(375, backoff.delayMillis(1, 0.5, null));
    assertEquals(500, backoff.delayMillis(1, 0.999_999, null));
    assertEquals(500, backoff.delayMillis(2, 0.0, null));
    assertEquals(1_000, backoff.delayMillis(2, 0.999_999, null));
    assertEquals(15_000, backoff.delayMillis(20, 0.0, null));
    assertEquals(30_000, backoff.delayMillis(20, 0.999_999, null));
    assertThrows(IllegalArgumentException.class, () -> backoff.delayMillis(1, 1.0, null));
    assertThrows(IllegalArgumentException.class, () -> backoff.delayMillis(0, 0.5, null));
  }

  @Test
  public void retryAfterRaisesTheWaitButNotBeyondTheMaximum() {
    assertEquals(2_000, backoff.delayMillis(1, 0.0, 2_000L));
    assertEquals(1_500, backoff.delayMillis(3, 0.5, 1_000L)); // the back-off is longer already
    assertEquals(30_000, backoff.delayMillis(1, 0.0, 120_000L));
  }

  @Test
  public void readsRetryAfterInSecondsOnly() {
    assertEquals(Long.valueOf(2_000), Backoff.retryAfterMillis("2"));
    assertEquals(Long.valueOf(0), Backoff.retryAfterMillis(" 0 "));
    assertNull(Backoff.retryAfterMillis(null));
    assertNull(Backoff.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertNull(Backoff.retryAfterMillis("-1"));
    assertNull(Backoff.retryAfterMillis("99999999999999999999"));
  }

  @Test
  public void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(-1, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10));
  }
}
