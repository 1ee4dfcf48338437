package org.pipewright.transforms.core;

import java.io.Serializable;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The pure rules that turn one raw record into one clean record. Implementations are plain,
 * stateless classes, unit-tested without a pipeline; {@link CleanRecords} runs them in a pipeline
 * and turns every {@link BadValueException} into a dead letter.
 */
public interface RecordCleaner extends Serializable {

  /** Short name of the record kind, for example {@code pin}; used in metrics and dead letters. */
  String kind();

  /** The raw record's schema: every field a nullable string, as the dirty source sends it. */
  Schema rawSchema();

  /** Alternative raw field names, e.g. {@code img_src -> image_src}. */
  default Map<String, String> aliases() {
    return Map.of();
  }

  /** The clean record's schema. */
  Schema cleanSchema();

  /**
   * Cleans one raw record.
   *
   * @throws BadValueException when a value cannot be cleaned; the message is the reason
   */
  Row clean(Row raw);
}
