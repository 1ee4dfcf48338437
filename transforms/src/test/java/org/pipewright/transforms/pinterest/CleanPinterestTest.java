package org.pipewright.transforms.pinterest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.Counters;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.core.Timestamps;

public class CleanPinterestTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  // ---- pins -------------------------------------------------------------------------------

  private static final String PIN_GOOD_1 =
      "{\"index\": 7528, \"unique_id\": \"fbe53c66-3442-4773-b19e-d3ec6f54dddf\","
          + " \"title\": \"No Title Data Available\","
          + " \"description\": \"No description available Story format\","
          + " \"poster_name\": \"User Info Error\", \"follower_count\": \"User Info Error\","
          + " \"tag_list\": \"N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e\","
          + " \"is_image_or_video\": \"multi-video(story page format)\","
          + " \"image_src\": \"Image src error.\", \"downloaded\": 0,"
          + " \"save_location\": \"Local save in /data/mens-fashion\","
          + " \"category\": \"mens-fashion\"}";
  private static final String PIN_GOOD_2 =
      "{\"index\": 2863, \"unique_id\": \"9bf39437-42a6-4f02-99a0-9a0383d8cd70\","
          + " \"title\": \"Summer Crafts\", \"description\": \"Keep the kids busy\","
          + " \"poster_name\": \" Of Life & Lisa\\u00a0\", \"follower_count\": \"43k\","
          + " \"tag_list\": \"Crafts,Kids\", \"is_image_or_video\": \"image\","
          + " \"img_src\": \"https://i.pinimg.com/x.png\", \"downloaded\": 1,"
          + " \"save_location\": \"Local save in /data/diy-and-crafts\","
          + " \"category\": \"diy-and-crafts\"}";
  private static final String PIN_LOTS = "{\"index\": 11, \"follower_count\": \"lots\"}";
  private static final String PIN_NO_ID = "{\"title\": \"orphan\", \"follower_count\": \"5\"}";
  private static final String PIN_BAD_ID = "{\"index\": \"eleven\"}";
  private static final String NOT_JSON = "{\"index\": 12, \"title\": ";
  private static final String JSON_ARRAY = "[{\"index\": 13}]";

  private static final List<Row> PIN_INPUT =
      Arrays.asList(
          RawRecord.of("pins.jsonl:1", PIN_GOOD_1),
          RawRecord.of("pins.jsonl:2", PIN_LOTS),
          RawRecord.of("pins.jsonl:3", PIN_GOOD_2),
          RawRecord.of("pins.jsonl:4", NOT_JSON),
          RawRecord.of("pins.jsonl:5", JSON_ARRAY),
          RawRecord.of("pins.jsonl:6", PIN_NO_ID),
          RawRecord.of(null, PIN_BAD_ID));

  private static Row pinRow(Object... values) {
    return Row.withSchema(PinterestSchemas.PIN).addValues(values).build();
  }

  /** Expected dead letter: source, payload and a fragment of the reason. */
  private static final class Expected {
    final String payload;
    final String reason;

    Expected(String payload, String reason) {
      this.payload = payload;
      this.reason = reason;
    }
  }

  /**
   * Checks every dead letter against {@code expected} (keyed by source), exactly once each: kind,
   * step, a reason naming the cause, and the untouched source and payload.
   */
  private static void assertDeadLetters(
      Iterable<Row> actual, String kind, String step, Map<String, Expected> expected) {
    Map<String, Row> bySource = new HashMap<>();
    int n = 0;
    for (Row dead : actual) {
      n++;
      assertEquals(DeadLetter.SCHEMA, dead.getSchema());
      assertEquals(null, bySource.put(DeadLetter.source(dead), dead));
    }
    assertEquals(expected.size(), n);
    assertEquals(expected.keySet(), bySource.keySet());
    expected.forEach(
        (source, e) -> {
          Row dead = bySource.get(source);
          assertEquals(kind, DeadLetter.kind(dead));
          assertEquals(step, DeadLetter.step(dead));
          assertEquals(e.payload, DeadLetter.payload(dead));
          assertThat(DeadLetter.reason(dead), containsString(e.reason));
        });
  }

  @Test
  public void pinsSplitIntoCleanRowsAndDeadLetters() {
    PCollection<Row> raw =
        pipeline.apply("Raw pins", Create.of(PIN_INPUT).withRowSchema(RawRecord.SCHEMA));
    CleanResult result = raw.apply("CleanPins", CleanPinterest.pins());

    assertEquals(PinterestSchemas.PIN, result.output().getSchema());
    assertEquals(DeadLetter.SCHEMA, result.deadLetters().getSchema());

    PAssert.that(result.output())
        .containsInAnyOrder(
            pinRow(7528L, "fbe53c66-3442-4773-b19e-d3ec6f54dddf", null, null, null, null, null,
                "multi-video(story page format)", null, "/data/mens-fashion", "mens-fashion"),
            pinRow(2863L, "9bf39437-42a6-4f02-99a0-9a0383d8cd70", "Summer Crafts",
                "Keep the kids busy", 43_000L, "Of Life & Lisa", "Crafts,Kids", "image",
                "https://i.pinimg.com/x.png", "/data/diy-and-crafts", "diy-and-crafts"));

    PAssert.that(result.deadLetters())
        .satisfies(
            dead -> {
              Map<String, Expected> expected = new HashMap<>();
              expected.put("pins.jsonl:2", new Expected(PIN_LOTS, "'lots'"));
              expected.put("pins.jsonl:4", new Expected(NOT_JSON, "unparseable JSON"));
              expected.put("pins.jsonl:5", new Expected(JSON_ARRAY, "expected a JSON object, got ARRAY"));
              expected.put("pins.jsonl:6", new Expected(PIN_NO_ID, "missing id 'index'"));
              expected.put(null, new Expected(PIN_BAD_ID, "'eleven'"));
              assertDeadLetters(dead, "pin", "CleanPins", expected);
              return null;
            });

    assertGoodPlusDeadIsInput(result, PIN_INPUT.size(), 2, 5);

    PipelineResult run = pipeline.run();
    run.waitUntilFinish();
    assertCounter(run, "pin.read", 7);
    assertCounter(run, "pin.clean", 2);
    assertCounter(run, "pin.deadLetter", 5);
  }

  // ---- geo --------------------------------------------------------------------------------

  private static final String GEO_GOOD =
      "{\"ind\": 7528, \"timestamp\": \"2020-08-28 03:52:47\", \"latitude\": -89.9787,"
          + " \"longitude\": -173.293, \"country\": \"Albania \"}";
  private static final String GEO_GOOD_ALIAS =
      "{\"index\": 2863, \"timestamp\": \"2019-01-10T04:28:20\", \"latitude\": \"10.5\","
          + " \"longitude\": \"20\", \"country\": \"Chile\"}";
  private static final String GEO_NORTH =
      "{\"ind\": 1, \"latitude\": \"north\", \"longitude\": 2, \"country\": \"X\"}";
  private static final String GEO_LAT_95 =
      "{\"ind\": 2, \"latitude\": 95, \"longitude\": 2, \"country\": \"X\"}";
  private static final String GEO_BAD_TIME =
      "{\"ind\": 3, \"timestamp\": \"2020-13-01T00:00:00\", \"country\": \"X\"}";
  private static final String GEO_NO_ID = "{\"country\": \"X\"}";

  @Test
  public void anOversizedRecordIsRefusedUnparsedWithItsStartKept() {
    String huge = "{\"index\": 1, \"title\": \"" + "y".repeat(6000) + "\"}";
    String small = "{\"index\": 2, \"title\": \"ok\"}";
    CleanResult result = pipeline
        .apply("Raw pins", Create.of(RawRecord.of("t.pin/0@5", huge), RawRecord.of("t.pin/0@6", small))
            .withRowSchema(RawRecord.SCHEMA))
        .apply("CleanPins", CleanPinterest.pins().withMaxPayloadChars(5000));
    PAssert.that(result.output()).containsInAnyOrder(
        pinRow(2L, null, "ok", null, null, null, null, null, null, null, null));
    PAssert.that(result.deadLetters()).containsInAnyOrder(DeadLetter.of("pin", "CleanPins",
        "record too large: " + huge.length() + " characters (limit 5000); payload truncated to the first 4096 characters",
        "t.pin/0@5", huge.substring(0, 4096)));
    pipeline.run();
  }

  @Test
  public void geoSplitIntoCleanRowsAndDeadLetters() {
    List<Row> input =
        Arrays.asList(
            RawRecord.of("geo@0", GEO_GOOD),
            RawRecord.of("geo@1", GEO_NORTH),
            RawRecord.of("geo@2", GEO_GOOD_ALIAS),
            RawRecord.of("geo@3", GEO_LAT_95),
            RawRecord.of("geo@4", GEO_BAD_TIME),
            RawRecord.of("geo@5", GEO_NO_ID),
            RawRecord.of("geo@6", JSON_ARRAY),
            RawRecord.of("geo@7", NOT_JSON));
    CleanResult result =
        pipeline
            .apply("Raw geo", Create.of(input).withRowSchema(RawRecord.SCHEMA))
            .apply("CleanGeo", CleanPinterest.geo());

    PAssert.that(result.output())
        .containsInAnyOrder(
            Row.withSchema(PinterestSchemas.GEO)
                .addValues(7528L, "Albania", Arrays.asList(-89.9787, -173.293),
                    Timestamps.parseUtc("2020-08-28T03:52:47Z"))
                .build(),
            Row.withSchema(PinterestSchemas.GEO)
                .addValues(2863L, "Chile", Arrays.asList(10.5, 20.0),
                    Timestamps.parseUtc("2019-01-10T04:28:20Z"))
                .build());
    PAssert.that(result.deadLetters())
        .satisfies(
            dead -> {
              Map<String, Expected> expected = new HashMap<>();
              expected.put("geo@1", new Expected(GEO_NORTH, "north"));
              expected.put("geo@3", new Expected(GEO_LAT_95, "95"));
              expected.put("geo@4", new Expected(GEO_BAD_TIME, "2020-13-01T00:00:00"));
              expected.put("geo@5", new Expected(GEO_NO_ID, "missing id 'ind'"));
              expected.put("geo@6", new Expected(JSON_ARRAY, "ARRAY"));
              expected.put("geo@7", new Expected(NOT_JSON, "unparseable JSON"));
              assertDeadLetters(dead, "geo", "CleanGeo", expected);
              return null;
            });
    assertGoodPlusDeadIsInput(result, input.size(), 2, 6);
    pipeline.run().waitUntilFinish();
  }

  // ---- users ------------------------------------------------------------------------------

  private static final String USER_GOOD =
      "{\"ind\": 2863, \"first_name\": \"Dylan\", \"last_name\": \"Holmes\", \"age\": 32,"
          + " \"date_joined\": \"2016-10-23T14:06:51\"}";
  private static final String USER_NO_LAST =
      "{\"ind\": 7, \"first_name\": \"Abigail\", \"age\": \"20\","
          + " \"date_joined\": \"2015-10-31 11:13:49\"}";
  private static final String USER_AGE_ABC = "{\"ind\": 8, \"first_name\": \"A\", \"age\": \"abc\"}";
  private static final String USER_24H =
      "{\"ind\": 9, \"first_name\": \"B\", \"date_joined\": \"2020-01-01T24:00:00\"}";
  private static final String USER_BAD_ID = "{\"ind\": \"x9\", \"first_name\": \"C\"}";

  @Test
  public void usersSplitIntoCleanRowsAndDeadLetters() {
    List<Row> input =
        Arrays.asList(
            RawRecord.of("u:1", USER_GOOD),
            RawRecord.of("u:2", USER_AGE_ABC),
            RawRecord.of("u:3", USER_NO_LAST),
            RawRecord.of("u:4", USER_24H),
            RawRecord.of("u:5", USER_BAD_ID),
            RawRecord.of("u:6", "{}"));
    CleanResult result =
        pipeline
            .apply("Raw users", Create.of(input).withRowSchema(RawRecord.SCHEMA))
            .apply("CleanUsers", CleanPinterest.users());

    PAssert.that(result.output())
        .containsInAnyOrder(
            Row.withSchema(PinterestSchemas.USER)
                .addValues(2863L, "Dylan Holmes", 32, Timestamps.parseUtc("2016-10-23T14:06:51Z"))
                .build(),
            Row.withSchema(PinterestSchemas.USER)
                .addValues(7L, "Abigail", 20, Timestamps.parseUtc("2015-10-31T11:13:49Z"))
                .build());
    PAssert.that(result.deadLetters())
        .satisfies(
            dead -> {
              Map<String, Expected> expected = new HashMap<>();
              expected.put("u:2", new Expected(USER_AGE_ABC, "abc"));
              expected.put("u:4", new Expected(USER_24H, "2020-01-01T24:00:00"));
              expected.put("u:5", new Expected(USER_BAD_ID, "'x9'"));
              expected.put("u:6", new Expected("{}", "missing id 'ind'"));
              assertDeadLetters(dead, "user", "CleanUsers", expected);
              return null;
            });
    assertGoodPlusDeadIsInput(result, input.size(), 2, 4);
    pipeline.run().waitUntilFinish();
  }

  // ---- shared -----------------------------------------------------------------------------

  @Test
  public void emptyInputGivesEmptyOutputs() {
    CleanResult result =
        pipeline
            .apply(Create.empty(RowCoder.of(RawRecord.SCHEMA)))
            .setRowSchema(RawRecord.SCHEMA)
            .apply("CleanPins", CleanPinterest.pins());
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void rejectsInputThatIsNotRawRecords() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> notRaw =
        p.apply(
            Create.of(Row.withSchema(PinterestSchemas.RAW_GEO).addValues("1", null, null, null, null).build())
                .withRowSchema(PinterestSchemas.RAW_GEO));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> notRaw.apply(CleanPinterest.geo()));
    assertThat(e.getMessage(), startsWith("CleanGeo expects RawRecord rows"));
  }

  @Test
  public void rejectsEmptyStepName() {
    assertThrows(IllegalArgumentException.class, () -> CleanRecords.with(new PinCleaner()).withStepName(""));
    assertThrows(IllegalArgumentException.class, () -> CleanRecords.with(null));
  }

  /** Every input lands in exactly one output: counts of clean rows and dead letters add up. */
  private static void assertGoodPlusDeadIsInput(CleanResult result, long inputs, long good, long dead) {
    assertEquals(inputs, good + dead);
    PCollection<Long> goodCount = result.output().apply("Count good", Count.globally());
    PCollection<Long> deadCount = result.deadLetters().apply("Count dead", Count.globally());
    PAssert.thatSingleton(goodCount).isEqualTo(good);
    PAssert.thatSingleton(deadCount).isEqualTo(dead);
    PAssert.thatSingleton(
            PCollectionList.of(goodCount)
                .and(deadCount)
                .apply("Both", Flatten.pCollections())
                .apply("Total", Sum.longsGlobally()))
        .isEqualTo(inputs);
  }

  private static void assertCounter(PipelineResult run, String name, long expected) {
    assertEquals(name, List.of(expected), Counters.perStep(run, name));
  }
}
