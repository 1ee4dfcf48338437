package org.pipewright.transforms.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.values.Row;

/**
 * Pure helpers over {@link QualityResult} rows once a run has finished: a readable summary, and
 * whether the run must fail. No pipeline is needed; read the results back from wherever the run
 * wrote them.
 *
 * <pre>{@code
 * List<Row> results = ...;                       // the QualityChecks output, read back
 * System.out.print(QualityReport.format(results));
 * if (QualityReport.hasFailedErrors(results)) {
 *   System.exit(1);
 * }
 * }</pre>
 */
public final class QualityReport {
  // Failures first, errors before warnings, then by table and check: the line to read is on top.
  private static final Comparator<Row> ORDER =
      Comparator.comparing((Row r) -> QualityResult.PASS.equals(QualityResult.status(r)))
          .thenComparing(r -> !Severity.ERROR.label().equals(QualityResult.severity(r)))
          .thenComparing(QualityResult::table)
          .thenComparing(QualityResult::check)
          .thenComparing(QualityResult::observed);

  private QualityReport() {}

  /**
   * A multi-line summary: a headline with the number of checks and failures, then one line per
   * check, failures first, for example:
   *
   * <pre>
   * quality: 2 checks, 1 failed (1 error, 0 warn)
   *   FAIL error orders unique(order_id): 1 row with a duplicate key (expected 0 rows with a duplicate key)
   *   PASS warn  orders row_count: 5 rows (expected at least 1 row)
   * </pre>
   */
  public static String format(Iterable<Row> results) {
    List<Row> sorted = new ArrayList<>();
    results.forEach(sorted::add);
    sorted.sort(ORDER);
    long failedErrors = sorted.stream().filter(QualityResult::isFailedError).count();
    long failed = sorted.stream().filter(r -> QualityResult.FAIL.equals(QualityResult.status(r))).count();
    StringBuilder out = new StringBuilder();
    out.append(String.format("quality: %d checks, %d failed (%d error, %d warn)%n",
        sorted.size(), failed, failedErrors, failed - failedErrors));
    for (Row r : sorted) {
      out.append(String.format("  %s %-5s %s %s: %s (expected %s)%n",
          QualityResult.status(r), QualityResult.severity(r), QualityResult.table(r),
          QualityResult.check(r), QualityResult.observed(r), QualityResult.expected(r)));
    }
    return out.toString();
  }

  /** True when any check of severity {@code error} failed: the run's output must not be used. */
  public static boolean hasFailedErrors(Iterable<Row> results) {
    for (Row result : results) {
      if (QualityResult.isFailedError(result)) {
        return true;
      }
    }
    return false;
  }
}
