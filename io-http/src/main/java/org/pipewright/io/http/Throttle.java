package org.pipewright.io.http;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spaces requests evenly to at most a given rate: each caller reserves the next free slot and
 * waits until it. No bursts are allowed (an idle throttle does not save up permits), which is what
 * APIs that count requests per second want.
 *
 * <p>One throttle is shared by all callers in a JVM for the same API and rate ({@link #shared}),
 * so the limit holds per worker process however many threads the runner gives the step; with
 * {@code n} workers the API sees up to {@code n} times the rate.
 */
final class Throttle {
  private static final Map<String, Throttle> SHARED = new ConcurrentHashMap<>();

  private final long intervalNanos;
  private long nextFree;
  private boolean started;

  Throttle(double perSecond) {
    checkArgument(perSecond > 0, "rate must be > 0 requests/s, got %s", perSecond);
    this.intervalNanos = (long) Math.ceil(1e9 / perSecond);
  }

  /** The throttle of this JVM for {@code api} at {@code perSecond}. */
  static Throttle shared(String api, double perSecond) {
    return SHARED.computeIfAbsent(api + "@" + perSecond, k -> new Throttle(perSecond));
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /** Reserves the next slot at clock time {@code now} (nanos); returns how long to wait for it. */
  synchronized long reserve(long now) {
    long slot = !started || now - nextFree > 0 ? now : nextFree;
    started = true;
    nextFree = slot + intervalNanos;
    return slot - now;
  }

  /** Waits for the next slot. */
  void acquire() throws InterruptedException {
    long wait = reserve(System.nanoTime());
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }
}
