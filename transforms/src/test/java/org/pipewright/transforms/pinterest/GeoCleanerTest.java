package org.pipewright.transforms.pinterest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.RawJson;

public class GeoCleanerTest {
  /** 2020-08-28T03:52:47Z. */
  private static final Instant AUG_28 = new Instant(1_598_586_767_000L);

  private final GeoCleaner cleaner = new GeoCleaner();

  private Row clean(String json) {
    return cleaner.clean(RawJson.parseObject(json));
  }

  private BadValueException bad(String json) {
    return assertThrows(BadValueException.class, () -> clean(json));
  }

  static Row geo(long ind, String country, List<Double> coordinates, Instant timestamp) {
    return Row.withSchema(PinterestSchemas.GEO).addValues(ind, country, coordinates, timestamp).build();
  }

  @Test
  public void describesItself() {
    assertEquals("geo", cleaner.kind());
    assertEquals(PinterestSchemas.GEO, cleaner.cleanSchema());
  }

  @Test
  public void cleansRecord() {
    String json =
        "{\"ind\": 7528, \"timestamp\": \"2020-08-28 03:52:47\", \"latitude\": -89.9787,"
            + " \"longitude\": -173.293, \"country\": \" Albania\\u00a0\"}";
    assertEquals(geo(7528, "Albania", Arrays.asList(-89.9787, -173.293), AUG_28), clean(json));
  }

  @Test
  public void cleansRecordWithTextNumbersAndIsoTimestamp() {
    String json =
        "{\"index\": \"2863\", \"timestamp\": \"2020-08-28T03:52:47\", \"latitude\": \" 45.5 \","
            + " \"longitude\": \"-180\", \"country\": \"Côte d'Ivoire\"}";
    assertEquals(geo(2863, "Côte d'Ivoire", Arrays.asList(45.5, -180.0), AUG_28), clean(json));
  }

  @Test
  public void missingOptionalValuesAreNull() {
    assertEquals(
        geo(3, null, null, null),
        clean("{\"ind\": 3, \"country\": \"NULL\", \"latitude\": null, \"longitude\": \"\"}"));
  }

  @Test
  public void missingIdIsBad() {
    assertEquals(
        "missing id 'ind'", bad("{\"latitude\": 1, \"longitude\": 2, \"country\": \"X\"}").getMessage());
  }

  @Test
  public void nonNumericIdIsBad() {
    assertThat(bad("{\"ind\": \"seven\"}").getMessage(), containsString("'ind'"));
  }

  @Test
  public void nonNumericLatitudeIsBad() {
    BadValueException e = bad("{\"ind\": 1, \"latitude\": \"north\", \"longitude\": 2}");
    assertThat(e.getMessage(), containsString("'latitude'"));
    assertThat(e.getMessage(), containsString("north"));
  }

  @Test
  public void outOfRangeCoordinatesAreBad() {
    BadValueException e = bad("{\"ind\": 1, \"latitude\": 95, \"longitude\": 2}");
    assertThat(e.getMessage(), containsString("latitude"));
    assertThat(e.getMessage(), containsString("95"));
    e = bad("{\"ind\": 1, \"latitude\": 5, \"longitude\": 180.5}");
    assertThat(e.getMessage(), containsString("longitude"));
  }

  @Test
  public void halfACoordinateIsBad() {
    assertThat(
        bad("{\"ind\": 1, \"latitude\": 5}").getMessage(), containsString("latitude and longitude"));
    assertThat(
        bad("{\"ind\": 1, \"longitude\": 5}").getMessage(), containsString("latitude and longitude"));
  }

  @Test
  public void impossibleTimestampIsBad() {
    assertThat(
        bad("{\"ind\": 1, \"timestamp\": \"2020-13-01 00:00:00\"}").getMessage(),
        containsString("2020-13-01 00:00:00"));
    bad("{\"ind\": 1, \"timestamp\": \"2020-01-01T24:00:00\"}");
    bad("{\"ind\": 1, \"timestamp\": \"2020-02-30 10:00:00\"}");
  }
}
