package org.pipewright.transforms.pinterest;

import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.RawRowCleaner;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.Values;

/** Cleansing rules for geo records: coordinates as {@code [lat, lon]}, timestamp as UTC. */
public final class GeoCleaner extends RawRowCleaner {
  private static final long serialVersionUID = 1L;

  @Override
  public String kind() {
    return "geo";
  }

  @Override
  public Schema rawSchema() {
    return PinterestSchemas.RAW_GEO;
  }

  @Override
  public Map<String, String> aliases() {
    return Map.of("index", "ind");
  }

  @Override
  public Schema cleanSchema() {
    return PinterestSchemas.GEO;
  }

  @Override
  public Row cleanRaw(Row raw) {
    Double lat = Numbers.decimal("latitude", Values.clean(raw.getString("latitude")), -90, 90);
    Double lon = Numbers.decimal("longitude", Values.clean(raw.getString("longitude")), -180, 180);
    if ((lat == null) != (lon == null)) {
      throw new BadValueException("only one of latitude and longitude is present");
    }
    return Row.withSchema(PinterestSchemas.GEO).attachValues(
        Numbers.id("ind", raw.getString("ind")),
        Values.clean(raw.getString("country")),
        lat == null ? null : Arrays.asList(lat, lon),
        Timestamps.parseUtc(Values.clean(raw.getString("timestamp"))));
  }
}
