package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.DeadLetter;

/**
 * Gathers the dead letters of every step into one folder as JSON lines ({@link DeadLetter}
 * schema: kind, step, reason, source, payload), readable whatever the tables' format. Nothing is
 * written when nothing was refused; the run summary says how many records each table refused.
 *
 * <pre>{@code
 * PCollectionList.of(pins.deadLetters()).and(geo.deadLetters())
 *     .apply("Write dead letters", DeadLetterSink.to(out + "/dead-letter"));
 * }</pre>
 */
public final class DeadLetterSink extends PTransform<PCollectionList<Row>, PDone> {
  private final String directory;

  private DeadLetterSink(String directory) {
    this.directory = directory;
  }

  public static DeadLetterSink to(String directory) {
    checkArgument(directory != null && !directory.isEmpty(), "directory must not be empty");
    return new DeadLetterSink(directory);
  }

  @Override
  public PDone expand(PCollectionList<Row> deadLetters) {
    for (int i = 0; i < deadLetters.size(); i++) {
      checkArgument(deadLetters.get(i).getSchema().equals(DeadLetter.SCHEMA),
          "DeadLetterSink expects DeadLetter rows, got %s", deadLetters.get(i).getSchema());
    }
    return deadLetters
        .apply("Gather", Flatten.pCollections())
        .setRowSchema(DeadLetter.SCHEMA)
        // One file: dead letters are few. A fixed shard count also matters on the Spark runner, whose
        // runner-sharded file write kept only one of the flattened inputs (seen with Beam 2.70).
        .apply("Write", WriteRows.to(directory).withNumShards(1));
  }
}
