package org.pipewright.transforms.enrich;

import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

public class TopByDaysTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema FREQ = CountDistinctDays.outputSchema("item_id", "name");
  private static final Schema OUT = TopByDays.outputSchema("item_id", "name");

  private static Row freq(String id, String name, long days) {
    return Row.withSchema(FREQ).addValues(id, name, days, "2017-03-01", "2017-03-09").build();
  }

  private static Row ranked(int rank, Row freq) {
    return Row.withSchema(OUT).addValues(rank, freq.getString(0), freq.getString(1), freq.getInt64(2)).build();
  }

  /**
   * 30 items: 20 with 9..28 days (one each), then 10 tied at 5 days whose order is decided by
   * name, then id: the cut at 25 falls inside the tie.
   */
  private static List<Row> items() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(freq("top" + i, "Item " + (char) ('A' + i), 28 - i));
    }
    rows.add(freq("t9", "Kettle", 5));
    rows.add(freq("t1", "Fan", 5));
    rows.add(freq("t2", "Fan", 5));   // same name as t1: the smaller id first
    rows.add(freq("t0", null, 5));    // no name: after every name
    rows.add(freq("t3", "\uD83D\uDE00 Emoji", 5)); // above U+FFFF: after "\uFF21"
    rows.add(freq("t4", "\uFF21 Fullwidth", 5));
    rows.add(freq("t5", "Blender", 5));
    rows.add(freq("t6", "Toaster", 5));
    rows.add(freq("t7", "Fan", 5));
    rows.add(freq("t8", "Apron", 5));
    return rows;
  }

  @Test
  public void comparatorIsATotalOrderThatDoesNotDependOnInputOrder() {
    TopByDays.ByDays order = new TopByDays.ByDays();
    List<Row> expected = new ArrayList<>(items());
    expected.sort(Collections.reverseOrder(order));
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      List<Row> shuffled = new ArrayList<>(items());
      Collections.shuffle(shuffled, random);
      shuffled.sort(Collections.reverseOrder(order));
      assertEquals(expected, shuffled);
    }
    List<String> tied = new ArrayList<>();
    for (Row r : expected.subList(20, 30)) {
      tied.add(r.getString(0));
    }
    assertEquals(List.of("t8", "t5", "t1", "t2", "t7", "t9", "t6", "t4", "t3", "t0"), tied);
  }

  @Test
  public void topTwentyFiveCutsATieByNameThenKey() {
    List<Row> rows = items();
    PCollection<Row> top = pipeline.apply(Create.of(rows)).setRowSchema(FREQ).apply(TopByDays.create());
    List<Row> expected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      expected.add(ranked(i + 1, rows.get(i)));
    }
    // Apron, Blender, Fan (t1), Fan (t2), Fan (t7); Kettle, Toaster, the fullwidth A, the emoji and
    // the unnamed item are cut.
    expected.add(ranked(21, freq("t8", "Apron", 5)));
    expected.add(ranked(22, freq("t5", "Blender", 5)));
    expected.add(ranked(23, freq("t1", "Fan", 5)));
    expected.add(ranked(24, freq("t2", "Fan", 5)));
    expected.add(ranked(25, freq("t7", "Fan", 5)));
    PAssert.that(top).containsInAnyOrder(expected);
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void fewerKeysThanTheLimitRankThemAll() {
    PCollection<Row> top = pipeline
        .apply(Create.of(freq("b", "B", 2), freq("a", "A", 2), freq("c", "C", 3)))
        .setRowSchema(FREQ)
        .apply(TopByDays.create().withLimit(5));
    PAssert.that(top).containsInAnyOrder(
        ranked(1, freq("c", "C", 3)), ranked(2, freq("a", "A", 2)), ranked(3, freq("b", "B", 2)));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void emptyInputRanksNothing() {
    PCollection<Row> top = pipeline
        .apply(Create.empty(RowCoder.of(FREQ))).setRowSchema(FREQ)
        .apply(TopByDays.create());
    PAssert.that(top).empty();
    pipeline.run().waitUntilFinish();
  }
}
