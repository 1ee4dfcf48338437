package org.pipewright.transforms.core;

import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/** The two outputs of a fallible step: the records it produced and the ones it refused. */
public final class CleanResult extends TupleOutput {
  private final TupleTag<Row> outputTag;
  private final TupleTag<Row> deadLetterTag;

  CleanResult(PCollectionTuple tuple, TupleTag<Row> outputTag, TupleTag<Row> deadLetterTag) {
    super(tuple);
    this.outputTag = outputTag;
    this.deadLetterTag = deadLetterTag;
  }

  /** A fresh tag for every step's outputs, as Beam's own multi-output transforms do. */
  static TupleTag<Row> newOutputTag() {
    return new TupleTag<Row>() {};
  }

  /** A result for input that cannot fail (for example typed Parquet): no dead letters. */
  public static CleanResult of(PCollection<Row> output) {
    PCollection<Row> none =
        output.getPipeline()
            .apply(output.getName() + ".noDeadLetters",
                org.apache.beam.sdk.transforms.Create.empty(
                    org.apache.beam.sdk.coders.RowCoder.of(DeadLetter.SCHEMA)))
            .setRowSchema(DeadLetter.SCHEMA);
    TupleTag<Row> outputTag = newOutputTag();
    TupleTag<Row> deadLetterTag = newOutputTag();
    return new CleanResult(PCollectionTuple.of(outputTag, output).and(deadLetterTag, none), outputTag, deadLetterTag);
  }

  /**
   * A result made of two collections of one pipeline: for steps outside this package whose
   * records fan out (one answer to many items, say), so cannot be a {@link CleanRecords}.
   * {@code deadLetters} must have {@link DeadLetter#SCHEMA}.
   */
  public static CleanResult of(PCollection<Row> output, PCollection<Row> deadLetters) {
    TupleTag<Row> outputTag = newOutputTag();
    TupleTag<Row> deadLetterTag = newOutputTag();
    return new CleanResult(
        PCollectionTuple.of(outputTag, output).and(deadLetterTag, deadLetters), outputTag, deadLetterTag);
  }

  /** Records that passed, with the step's output schema. */
  public PCollection<Row> output() {
    return tuple.get(outputTag);
  }

  /** Refused records, with {@link DeadLetter#SCHEMA}. */
  public PCollection<Row> deadLetters() {
    return tuple.get(deadLetterTag);
  }

}
