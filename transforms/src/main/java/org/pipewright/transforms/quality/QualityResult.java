package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkNotNull;

import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The outcome of one check on one table of one pipeline, as a row of {@link #SCHEMA}: results are
 * data, so they can be written, stored in a table keyed by (pipeline, table_name, check_name) and
 * queried like any other output.
 *
 * <table>
 *   <caption>Fields (all strings)</caption>
 *   <tr><td>{@code pipeline}</td><td>the pipeline that ran the check, e.g. {@code movies}</td></tr>
 *   <tr><td>{@code table_name}</td><td>the checked table, e.g. {@code ratings}</td></tr>
 *   <tr><td>{@code check_name}</td><td>the check and its arguments, e.g. {@code not_null(title)};
 *       unique within a table</td></tr>
 *   <tr><td>{@code severity}</td><td>{@code error} or {@code warn} ({@link Severity#label()})</td></tr>
 *   <tr><td>{@code status}</td><td>{@value #PASS} or {@value #FAIL}</td></tr>
 *   <tr><td>{@code observed}</td><td>what was measured, e.g. {@code 3 of 100000 rows}; nullable</td></tr>
 *   <tr><td>{@code expected}</td><td>what passes, e.g. {@code 0}; nullable</td></tr>
 * </table>
 *
 * <p>Fields may be added in a later version (after the existing ones); code that reads results
 * should read fields by name. The {@code observed}/{@code expected} texts are for people: read
 * them, do not parse them.
 */
public final class QualityResult {
  /** Status of a check whose observation is within what is expected. */
  public static final String PASS = "pass";
  /** Status of a check whose observation is not within what is expected. */
  public static final String FAIL = "fail";

  /** The schema of every result row. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("pipeline")
          .addStringField("table_name")
          .addStringField("check_name")
          .addStringField("severity")
          .addStringField("status")
          .addNullableField("observed", FieldType.STRING)
          .addNullableField("expected", FieldType.STRING)
          .build();

  private QualityResult() {}

  /** A result row; {@code passed} gives the status. */
  public static Row of(String pipeline, String table, String check, Severity severity, boolean passed,
      String observed, String expected) {
    return Row.withSchema(SCHEMA)
        .addValues(
            checkNotNull(pipeline, "pipeline"),
            checkNotNull(table, "table"),
            checkNotNull(check, "check"),
            checkNotNull(severity, "severity").label(),
            passed ? PASS : FAIL,
            observed,
            expected)
        .build();
  }

  /** The pipeline that ran the check. */
  public static String pipeline(Row result) {
    return result.getString("pipeline");
  }

  /** The checked table. */
  public static String tableName(Row result) {
    return result.getString("table_name");
  }

  /** The check's name, e.g. {@code unique(movie_id)}. */
  public static String checkName(Row result) {
    return result.getString("check_name");
  }

  /** {@code error} or {@code warn}. */
  public static String severity(Row result) {
    return result.getString("severity");
  }

  /** {@value #PASS} or {@value #FAIL}. */
  public static String status(Row result) {
    return result.getString("status");
  }

  /** What was measured, or null. */
  public static String observed(Row result) {
    return result.getString("observed");
  }

  /** What passes, or null. */
  public static String expected(Row result) {
    return result.getString("expected");
  }

  /** True when the check failed, whatever its severity. */
  public static boolean isFailed(Row result) {
    return FAIL.equals(status(result));
  }

  /** True when the result is a failed check of severity {@code error}. */
  public static boolean isFailedError(Row result) {
    return isFailed(result) && Severity.ERROR.label().equals(severity(result));
  }
}
