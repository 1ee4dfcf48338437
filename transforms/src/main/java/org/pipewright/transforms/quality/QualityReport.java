package org.pipewright.transforms.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.values.Row;

/**
 * Pure helpers over {@link QualityResult} rows once a run has finished: a readable summary for the
 * log, and whether the run must fail. No pipeline is needed; read the results back from wherever
 * the run wrote them.
 *
 * <pre>{@code
 * List<Row> results = ...;                       // the QualityChecks output, read back
 * System.out.print(QualityReport.format(results));
 * if (QualityReport.failed(results)) {
 *   System.exit(1);
 * }
 * }</pre>
 */
public final class QualityReport {
  // Failures first, errors before warnings, then by pipeline, table and check: the line to read is
  // on top, and the order does not depend on the order the rows were read in.
  private static final Comparator<Row> ORDER =
      Comparator.comparing((Row r) -> !QualityResult.isFailed(r))
          .thenComparing(r -> !Severity.ERROR.label().equals(QualityResult.severity(r)))
          .thenComparing(QualityResult::pipeline)
          .thenComparing(QualityResult::tableName)
          .thenComparing(QualityResult::checkName);

  private QualityReport() {}

  /**
   * A multi-line summary: a headline with the number of checks and failures, then one line per
   * check, failures first, for example:
   *
   * <pre>
   * quality: 3 checks, 2 failed (1 error, 1 warn)
   *   FAIL error movies/movies unique(movie_id): 3 of 100 rows (expected 0)
   *   FAIL warn  movies/ratings_read dead_letter_ratio &lt;= 1%: 2 of 100 records (2%) (expected &lt;= 1%)
   *   PASS error movies/movies row_count: 100 rows (expected &gt;= 1)
   * </pre>
   */
  public static String format(Iterable<Row> results) {
    List<Row> sorted = sorted(results);
    long failedErrors = sorted.stream().filter(QualityResult::isFailedError).count();
    long failed = sorted.stream().filter(QualityResult::isFailed).count();
    StringBuilder out = new StringBuilder();
    out.append(String.format("quality: %d %s, %d failed (%d error, %d warn)%n", sorted.size(),
        sorted.size() == 1 ? "check" : "checks", failed, failedErrors, failed - failedErrors));
    for (Row r : sorted) {
      out.append("  ").append(line(r)).append(System.lineSeparator());
    }
    return out.toString();
  }

  /** One result as one line, e.g. {@code FAIL error movies/movies unique(movie_id): 3 of 100 rows (expected 0)}. */
  public static String line(Row result) {
    return String.format("%s %-5s %s/%s %s: %s (expected %s)",
        QualityResult.status(result).toUpperCase(Locale.ROOT), QualityResult.severity(result),
        QualityResult.pipeline(result), QualityResult.tableName(result), QualityResult.checkName(result),
        orDash(QualityResult.observed(result)), orDash(QualityResult.expected(result)));
  }

  /** True when any check of severity {@code error} failed: the run's output must not be used. */
  public static boolean failed(Iterable<Row> results) {
    return !failedErrors(results).isEmpty();
  }

  /** The failed checks of severity {@code error}, in {@link #format}'s order. */
  public static List<Row> failedErrors(Iterable<Row> results) {
    List<Row> failed = new ArrayList<>();
    for (Row r : sorted(results)) {
      if (QualityResult.isFailedError(r)) {
        failed.add(r);
      }
    }
    return failed;
  }

  private static List<Row> sorted(Iterable<Row> results) {
    List<Row> sorted = new ArrayList<>();
    results.forEach(sorted::add);
    sorted.sort(ORDER);
    return sorted;
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }
}
