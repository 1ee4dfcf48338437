package org.pipewright.transforms.core;

import static org.pipewright.transforms.core.Checks.checkArgument;
import static org.pipewright.transforms.core.Checks.checkNotNull;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Decodes and cleans {@link RawRecord}s of one kind with a {@link RecordCleaner}.
 *
 * <p>Every input record ends up in exactly one of {@link CleanResult#output()} or {@link
 * CleanResult#deadLetters()}: unparseable JSON, a wrong type or a value the cleaner refuses become
 * a dead letter carrying the original payload, its source, this step's name and the reason. Nothing
 * is dropped and bad input never fails the pipeline. Counters {@code <kind>.read}, {@code
 * <kind>.clean} and {@code <kind>.deadLetter} are reported in the {@value #METRICS_NAMESPACE}
 * namespace.
 *
 * <pre>{@code
 * CleanResult pins = rawPins.apply("CleanPins", CleanPins.create());
 * pins.output();       // clean pin rows
 * pins.deadLetters();  // DeadLetter rows
 * }</pre>
 */
public final class CleanRecords extends PTransform<PCollection<Row>, CleanResult> {
  public static final String METRICS_NAMESPACE = "pipewright";

  private final RecordCleaner cleaner;
  private final String stepName;

  private CleanRecords(RecordCleaner cleaner, String stepName) {
    this.cleaner = cleaner;
    this.stepName = stepName;
  }

  /** Cleans with {@code cleaner}; dead letters name the step {@code clean-<kind>} unless renamed. */
  public static CleanRecords with(RecordCleaner cleaner) {
    checkNotNull(cleaner, "cleaner");
    return new CleanRecords(cleaner, "clean-" + cleaner.kind());
  }

  /** Returns a copy whose dead letters report {@code stepName} as the failing step. */
  public CleanRecords withStepName(String stepName) {
    checkArgument(stepName != null && !stepName.isEmpty(), "stepName must not be empty");
    return new CleanRecords(cleaner, stepName);
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    checkArgument(
        input.getSchema().equals(RawRecord.SCHEMA),
        "%s expects RawRecord rows, got schema %s",
        stepName,
        input.getSchema());
    PCollectionTuple tuple =
        input.apply(
            "Decode and clean",
            ParDo.of(new CleanFn(cleaner, stepName))
                .withOutputTags(CleanResult.OUTPUT, TupleTagList.of(CleanResult.DEAD_LETTERS)));
    tuple.get(CleanResult.OUTPUT).setRowSchema(cleaner.cleanSchema());
    tuple.get(CleanResult.DEAD_LETTERS).setRowSchema(DeadLetter.SCHEMA);
    return new CleanResult(tuple);
  }

  private static final class CleanFn extends DoFn<Row, Row> {
    private final RecordCleaner cleaner;
    private final String stepName;
    private final Counter read;
    private final Counter clean;
    private final Counter dead;

    CleanFn(RecordCleaner cleaner, String stepName) {
      this.cleaner = cleaner;
      this.stepName = stepName;
      this.read = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".read");
      this.clean = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".clean");
      this.dead = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".deadLetter");
    }

    @ProcessElement
    public void process(@Element Row record, MultiOutputReceiver out) {
      read.inc();
      Row cleaned;
      try {
        cleaned = cleaner.clean(RawJson.parseObject(RawRecord.payload(record)));
      } catch (BadValueException e) {
        dead.inc();
        out.get(CleanResult.DEAD_LETTERS)
            .output(DeadLetter.of(cleaner.kind(), stepName, e.getMessage(), record));
        return;
      } catch (RuntimeException e) {
        // A bug in a cleaner must not lose the record either: keep it, with the cause.
        dead.inc();
        out.get(CleanResult.DEAD_LETTERS)
            .output(DeadLetter.of(cleaner.kind(), stepName, "unexpected error: " + e, record));
        return;
      }
      clean.inc();
      out.get(CleanResult.OUTPUT).output(cleaned);
    }
  }
}
