package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.Serializable;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * The two outputs of a cleaning {@link DoFn} of one kind of record, and their counters: the DoFn
 * holds one, sends each row through {@link #clean} or {@link #deadLetter}, and {@link #apply} runs
 * it as a {@link CleanResult}. Counters {@code <kind>.read}, {@code <kind>.clean} and {@code
 * <kind>.deadLetter} in the {@value CleanRecords#METRICS_NAMESPACE} namespace, with {@code read =
 * clean + deadLetter}.
 *
 * <pre>{@code
 * class ParseFn extends DoFn<Row, Row> {
 *   final CleanOutputs outputs = CleanOutputs.of("orders");
 *   @ProcessElement
 *   public void process(@Element Row in, MultiOutputReceiver out) {
 *     try {
 *       outputs.clean(out, parse(in));
 *     } catch (BadValueException e) {
 *       outputs.deadLetter(out, DeadLetter.of("orders", "parse-orders", e.getMessage(), in));
 *     }
 *   }
 * }
 * ParseFn fn = new ParseFn();
 * CleanResult orders = fn.outputs.apply(raw, "Parse orders", fn, ORDER_SCHEMA);
 * }</pre>
 */
public final class CleanOutputs implements Serializable {
  private static final long serialVersionUID = 1L;

  private final TupleTag<Row> outputTag = CleanResult.newOutputTag();
  private final TupleTag<Row> deadLetterTag = CleanResult.newOutputTag();
  private final Counter read;
  private final Counter clean;
  private final Counter dead;

  private CleanOutputs(String kind) {
    this.read = Metrics.counter(CleanRecords.METRICS_NAMESPACE, kind + ".read");
    this.clean = Metrics.counter(CleanRecords.METRICS_NAMESPACE, kind + ".clean");
    this.dead = Metrics.counter(CleanRecords.METRICS_NAMESPACE, kind + ".deadLetter");
  }

  /** Fresh outputs for one step that cleans records of {@code kind}. */
  public static CleanOutputs of(String kind) {
    checkArgument(kind != null && !kind.isEmpty(), "kind must not be empty");
    return new CleanOutputs(kind);
  }

  /** Sends a clean row to the output. */
  public void clean(DoFn.MultiOutputReceiver out, Row row) {
    read.inc();
    clean.inc();
    out.get(outputTag).output(row);
  }

  /** Sends a {@link DeadLetter} row to the dead letters. */
  public void deadLetter(DoFn.MultiOutputReceiver out, Row deadLetter) {
    read.inc();
    dead.inc();
    out.get(deadLetterTag).output(deadLetter);
  }

  /**
   * Applies {@code fn}, which sends its rows through this object, to {@code input} as step {@code
   * name}; the clean rows get {@code cleanSchema}, the dead letters {@link DeadLetter#SCHEMA}.
   */
  public <InputT> CleanResult apply(PCollection<InputT> input, String name, DoFn<InputT, Row> fn,
      Schema cleanSchema) {
    PCollectionTuple tuple = input.apply(name,
        ParDo.of(fn).withOutputTags(outputTag, TupleTagList.of(deadLetterTag)));
    tuple.get(outputTag).setRowSchema(cleanSchema);
    tuple.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA);
    return new CleanResult(tuple, outputTag, deadLetterTag);
  }
}
