package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Runs the data-quality {@link Check}s declared per table of one pipeline and emits one {@link
 * QualityResult} row per check: results are data, written and stored like any other output, and
 * {@link QualityReport} turns them into a summary and a pass/fail decision for the run.
 *
 * <p>The input is a {@link PCollectionTuple} of named tables (schema'd rows); a check may read
 * another input by its name ({@link Check#references}, {@link Check#deadLetterRatio}).
 *
 * <pre>{@code
 * PCollection<Row> results = PCollectionTuple.of("movies", movies).and("ratings", ratings)
 *     .and("ratings_read", ratingsRead).and("ratings_dead", ratingDeadLetters)
 *     .apply("Quality checks", QualityChecks.forPipeline("movies")
 *         .on("movies", Check.rowCount().atLeast(1), Check.notNull("movie_id", "title"),
 *             Check.unique("movie_id"))
 *         .on("ratings", Check.inRange("rating", 0.5, 5.0),
 *             Check.references("movie_id", "movies", "movie_id"))
 *         .on("ratings_read", Check.deadLetterRatio("ratings_dead")));
 * }</pre>
 *
 * <p>Guarantees: exactly one row per declared check (two for a dead-letter ratio), also for empty
 * tables; check names are unique per table (a duplicate declaration is refused), so (pipeline,
 * table_name, check_name) is a key; results are the same on every runner. Inputs must be bounded
 * and in the global window; a missing input, column or a windowed input fails at construction.
 */
public final class QualityChecks extends PTransform<PCollectionTuple, PCollection<Row>> {
  private final String pipeline;
  private final List<Declared> checks;

  private QualityChecks(String pipeline, List<Declared> checks) {
    this.pipeline = pipeline;
    this.checks = checks;
  }

  /** Checks whose results carry {@code pipeline} in their {@code pipeline} field. */
  public static QualityChecks forPipeline(String pipeline) {
    checkArgument(pipeline != null && !pipeline.isEmpty(), "pipeline must not be empty");
    return new QualityChecks(pipeline, List.of());
  }

  /** Returns a copy that also runs {@code checks} on the input named {@code table}. */
  public QualityChecks on(String table, Check... checks) {
    checkArgument(table != null && !table.isEmpty(), "table must not be empty");
    checkArgument(checks != null && checks.length > 0, "no checks given for table '%s'", table);
    List<Declared> more = new ArrayList<>(this.checks);
    Set<String> names = new HashSet<>();
    for (Declared declared : this.checks) {
      if (declared.table.equals(table)) {
        names.addAll(declared.check.resultNames());
      }
    }
    for (Check check : checks) {
      checkNotNull(check, "check");
      for (String name : check.resultNames()) {
        checkArgument(names.add(name), "check '%s' is declared twice for table '%s'", name, table);
      }
      more.add(new Declared(table, check));
    }
    return new QualityChecks(pipeline, Collections.unmodifiableList(more));
  }

  @Override
  public PCollection<Row> expand(PCollectionTuple inputs) {
    checkArgument(!checks.isEmpty(), "no checks declared for pipeline '%s'", pipeline);
    PCollectionList<Row> results = PCollectionList.empty(inputs.getPipeline());
    for (Declared declared : checks) {
      PCollection<Row> rows = input(inputs, declared.table);
      for (String other : declared.check.otherInputs()) {
        input(inputs, other);
      }
      String stepName = declared.table + ": " + String.join(" + ", declared.check.resultNames());
      results = results.and(rows.apply(stepName, new Evaluate(declared, inputs, pipeline)));
    }
    return results.apply("Results", Flatten.pCollections()).setRowSchema(QualityResult.SCHEMA);
  }

  private static PCollection<Row> input(PCollectionTuple inputs, String name) {
    checkArgument(inputs.has(name), "no input named '%s'; inputs are %s", name, 
        inputs.getAll().keySet().stream().map(TupleTag::getId).sorted().toList());
    PCollection<Row> rows = inputs.get(name);
    checkArgument(rows.hasSchema(), "input '%s' has no schema", name);
    checkArgument(rows.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "quality checks need input in the global window; '%s' is windowed by %s",
        name, rows.getWindowingStrategy().getWindowFn());
    return rows;
  }

  /** A check and the table it was declared for. */
  private static final class Declared {
    final String table;
    final Check check;

    Declared(String table, Check check) {
      this.table = table;
      this.check = check;
    }
  }

  /** One check in a composite of its own, so that its step names are its own. */
  private static final class Evaluate extends PTransform<PCollection<Row>, PCollection<Row>> {
    // Construction-time configuration (a check may name PCollections); never serialized.
    private final transient Declared declared;
    private final transient PCollectionTuple inputs;
    private final String pipeline;

    Evaluate(Declared declared, PCollectionTuple inputs, String pipeline) {
      this.declared = declared;
      this.inputs = inputs;
      this.pipeline = pipeline;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      return declared.check.evaluate(rows, inputs, pipeline, declared.table);
    }
  }
}
