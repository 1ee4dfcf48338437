package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkNotNull;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The outcome of one check on one table, as a row of {@link #SCHEMA}: results are data, so they can
 * be written, stored in a table and queried like any other output.
 *
 * <table>
 *   <caption>Fields (all strings, none null)</caption>
 *   <tr><td>{@code table}</td><td>the checked table, e.g. {@code orders}</td></tr>
 *   <tr><td>{@code check}</td><td>the check and its column(s), e.g. {@code not_null(order_id)}</td></tr>
 *   <tr><td>{@code severity}</td><td>{@code error} or {@code warn} ({@link Severity#label()})</td></tr>
 *   <tr><td>{@code status}</td><td>{@value #PASS} or {@value #FAIL}</td></tr>
 *   <tr><td>{@code observed}</td><td>what was measured, e.g. {@code 2 null rows}</td></tr>
 *   <tr><td>{@code expected}</td><td>what passes, e.g. {@code 0 null rows}</td></tr>
 * </table>
 *
 * <p>Fields may be added in a later version (after the existing ones); code that reads results
 * should read fields by name.
 */
public final class QualityResult {
  /** Status of a check whose observation is within what is expected. */
  public static final String PASS = "PASS";
  /** Status of a check whose observation is not within what is expected. */
  public static final String FAIL = "FAIL";

  /** The schema of every result row. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("table")
          .addStringField("check")
          .addStringField("severity")
          .addStringField("status")
          .addStringField("observed")
          .addStringField("expected")
          .build();

  private QualityResult() {}

  /** A result row; {@code passed} gives the status. */
  public static Row of(
      String table, String check, Severity severity, boolean passed, String observed, String expected) {
    return Row.withSchema(SCHEMA)
        .addValues(
            checkNotNull(table, "table"),
            checkNotNull(check, "check"),
            checkNotNull(severity, "severity").label(),
            passed ? PASS : FAIL,
            checkNotNull(observed, "observed"),
            checkNotNull(expected, "expected"))
        .build();
  }

  /**
   * The dead-letter ratio check computed from counts alone, without a pipeline (for example from
   * the counts a finished run reported): {@code deadLetters / (clean + deadLetters)} must not exceed
   * {@code maxRatio}; no records at all is a ratio of 0.
   */
  public static Row deadLetterRatio(
      String table, Severity severity, long clean, long deadLetters, double maxRatio) {
    return Check.DeadLetterRatio.result(table, severity, clean, deadLetters, maxRatio);
  }

  /** The checked table. */
  public static String table(Row result) {
    return result.getString("table");
  }

  /** The check's name, e.g. {@code unique(order_id)}. */
  public static String check(Row result) {
    return result.getString("check");
  }

  /** {@code error} or {@code warn}. */
  public static String severity(Row result) {
    return result.getString("severity");
  }

  /** {@value #PASS} or {@value #FAIL}. */
  public static String status(Row result) {
    return result.getString("status");
  }

  /** What was measured. */
  public static String observed(Row result) {
    return result.getString("observed");
  }

  /** What passes. */
  public static String expected(Row result) {
    return result.getString("expected");
  }

  /** True when the result is a failed check of severity {@code error}. */
  public static boolean isFailedError(Row result) {
    return FAIL.equals(status(result)) && Severity.ERROR.label().equals(severity(result));
  }
}
