package org.pipewright.transforms.quality;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.math.BigDecimal;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.transforms.core.DeadLetter;

public class QualityChecksTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema ORDERS =
      Schema.builder()
          .addNullableField("order_id", FieldType.STRING)
          .addInt32Field("line")
          .addNullableField("amount", FieldType.DECIMAL)
          .addNullableField("weight", FieldType.DOUBLE)
          .addNullableField("currency", FieldType.STRING)
          .build();

  private static Row order(String id, int line, String amount, Double weight, String currency) {
    return Row.withSchema(ORDERS)
        .addValues(id, line, amount == null ? null : new BigDecimal(amount), weight, currency)
        .build();
  }

  private static final Row A1 = order("A", 1, "12.50", 1.0, "EUR");
  private static final Row A2 = order("A", 2, "0", 0.5, "EUR");
  private static final Row B1 = order("B", 1, "1000000", null, "USD");
  private static final Row C1 = order("C", 1, null, 2.0, null);

  private int tables;

  private PCollection<Row> table(Row... rows) {
    return pipeline.apply("Table " + tables++,
        Create.of(java.util.Arrays.asList(rows)).withRowSchema(ORDERS));
  }

  private static Row pass(String check, Severity severity, String observed, String expected) {
    return QualityResult.of("orders", check, severity, true, observed, expected);
  }

  private static Row fail(String check, Severity severity, String observed, String expected) {
    return QualityResult.of("orders", check, severity, false, observed, expected);
  }

  @Test
  public void notNullPassesWithoutNullsAndCountsThem() {
    PCollection<Row> clean = table(A1, A2, B1);
    PCollection<Row> dirty = table(A1, C1, order(null, 1, "1", 1.0, "EUR"));
    QualityChecks checks = QualityChecks.forTable("orders")
        .error(Check.notNull("order_id")).warn(Check.notNull("currency"));

    PAssert.that(clean.apply("clean", checks)).containsInAnyOrder(
        pass("not_null(order_id)", Severity.ERROR, "0 rows with null order_id", "0 rows with null order_id"),
        pass("not_null(currency)", Severity.WARN, "0 rows with null currency", "0 rows with null currency"));
    PAssert.that(dirty.apply("dirty", checks)).containsInAnyOrder(
        fail("not_null(order_id)", Severity.ERROR, "1 row with null order_id", "0 rows with null order_id"),
        fail("not_null(currency)", Severity.WARN, "1 row with null currency", "0 rows with null currency"));
    pipeline.run();
  }

  @Test
  public void uniqueCountsRowsWhoseKeyWasAlreadySeen() {
    // A1 and A2 share order_id but not (order_id, line); A1 three times is two extra rows.
    PCollection<Row> rows = table(A1, A2, B1, A1, A1);
    PCollection<Row> distinct = table(A1, A2, B1, C1);

    PAssert.that(rows.apply("repeated", QualityChecks.forTable("orders")
            .error(Check.unique("order_id")).error(Check.unique("order_id", "line"))))
        .containsInAnyOrder(
            fail("unique(order_id)", Severity.ERROR, "3 rows with a duplicate key",
                "0 rows with a duplicate key"),
            fail("unique(order_id, line)", Severity.ERROR, "2 rows with a duplicate key",
                "0 rows with a duplicate key"));
    PAssert.that(distinct.apply("distinct", QualityChecks.forTable("orders")
            .error(Check.unique("order_id", "line"))))
        .containsInAnyOrder(pass("unique(order_id, line)", Severity.ERROR,
            "0 rows with a duplicate key", "0 rows with a duplicate key"));
    pipeline.run();
  }

  @Test
  public void inRangeIncludesBoundsIgnoresNullsAndCountsOutsiders() {
    // A2's 0 and B1's 1000000 are the bounds; C1's amount and B1's weight are null.
    PCollection<Row> inside = table(A1, A2, B1, C1);
    PCollection<Row> outside = table(A1, order("D", 1, "-0.01", 1.5, "EUR"),
        order("E", 1, "1000000.01", Double.NaN, "EUR"));
    QualityChecks checks = QualityChecks.forTable("orders")
        .warn(Check.inRange("amount", 0, 1_000_000)).warn(Check.inRange("weight", 0.5, 2.0));

    PAssert.that(inside.apply("inside", checks)).containsInAnyOrder(
        pass("in_range(amount)", Severity.WARN, "0 rows outside [0, 1000000]", "0 rows outside [0, 1000000]"),
        pass("in_range(weight)", Severity.WARN, "0 rows outside [0.5, 2.0]", "0 rows outside [0.5, 2.0]"));
    PAssert.that(outside.apply("outside", checks)).containsInAnyOrder(
        fail("in_range(amount)", Severity.WARN, "2 rows outside [0, 1000000]", "0 rows outside [0, 1000000]"),
        fail("in_range(weight)", Severity.WARN, "1 row outside [0.5, 2.0]", "0 rows outside [0.5, 2.0]"));
    pipeline.run();
  }

  @Test
  public void inSetIgnoresNullsAndCountsOtherValues() {
    QualityChecks checks = QualityChecks.forTable("orders")
        .error(Check.inSet("currency", "USD", "EUR"));

    PAssert.that(table(A1, B1, C1).apply("known", checks)).containsInAnyOrder(
        pass("in_set(currency)", Severity.ERROR, "0 rows not in {EUR, USD}", "0 rows not in {EUR, USD}"));
    PAssert.that(table(A1, order("D", 1, "1", 1.0, "eur"), order("E", 1, "1", 1.0, "GBP"))
            .apply("unknown", checks))
        .containsInAnyOrder(
            fail("in_set(currency)", Severity.ERROR, "2 rows not in {EUR, USD}", "0 rows not in {EUR, USD}"));
    pipeline.run();
  }

  @Test
  public void rowCountWithinBoundsAndEmptyTable() {
    PCollection<Row> empty = pipeline.apply("Empty", Create.empty(RowCoder.of(ORDERS)));

    PAssert.that(table(A1, A2, B1).apply("three", QualityChecks.forTable("orders")
            .warn(Check.rowCount(1, Long.MAX_VALUE)).error(Check.rowCount(1, 2))))
        .containsInAnyOrder(
            pass("row_count", Severity.WARN, "3 rows", "at least 1 row"),
            fail("row_count", Severity.ERROR, "3 rows", "between 1 and 2 rows"));
    PAssert.that(empty.apply("empty", QualityChecks.forTable("orders")
            .error(Check.rowCount(1, Long.MAX_VALUE)).error(Check.unique("order_id"))))
        .containsInAnyOrder(
            fail("row_count", Severity.ERROR, "0 rows", "at least 1 row"),
            pass("unique(order_id)", Severity.ERROR, "0 rows with a duplicate key",
                "0 rows with a duplicate key"));
    pipeline.run();
  }

  @Test
  public void deadLetterRatioWarnsAndFailsAtItsThresholds() {
    // 3 clean rows + 1 dead letter: ratio 0.25, above the warn threshold (0.2), below error (0.3).
    PCollection<Row> deadLetters = pipeline.apply("Dead letters",
        Create.of(DeadLetter.of("order", "clean-order", "bad amount", "f:3", "{}"))
            .withRowSchema(DeadLetter.SCHEMA));

    PAssert.that(table(A1, A2, B1).apply("ratio", QualityChecks.forTable("orders")
            .withDeadLetters(deadLetters, 0.2, 0.3)))
        .containsInAnyOrder(
            fail("dead_letter_ratio", Severity.WARN, "0.2500 (1 of 4 records)", "at most 0.2000"),
            pass("dead_letter_ratio", Severity.ERROR, "0.2500 (1 of 4 records)", "at most 0.3000"));
    PAssert.that(table(A1).apply("counts", QualityChecks.forTable("orders")
            .error(Check.deadLetterRatioOfCount(pipeline.apply("Nine", Create.of(9L)), 0.5))))
        .containsInAnyOrder(
            fail("dead_letter_ratio", Severity.ERROR, "0.9000 (9 of 10 records)", "at most 0.5000"));
    pipeline.run();
  }

  @Test
  public void deadLetterRatioFromCountsWithoutAPipeline() {
    org.junit.Assert.assertEquals(
        pass("dead_letter_ratio", Severity.ERROR, "0.0000 (0 of 0 records)", "at most 0.0100"),
        QualityResult.deadLetterRatio("orders", Severity.ERROR, 0, 0, 0.01));
    org.junit.Assert.assertEquals(
        fail("dead_letter_ratio", Severity.WARN, "0.0200 (2 of 100 records)", "at most 0.0100"),
        QualityResult.deadLetterRatio("orders", Severity.WARN, 98, 2, 0.01));
  }

  @Test
  public void badDeclarationsFailAtConstruction() {
    pipeline.enableAbandonedNodeEnforcement(false);
    PCollection<Row> rows = table(A1);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> rows.apply("missing", QualityChecks.forTable("orders").error(Check.notNull("nope"))));
    assertThat(missing.getMessage(), containsString("column 'nope' is not in schema"));
    IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
        () -> rows.apply("text", QualityChecks.forTable("orders").error(Check.inRange("currency", 0, 1))));
    assertThat(text.getMessage(), containsString("in_range needs a numeric column"));
    IllegalArgumentException windowed = assertThrows(IllegalArgumentException.class,
        () -> rows.apply("window", Window.into(FixedWindows.of(Duration.standardMinutes(1))))
            .apply("windowed", QualityChecks.forTable("orders").error(Check.rowCount(0, 1))));
    assertThat(windowed.getMessage(), containsString("global window"));
    assertThrows(IllegalArgumentException.class,
        () -> rows.apply("none", QualityChecks.forTable("orders")));
    assertThrows(IllegalArgumentException.class, () -> Check.rowCount(2, 1));
    assertThrows(IllegalArgumentException.class, () -> Check.inRange("amount", 2, 1));
    assertThrows(IllegalArgumentException.class, () -> Check.unique());
    assertThrows(IllegalArgumentException.class,
        () -> QualityChecks.forTable("orders").withDeadLetters(rows, 0.5, 0.1));
  }
}
