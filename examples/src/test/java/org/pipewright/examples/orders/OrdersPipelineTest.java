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

  private static Row result(String table, String check, Severity severity, boolean passed, String observed,
      String expected) {
    return QualityResult.of("orders", table, check, severity, passed, observed, expected);
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
        result("orders", "not_null(order_id)", Severity.ERROR, true, "0 of 6 rows", "0"),
        result("orders", "unique(order_id)", Severity.ERROR, true, "0 of 6 rows", "0"),
        result("orders", "not_null(currency)", Severity.WARN, false, "1 of 6 rows", "0"),
        result("orders", "in_set(currency, {EUR, GBP, USD})", Severity.WARN, true, "0 of 6 rows", "0"),
        result("orders", "in_range(amount, 0..1000000)", Severity.WARN, false, "1 of 6 rows", "0"),
        result("orders", "row_count", Severity.WARN, true, "6 rows", ">= 1"),
        // dead letters / records read: 4 of 12
        result("orders_read", "dead_letter_ratio <= 10%", Severity.WARN, false, "4 of 12 records (33.33%)", "<= 10%"),
        result("orders_read", "dead_letter_ratio <= 50%", Severity.ERROR, true, "4 of 12 records (33.33%)", "<= 50%"));

    pipeline.run();
  }
}
