package org.pipewright.io.http;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/** The two outputs of {@link CallJsonApi}: good answers and the requests that ended as dead letters. */
public final class ApiResult implements POutput {
  private final PCollectionTuple tuple;
  private final TupleTag<Row> responseTag;
  private final TupleTag<Row> deadLetterTag;

  ApiResult(PCollectionTuple tuple, TupleTag<Row> responseTag, TupleTag<Row> deadLetterTag) {
    this.tuple = tuple;
    this.responseTag = responseTag;
    this.deadLetterTag = deadLetterTag;
  }

  /** Good answers, with {@link ApiResponse#SCHEMA}. */
  public PCollection<Row> responses() {
    return tuple.get(responseTag);
  }

  /** Failed requests, with {@link org.pipewright.transforms.core.DeadLetter#SCHEMA}. */
  public PCollection<Row> deadLetters() {
    return tuple.get(deadLetterTag);
  }

  @Override
  public Pipeline getPipeline() {
    return tuple.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    return tuple.expand();
  }

  @Override
  public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
}
