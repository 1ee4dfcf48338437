package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pipewright.transforms.internal.Checks;

/**
 * Decodes and cleans {@link RawRecord}s of one kind with a {@link RecordCleaner}.
 *
 * <p>Every input record ends up in exactly one of {@link CleanResult#output()} or {@link
 * CleanResult#deadLetters()}: unparseable JSON, a wrong type or a value the cleaner refuses become
 * a dead letter carrying the original payload, its source, this step's name and the reason. Nothing
 * is dropped and bad input never fails the pipeline. A payload longer than {@link
 * #withMaxPayloadChars} (default {@value #DEFAULT_MAX_PAYLOAD_CHARS}) is refused before it is
 * parsed; its dead letter keeps the first {@value #KEPT_PAYLOAD_CHARS} characters and says so, so
 * one huge record cannot exhaust memory or the dead-letter store. A record its source already
 * refused ({@link RawRecord#refused}) becomes a dead letter with the source's reason. Counters {@code <kind>.read}, {@code
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

  public static final int DEFAULT_MAX_PAYLOAD_CHARS = 1 << 20;
  static final int KEPT_PAYLOAD_CHARS = 4096;

  private final RecordCleaner cleaner;
  private final String stepName;
  private final int maxPayloadChars;

  private CleanRecords(RecordCleaner cleaner, String stepName, int maxPayloadChars) {
    this.cleaner = cleaner;
    this.stepName = stepName;
    this.maxPayloadChars = maxPayloadChars;
  }

  /** Cleans with {@code cleaner}; dead letters name the step {@code clean-<kind>} unless renamed. */
  public static CleanRecords with(RecordCleaner cleaner) {
    checkNotNull(cleaner, "cleaner");
    return new CleanRecords(cleaner, "clean-" + cleaner.kind(), DEFAULT_MAX_PAYLOAD_CHARS);
  }

  /** Returns a copy whose dead letters report {@code stepName} as the failing step. */
  public CleanRecords withStepName(String stepName) {
    checkArgument(stepName != null && !stepName.isEmpty(), "stepName must not be empty");
    return new CleanRecords(cleaner, stepName, maxPayloadChars);
  }

  /** Returns a copy that refuses payloads longer than {@code maxPayloadChars} characters. */
  public CleanRecords withMaxPayloadChars(int maxPayloadChars) {
    checkArgument(maxPayloadChars > 0, "maxPayloadChars must be > 0, got %s", maxPayloadChars);
    return new CleanRecords(cleaner, stepName, maxPayloadChars);
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    checkArgument(
        input.getSchema().equals(RawRecord.SCHEMA),
        "%s expects RawRecord rows, got schema %s",
        stepName,
        input.getSchema());
    TupleTag<Row> outputTag = CleanResult.newOutputTag();
    TupleTag<Row> deadLetterTag = CleanResult.newOutputTag();
    PCollectionTuple tuple =
        input.apply(
            "Decode and clean",
            ParDo.of(new CleanFn(cleaner, stepName, maxPayloadChars, outputTag, deadLetterTag))
                .withOutputTags(outputTag, TupleTagList.of(deadLetterTag)));
    tuple.get(outputTag).setRowSchema(cleaner.cleanSchema());
    tuple.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA);
    return new CleanResult(tuple, outputTag, deadLetterTag);
  }

  private static final class CleanFn extends DoFn<Row, Row> {
    private final RecordCleaner cleaner;
    private final String stepName;
    private final int maxPayloadChars;
    private final Counter read;
    private final Counter clean;
    private final Counter dead;

    private final TupleTag<Row> outputTag;
    private final TupleTag<Row> deadLetterTag;

    CleanFn(RecordCleaner cleaner, String stepName, int maxPayloadChars, TupleTag<Row> outputTag,
        TupleTag<Row> deadLetterTag) {
      this.outputTag = outputTag;
      this.deadLetterTag = deadLetterTag;
      this.cleaner = cleaner;
      this.stepName = stepName;
      this.maxPayloadChars = maxPayloadChars;
      this.read = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".read");
      this.clean = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".clean");
      this.dead = Metrics.counter(METRICS_NAMESPACE, cleaner.kind() + ".deadLetter");
    }

    @ProcessElement
    public void process(@Element Row record, MultiOutputReceiver out) {
      read.inc();
      Outcome outcome = cleanOne(cleaner, stepName, maxPayloadChars, record);
      if (outcome.deadLetter != null) {
        dead.inc();
        out.get(deadLetterTag).output(outcome.deadLetter);
      } else {
        clean.inc();
        out.get(outputTag).output(outcome.clean);
      }
    }
  }

  /** What became of one record: exactly one of the two is set. */
  static final class Outcome {
    final Row clean;
    final Row deadLetter;

    private Outcome(Row clean, Row deadLetter) {
      this.clean = clean;
      this.deadLetter = deadLetter;
    }

    static Outcome clean(Row row) {
      return new Outcome(row, null);
    }

    static Outcome dead(Row deadLetter) {
      return new Outcome(null, deadLetter);
    }
  }

  /**
   * Cleans one {@link RawRecord}. Never throws for any input; package-private so that property
   * tests can drive it with many thousands of inputs without a pipeline.
   */
  static Outcome cleanOne(RecordCleaner cleaner, String stepName, int maxPayloadChars, Row record) {
    String sourceError = RawRecord.error(record);
    if (sourceError != null) {
      return Outcome.dead(DeadLetter.of(cleaner.kind(), stepName, sourceError, record));
    }
    String payload = RawRecord.payload(record);
    if (payload.length() > maxPayloadChars) {
      return Outcome.dead(DeadLetter.of(cleaner.kind(), stepName,
          "record too large: " + payload.length() + " characters (limit " + maxPayloadChars
              + "); payload truncated to the first " + KEPT_PAYLOAD_CHARS + " characters",
          RawRecord.source(record), payload.substring(0, Math.min(KEPT_PAYLOAD_CHARS, payload.length()))));
    }
    try {
      return Outcome.clean(cleaner.clean(RawJson.parseObject(payload)));
    } catch (BadValueException e) {
      return Outcome.dead(DeadLetter.of(cleaner.kind(), stepName, e.getMessage(), record));
    } catch (RuntimeException | StackOverflowError e) {
      // A bug in a cleaner (or input deeper than any limit foresaw) must not lose the record either.
      return Outcome.dead(DeadLetter.of(cleaner.kind(), stepName, "unexpected error: " + e, record));
    }
  }
}