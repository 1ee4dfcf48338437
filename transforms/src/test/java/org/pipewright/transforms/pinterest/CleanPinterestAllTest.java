package org.pipewright.transforms.pinterest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawRecord;

/** The composite that cleans every Pinterest kind at once, as the batch and streaming jobs use it. */
public class CleanPinterestAllTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final String GEO_1 =
      "{\"ind\": 1, \"country\": \"Chile\", \"latitude\": 10.5, \"longitude\": 20.25,"
          + " \"timestamp\": \"2020-08-28 03:52:47\"}";
  private static final String GEO_2 =
      "{\"ind\": 2, \"country\": \"Peru\", \"latitude\": -1, \"longitude\": 2,"
          + " \"timestamp\": \"2021-01-01 00:00:00\"}";
  private static final String USER_1 =
      "{\"ind\": 1, \"first_name\": \"Ann\", \"last_name\": \"Lee\", \"age\": 30,"
          + " \"date_joined\": \"2016-05-04 10:00:00\"}";

  private PCollectionTuple raw(boolean withUsers) {
    PCollectionTuple raw = PCollectionTuple.of(CleanPinterest.tag("geo"), pipeline.apply("Geo",
        Create.of(RawRecord.of("geo:1", GEO_1), RawRecord.of("geo:2", GEO_2),
            RawRecord.of("geo:3", GEO_1), // an exact re-send
            RawRecord.of("geo:4", "{not json")).withRowSchema(RawRecord.SCHEMA)));
    if (withUsers) {
      raw = raw.and(CleanPinterest.tag("user"), pipeline.apply("Users",
          Create.of(RawRecord.of("user:1", USER_1), RawRecord.of("user:2", "[1]"))
              .withRowSchema(RawRecord.SCHEMA)));
    }
    return raw;
  }

  private static PCollection<Long> count(PCollection<Row> rows, String name) {
    return rows.apply("Count " + name, Count.globally());
  }

  @Test
  public void everyRecordIsCleanADuplicateOrADeadLetterPerKind() {
    CleanPinterest.Result result = raw(true).apply(CleanPinterest.all().withDedupe(true));

    PAssert.that(count(result.beforeDedupe("geo"), "geo valid")).containsInAnyOrder(3L);
    PAssert.that(count(result.clean("geo"), "geo clean")).containsInAnyOrder(2L);
    PAssert.that(count(result.deadLetters("geo"), "geo dead")).containsInAnyOrder(1L);
    PAssert.that(count(result.clean("user"), "user clean")).containsInAnyOrder(1L);
    PAssert.that(result.deadLetters()
            .apply("Sources", MapElements.into(TypeDescriptors.strings()).via(DeadLetter::source)))
        .containsInAnyOrder("geo:4", "user:2");
    // The analytics' input: the de-duplicated tables under the kinds' tags
    PAssert.that(count(result.tables().get(CleanPinterest.tag("geo")), "tagged geo")).containsInAnyOrder(2L);
    pipeline.run();
  }

  @Test
  public void withoutDedupeTheCleanRowsAreAllValidRowsAndMissingKindsAreSkipped() {
    CleanPinterest.Result result = raw(false).apply(CleanPinterest.all());

    PAssert.that(count(result.clean("geo"), "geo clean")).containsInAnyOrder(3L);
    pipeline.run();
    assertEquals(List.of("geo"), result.kinds());
    assertThrows(IllegalArgumentException.class, () -> result.clean("user"));
  }

  @Test
  public void unknownKindsAndBadLimitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> CleanPinterest.tag("board"));
    assertThrows(IllegalArgumentException.class, () -> CleanPinterest.all().withMaxPayloadChars(0));
  }
}
