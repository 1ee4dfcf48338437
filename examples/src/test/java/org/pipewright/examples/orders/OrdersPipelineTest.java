package org.pipewright.examples.orders;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.io.files.ReadJsonLines;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.quality.QualityResult;
import org.pipewright.transforms.quality.Severity;

/** The committed sample, cleaned; every expected row below was worked out by hand from it. */
public class OrdersPipelineTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Path SAMPLE = Path.of("data/orders.jsonl").toAbsolutePath();

  private static Row order(String id, String customer, String amount, String currency, String date) {
    return Row.withSchema(OrderCleaner.SCHEMA)
        .addValues(id, customer, new BigDecimal(amount), currency, LocalDate.parse(date))
        .build();
  }

  private static Row deadLetter(List<String> lines, int line, String reason) {
    return DeadLetter.of("order", "clean-order", reason, SAMPLE + ":" + line, lines.get(line - 1));
  }

  private static Row result(String check, Severity severity, boolean passed, String observed, String expected) {
    return QualityResult.of("orders", check, severity, passed, observed, expected);
  }

  @Test
  public void cleansTheSample() throws IOException {
    List<String> lines = Files.readAllLines(SAMPLE);
    PCollection<Row> raw = pipeline.apply("Read", ReadJsonLines.from(SAMPLE.toString()));
    OrdersPipeline.Orders out = OrdersPipeline.clean(raw);

    PAssert.that(out.orders()).containsInAnyOrder(
        order("1001", "Ada Lovelace", "12.50", "EUR", "2026-03-01"),         // lines 1 and 5
        order("1002", "Grace Hopper", "1299.00", "USD", "2026-03-01"),       // lines 2 and 10
        order("1005", "Barbara Liskov", "80.00", "EUR", "2026-03-03"),       // 03.03.2026
        order("1006", null, "5.00", null, "2026-03-03"),                      // blanks are null
        order("1007", "Donald Knuth", "42.00", "USD", "2026-03-04"),
        order("1009", "Frances Allen", "2500000.00", "EUR", "2026-03-05"));  // kept; quality warns

    PAssert.that(out.deadLetters()).containsInAnyOrder(
        deadLetter(lines, 3, "missing amount"),
        deadLetter(lines, 4, "wrong type for 'amount': expected an amount like 1,299.00, got 'abc'"),
        deadLetter(lines, 9, "unparseable JSON: Unexpected end-of-input within/between Object entries"),
        deadLetter(lines, 12, "unreadable date '2026-13-01'"));

    // read = clean + duplicates + dead letters: 12 = 6 + 2 (lines 5 and 10) + 4
    PAssert.thatSingleton(raw.apply("Count read", Count.globally())).isEqualTo(12L);
    PAssert.thatSingleton(out.orders().apply("Count clean", Count.globally())).isEqualTo(6L);
    PAssert.thatSingleton(out.deadLetters().apply("Count dead", Count.globally())).isEqualTo(4L);

    PAssert.that(out.quality()).containsInAnyOrder(
        result("not_null(order_id)", Severity.ERROR, true, "0 rows with null order_id", "0 rows with null order_id"),
        result("unique(order_id)", Severity.ERROR, true, "0 rows with a duplicate key", "0 rows with a duplicate key"),
        result("not_null(currency)", Severity.WARN, false, "1 row with null currency", "0 rows with null currency"),
        result("in_set(currency)", Severity.WARN, true, "0 rows not in {EUR, GBP, USD}", "0 rows not in {EUR, GBP, USD}"),
        result("in_range(amount)", Severity.WARN, false, "1 row outside [0, 1000000]", "0 rows outside [0, 1000000]"),
        result("row_count", Severity.WARN, true, "6 rows", "at least 1 row"),
        result("dead_letter_ratio", Severity.WARN, false, "0.4000 (4 of 10 records)", "at most 0.1000"),
        result("dead_letter_ratio", Severity.ERROR, true, "0.4000 (4 of 10 records)", "at most 0.5000"));

    pipeline.run();
  }
}
