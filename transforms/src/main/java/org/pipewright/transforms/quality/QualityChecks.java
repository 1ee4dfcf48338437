package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;

/**
 * Runs data-quality {@link Check}s on one table and emits one {@link QualityResult} row per check:
 * results are data, written and stored like any other output, and {@link QualityReport} turns them
 * into a summary and a pass/fail decision for the run.
 *
 * <pre>{@code
 * CleanResult orders = raw.apply("Clean orders", CleanRecords.with(new OrderCleaner()));
 * PCollection<Row> results = orders.output().apply("Check orders",
 *     QualityChecks.forTable("orders")
 *         .error(Check.notNull("order_id"))
 *         .error(Check.unique("order_id"))
 *         .warn(Check.inRange("amount", 0, 1_000_000))
 *         .warn(Check.rowCount(1, Long.MAX_VALUE))
 *         .withDeadLetters(orders.deadLetters(), 0.01, 0.05));
 * }</pre>
 *
 * <p>Every check is computed with combiners (counts and sums, a keyed count for uniqueness); the
 * table is never grouped under one key. The input must be bounded and in the global window (a
 * batch table, or a streaming table rewindowed into the global window by the caller); windowed
 * input is refused at construction.
 */
public final class QualityChecks extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String table;
  private final List<Declared> checks;

  private QualityChecks(String table, List<Declared> checks) {
    this.table = table;
    this.checks = checks;
  }

  /** Checks for the table named {@code table} (the {@code table} field of every result). */
  public static QualityChecks forTable(String table) {
    checkArgument(table != null && !table.isEmpty(), "table must not be empty");
    return new QualityChecks(table, List.of());
  }

  /** Returns a copy that also runs {@code check} with severity {@code error}. */
  public QualityChecks error(Check check) {
    return with(check, Severity.ERROR);
  }

  /** Returns a copy that also runs {@code check} with severity {@code warn}. */
  public QualityChecks warn(Check check) {
    return with(check, Severity.WARN);
  }

  /** Returns a copy that also runs {@code check} with {@code severity}. */
  public QualityChecks with(Check check, Severity severity) {
    List<Declared> more = new ArrayList<>(checks);
    more.add(new Declared(checkNotNull(check, "check"), checkNotNull(severity, "severity")));
    return new QualityChecks(table, Collections.unmodifiableList(more));
  }

  /**
   * Returns a copy that also checks the share of {@code deadLetters} among all the table's records
   * twice: a {@code warn} result that fails above {@code warnAbove} and an {@code error} result that
   * fails above {@code errorAbove} (see {@link Check#deadLetterRatio}).
   */
  public QualityChecks withDeadLetters(PCollection<Row> deadLetters, double warnAbove, double errorAbove) {
    Check.checkRatio(warnAbove);
    Check.checkRatio(errorAbove);
    checkArgument(warnAbove <= errorAbove,
        "warnAbove (%s) must not be above errorAbove (%s)", warnAbove, errorAbove);
    return warn(Check.deadLetterRatio(deadLetters, warnAbove))
        .error(Check.deadLetterRatio(deadLetters, errorAbove));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    checkArgument(!checks.isEmpty(), "no checks declared for table '%s'", table);
    checkArgument(rows.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "quality checks need input in the global window; table '%s' is windowed by %s",
        table, rows.getWindowingStrategy().getWindowFn());
    PCollectionList<Row> results = PCollectionList.empty(rows.getPipeline());
    for (int i = 0; i < checks.size(); i++) {
      Declared declared = checks.get(i);
      // The index keeps step names unique when one check is declared twice (warn and error).
      String stepName = declared.severity.label() + " " + declared.check.name() + " #" + i;
      results = results.and(rows.apply(stepName, new Evaluate(declared, table)));
    }
    return results.apply("Results", Flatten.pCollections()).setRowSchema(QualityResult.SCHEMA);
  }

  /** A check and its severity, as declared. */
  private static final class Declared {
    final Check check;
    final Severity severity;

    Declared(Check check, Severity severity) {
      this.check = check;
      this.severity = severity;
    }
  }

  /** One check in a composite of its own, so that its step names are its own. */
  private static final class Evaluate extends PTransform<PCollection<Row>, PCollection<Row>> {
    // Checks are construction-time configuration (they may hold PCollections); never serialized.
    private final transient Declared declared;
    private final String table;

    Evaluate(Declared declared, String table) {
      this.declared = declared;
      this.table = table;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      return declared.check.evaluate(rows, table, declared.severity);
    }
  }
}
