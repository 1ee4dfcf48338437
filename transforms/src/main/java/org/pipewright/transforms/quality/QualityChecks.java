package org.pipewright.transforms.quality;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

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

  /** The results, under {@link #withRowCounts()}. */
  public static final TupleTag<Row> RESULTS = new TupleTag<>("results") { };

  /** The row counts, under {@link #withRowCounts()}: {@code KV(input name, rows)}. */
  public static final TupleTag<KV<String, Long>> ROW_COUNTS = new TupleTag<>("row_counts") { };

  @Override
  public PCollection<Row> expand(PCollectionTuple inputs) {
    return build(inputs).get(RESULTS);
  }

  /**
   * These checks, also emitting ({@link #ROW_COUNTS}) the row count of every input they count:
   * the tables of {@code row_count}, {@code not_null}, {@code in_range} and {@code in_set} checks,
   * and both inputs of a dead-letter ratio. A job that reports those counts anyway takes them from
   * here instead of counting the tables once more (on Flink each count is one more serialized copy
   * of every row). The results are under {@link #RESULTS}.
   */
  public PTransform<PCollectionTuple, PCollectionTuple> withRowCounts() {
    return new PTransform<PCollectionTuple, PCollectionTuple>() {
      @Override
      public PCollectionTuple expand(PCollectionTuple inputs) {
        return build(inputs);
      }
    };
  }

  private PCollectionTuple build(PCollectionTuple inputs) {
    checkArgument(!checks.isEmpty(), "no checks declared for pipeline '%s'", pipeline);
    PCollectionList<Row> results = PCollectionList.empty(inputs.getPipeline());
    // The counting checks of a table share one pass over it; the others each make their own.
    Map<String, List<Check.Tallied>> tallied = new LinkedHashMap<>();
    Set<String> counted = new LinkedHashSet<>();
    for (Declared declared : checks) {
      PCollection<Row> rows = input(inputs, declared.table);
      for (String other : declared.check.otherInputs()) {
        input(inputs, other);
      }
      if (declared.check instanceof Check.Tallied) {
        tallied.computeIfAbsent(declared.table, t -> new ArrayList<>()).add((Check.Tallied) declared.check);
        counted.add(declared.table);
        counted.addAll(declared.check.otherInputs());
      } else {
        String stepName = declared.table + ": " + String.join(" + ", declared.check.resultNames());
        results = results.and(rows.apply(stepName, new Evaluate(declared, inputs, pipeline)));
      }
    }
    Map<String, PCollection<long[]>> tallies = new LinkedHashMap<>();
    Map<String, int[]> slots = new LinkedHashMap<>();
    Map<String, PCollection<Long>> rowCounts = new LinkedHashMap<>();
    PCollectionList<KV<String, Long>> labelled = PCollectionList.empty(inputs.getPipeline());
    for (String table : counted) {
      List<Check.Tallied> own = tallied.getOrDefault(table, List.of());
      int[] where = new int[own.size()];
      PCollection<Row> rows = inputs.get(table);
      PCollection<long[]> tally = rows.apply("Count " + table,
          Combine.globally(Check.counter(rows.getSchema(), own, where)));
      tallies.put(table, tally);
      slots.put(table, where);
      PCollection<Long> n = tally.apply("Rows of " + table, MapElements.into(TypeDescriptors.longs()).via((long[] c) -> c[0]));
      rowCounts.put(table, n);
      labelled = labelled.and(n.apply("Label " + table, MapElements
          .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
          .via((Long rowsOf) -> KV.of(table, rowsOf))));
    }
    for (Map.Entry<String, List<Check.Tallied>> entry : tallied.entrySet()) {
      String table = entry.getKey();
      for (int i = 0; i < entry.getValue().size(); i++) {
        Check.Tallied check = entry.getValue().get(i);
        String stepName = table + ": " + String.join(" + ", check.resultNames());
        results = results.and(Check.pair(tallies.get(table), slots.get(table)[i], "Counts for " + stepName)
            .apply(stepName, new Judging(check, rowCounts, pipeline, table)));
      }
    }
    return PCollectionTuple
        .of(RESULTS, results.apply("Results", Flatten.pCollections()).setRowSchema(QualityResult.SCHEMA))
        .and(ROW_COUNTS, labelled.apply("Row counts", Flatten.pCollections())
            .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())));
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

  /** One counting check's judging, in a composite of its own so that its step names are its own. */
  private static final class Judging extends PTransform<PCollection<KV<Long, Long>>, PCollection<Row>> {
    // Construction-time configuration (PCollections); never serialized.
    private final transient Check.Tallied check;
    private final transient Map<String, PCollection<Long>> rowCounts;
    private final String pipeline;
    private final String table;

    Judging(Check.Tallied check, Map<String, PCollection<Long>> rowCounts, String pipeline, String table) {
      this.check = check;
      this.rowCounts = rowCounts;
      this.pipeline = pipeline;
      this.table = table;
    }

    @Override
    public PCollection<Row> expand(PCollection<KV<Long, Long>> counts) {
      return check.judge(counts, rowCounts, pipeline, table);
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
