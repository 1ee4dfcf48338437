package org.pipewright.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.transforms.display.DisplayData;

/**
 * What a built pipeline graph shows and ships, as text to search: tests use it to prove that no
 * secret reaches display data (runner UIs, logs) or the serialized transforms a runner ships.
 */
public final class GraphScan {
  private GraphScan() {}

  /** {@code DisplayData.from(transform)} of every composite and primitive transform, one per line. */
  public static String displayData(Pipeline pipeline) {
    StringBuilder all = new StringBuilder();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
        if (node.getTransform() != null) { // the root node has none
          all.append(node.getFullName()).append(": ").append(DisplayData.from(node.getTransform())).append('\n');
        }
        return CompositeBehavior.ENTER_TRANSFORM;
      }

      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        all.append(node.getFullName()).append(": ").append(DisplayData.from(node.getTransform())).append('\n');
      }
    });
    return all.toString();
  }

  /**
   * Every primitive transform (with its DoFns, sources and their configuration) Java-serialized, as
   * runners ship them, without Beam's compression so that strings can be found.
   */
  public static String serialized(Pipeline pipeline) {
    StringBuilder all = new StringBuilder();
    pipeline.traverseTopologically(new Pipeline.PipelineVisitor.Defaults() {
      @Override
      public void visitPrimitiveTransform(TransformHierarchy.Node node) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
          out.writeObject(node.getTransform());
        } catch (IOException e) {
          throw new AssertionError(node.getFullName() + " is not serializable", e);
        }
        all.append(new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1));
      }
    });
    return all.toString();
  }
}
