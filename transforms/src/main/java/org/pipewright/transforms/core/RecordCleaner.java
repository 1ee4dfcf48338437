package org.pipewright.transforms.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The pure rules that turn one decoded JSON object into one clean record. Implementations are
 * plain, stateless classes, unit-tested without a pipeline; {@link CleanRecords} runs them in a
 * pipeline and turns every {@link BadValueException} into a dead letter.
 */
public interface RecordCleaner extends Serializable {

  /** Short name of the record kind, for example {@code pin}; used in metrics and dead letters. */
  String kind();

  /** The clean record's schema. */
  Schema cleanSchema();

  /**
   * Cleans one record.
   *
   * @throws BadValueException when a value cannot be cleaned; the message is the reason
   */
  Row clean(JsonNode object);
}
