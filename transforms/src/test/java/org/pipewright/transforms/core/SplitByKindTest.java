package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class SplitByKindTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void routesKnownKindsAndDeadLettersTheRest() {
    PCollection<Row> tagged = pipeline.apply(Create.of(
        TaggedRecord.of("pin", "t.pin/0@1", "{\"index\": 1}"),
        TaggedRecord.of("geo", "t.geo/0@7", "{\"ind\": 1}"),
        TaggedRecord.of("pin", "t.pin/1@3", "{\"index\": 2}"),
        TaggedRecord.of("comment", "t.comment/0@0", "{\"id\": 9}")).withRowSchema(TaggedRecord.SCHEMA));

    SplitByKind.Result split = tagged.apply(SplitByKind.of(List.of("pin", "geo", "user")));

    PAssert.that(split.get("pin")).containsInAnyOrder(
        RawRecord.of("t.pin/0@1", "{\"index\": 1}"), RawRecord.of("t.pin/1@3", "{\"index\": 2}"));
    PAssert.that(split.get("geo")).containsInAnyOrder(RawRecord.of("t.geo/0@7", "{\"ind\": 1}"));
    PAssert.that(split.get("user")).empty();
    PAssert.that(split.deadLetters()).containsInAnyOrder(DeadLetter.of("unknown", "SplitByKind",
        "unknown record kind 'comment' (expected one of [pin, geo, user])", "t.comment/0@0", "{\"id\": 9}"));
    pipeline.run();
  }

  @Test
  public void askingForAKindThatWasNotSplitFails() {
    pipeline.enableAbandonedNodeEnforcement(false);
    PCollection<Row> tagged = pipeline.apply(Create.empty(org.apache.beam.sdk.coders.RowCoder.of(TaggedRecord.SCHEMA))).setRowSchema(TaggedRecord.SCHEMA);
    SplitByKind.Result split = tagged.apply(SplitByKind.of(List.of("pin")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> split.get("geo"));
    assertEquals("kind 'geo' was not split out; known: [pin]", e.getMessage());
  }
}
