package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.internal.Checks;

/**
 * Reads already-clean JSON records of a known schema (see {@link RowJson}); a record with a value
 * of the wrong type becomes a dead letter like any other bad record.
 */
public final class JsonRowCleaner implements RecordCleaner {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final Schema schema;

  private JsonRowCleaner(String kind, Schema schema) {
    this.kind = kind;
    this.schema = schema;
  }

  public static JsonRowCleaner of(String kind, Schema schema) {
    return new JsonRowCleaner(checkNotNull(kind, "kind"), checkNotNull(schema, "schema"));
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public Schema cleanSchema() {
    return schema;
  }

  @Override
  public Row clean(JsonNode object) {
    return RowJson.toRow(object, schema);
  }
}
