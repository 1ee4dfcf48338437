package org.pipewright.io.http;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Exponential back-off with jitter: before retry {@code n} (1 for the first retry) the base wait
 * is {@code initial * 2^(n-1)}, capped at {@code max}; the actual wait is drawn between half the
 * base and the full base ("equal jitter"), so that workers that failed together do not retry in
 * lock-step but every wait still grows. A server's {@code Retry-After} raises the wait to what it
 * asked for, still capped at {@code max}.
 */
final class Backoff implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long initialMillis;
  private final long maxMillis;

  Backoff(long initialMillis, long maxMillis) {
    checkArgument(initialMillis >= 0, "initial back-off must be >= 0 ms, got %s", initialMillis);
    checkArgument(maxMillis >= initialMillis, "max back-off (%s ms) must be >= the initial one (%s ms)",
        maxMillis, initialMillis);
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
  }

  long initialMillis() {
    return initialMillis;
  }

  long maxMillis() {
    return maxMillis;
  }

  /** The un-jittered wait before retry {@code retry} (1-based). */
  long baseMillis(int retry) {
    checkArgument(retry >= 1, "retry numbers start at 1, got %s", retry);
    long base = initialMillis;
    for (int i = 1; i < retry && base < maxMillis; i++) {
      base *= 2;
    }
    return Math.min(base, maxMillis);
  }

  /**
   * The wait before retry {@code retry}, for a uniform draw {@code u} in [0, 1) and the server's
   * {@code Retry-After} in milliseconds (null when it sent none).
   */
  long delayMillis(int retry, double u, @Nullable Long retryAfterMillis) {
    checkArgument(u >= 0 && u < 1, "u must be in [0, 1), got %s", u);
    long base = baseMillis(retry);
    long half = base / 2;
    long wait = half + (long) (u * (base - half + 1));
    if (retryAfterMillis != null && retryAfterMillis > wait) {
      wait = retryAfterMillis;
    }
    return Math.min(wait, maxMillis);
  }

  /**
   * A {@code Retry-After} header in whole seconds as milliseconds; null when absent or not a
   * number of seconds (the HTTP-date form is rare for APIs and is ignored: the back-off applies).
   */
  static @Nullable Long retryAfterMillis(@Nullable String header) {
    if (header == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? null : Math.multiplyExact(seconds, 1000L);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
