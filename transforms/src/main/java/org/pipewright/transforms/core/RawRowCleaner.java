package org.pipewright.transforms.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * A {@link RecordCleaner} for dirty sources: the JSON object is first mapped onto a raw schema of
 * nullable strings ({@link RawJson#toRow}), then {@link #cleanRaw} applies the typing rules.
 */
public abstract class RawRowCleaner implements RecordCleaner {
  private static final long serialVersionUID = 1L;

  /** The raw record's schema: every field a nullable string, as the dirty source sends it. */
  public abstract Schema rawSchema();

  /** Alternative raw field names, e.g. {@code img_src -> image_src}. */
  public Map<String, String> aliases() {
    return Map.of();
  }

  /** Cleans one raw record; throws {@link BadValueException} with the reason. */
  public abstract Row cleanRaw(Row raw);

  @Override
  public final Row clean(JsonNode object) {
    return cleanRaw(RawJson.toRow(object, rawSchema(), aliases()));
  }
}
