package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

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
    CleanFn fn = new CleanFn(cleaner, stepName, maxPayloadChars);
    return fn.outputs.apply(input, "Decode and clean", fn, cleaner.cleanSchema());
  }

  private static final class CleanFn extends DoFn<Row, Row> {
    private final RecordCleaner cleaner;
    private final String stepName;
    private final int maxPayloadChars;
    final CleanOutputs outputs;

    CleanFn(RecordCleaner cleaner, String stepName, int maxPayloadChars) {
      this.cleaner = cleaner;
      this.stepName = stepName;
      this.maxPayloadChars = maxPayloadChars;
      this.outputs = CleanOutputs.of(cleaner.kind());
    }

    @ProcessElement
    public void process(@Element Row record, MultiOutputReceiver out) {
      Outcome outcome = cleanOne(cleaner, stepName, maxPayloadChars, record);
      if (outcome.deadLetter != null) {
        outputs.deadLetter(out, outcome.deadLetter);
      } else {
        outputs.clean(out, outcome.clean);
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