package org.pipewright.transforms.quality;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class QualityReportTest {
  private static final Row ROWS_OK =
      QualityResult.of("orders", "row_count", Severity.WARN, true, "5 rows", "at least 1 row");
  private static final Row NULLS_WARN =
      QualityResult.of("orders", "not_null(currency)", Severity.WARN, false, "1 row with null currency",
          "0 rows with null currency");
  private static final Row DUPLICATE_ERROR =
      QualityResult.of("orders", "unique(order_id)", Severity.ERROR, false, "1 row with a duplicate key",
          "0 rows with a duplicate key");

  @Test
  public void formatPutsFailedErrorsFirst() {
    assertEquals(
        String.format("quality: 3 checks, 2 failed (1 error, 1 warn)%n"
            + "  FAIL error orders unique(order_id): 1 row with a duplicate key (expected 0 rows with a duplicate key)%n"
            + "  FAIL warn  orders not_null(currency): 1 row with null currency (expected 0 rows with null currency)%n"
            + "  PASS warn  orders row_count: 5 rows (expected at least 1 row)%n"),
        QualityReport.format(List.of(ROWS_OK, NULLS_WARN, DUPLICATE_ERROR)));
  }

  @Test
  public void onlyAFailedErrorFailsTheRun() {
    assertFalse(QualityReport.hasFailedErrors(List.of()));
    assertFalse(QualityReport.hasFailedErrors(List.of(ROWS_OK, NULLS_WARN)));
    assertTrue(QualityReport.hasFailedErrors(List.of(ROWS_OK, DUPLICATE_ERROR)));
  }
}
