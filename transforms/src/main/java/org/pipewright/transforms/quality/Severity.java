package org.pipewright.transforms.quality;

import java.util.Locale;

/**
 * How much a failed check matters. A failed {@link #ERROR} check means the run's output must not be
 * used ({@link QualityReport#failed} lets a main exit non-zero); a failed {@link #WARN}
 * check is reported and the run goes on.
 */
public enum Severity {
  /** A failure makes the run fail. */
  ERROR,
  /** A failure is reported only. */
  WARN;

  /** The value of the {@code severity} field in result rows: {@code error} or {@code warn}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
