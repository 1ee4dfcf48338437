package org.pipewright.transforms.core;

import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The several outputs of one step as a single {@link POutput} with named getters, backed by the
 * tuple the step produced: what a transform returns instead of a bare {@link PCollectionTuple}.
 */
public abstract class TupleOutput implements POutput {
  protected final PCollectionTuple tuple;

  protected TupleOutput(PCollectionTuple tuple) {
    this.tuple = tuple;
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
