package org.pipewright.transforms.quality;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class QualityReportTest {
  private static final Row ROWS_OK =
      QualityResult.of("movies", "movies", "row_count", Severity.ERROR, true, "5 rows", ">= 1");
  private static final Row RATIO_WARN =
      QualityResult.of("movies", "ratings_read", "dead_letter_ratio <= 1%", Severity.WARN, false,
          "2 of 100 records (2%)", "<= 1%");
  private static final Row DUPLICATE_ERROR =
      QualityResult.of("movies", "movies", "unique(movie_id)", Severity.ERROR, false, "1 of 5 rows", "0");
  private static final Row NULL_TEXTS =
      QualityResult.of("movies", "cpi", "not_null(month)", Severity.ERROR, false, null, null);
  private static final Row OTHER_PIPELINE =
      QualityResult.of("retail", "items", "unique(id)", Severity.ERROR, false, "2 of 9 rows", "0");

  @Test
  public void formatPutsFailedErrorsFirstOneLinePerCheck() {
    assertEquals(
        String.format("quality: 3 checks, 2 failed (1 error, 1 warn)%n"
            + "  FAIL error movies/movies unique(movie_id): 1 of 5 rows (expected 0)%n"
            + "  FAIL warn  movies/ratings_read dead_letter_ratio <= 1%%: 2 of 100 records (2%%) (expected <= 1%%)%n"
            + "  PASS error movies/movies row_count: 5 rows (expected >= 1)%n"),
        QualityReport.format(List.of(ROWS_OK, RATIO_WARN, DUPLICATE_ERROR)));
    assertEquals(String.format("quality: 0 checks, 0 failed (0 error, 0 warn)%n"), QualityReport.format(List.of()));
    assertEquals("FAIL error movies/cpi not_null(month): - (expected -)", QualityReport.line(NULL_TEXTS));
  }

  @Test
  public void onlyAFailedErrorFailsTheRun() {
    assertFalse(QualityReport.failed(List.of()));
    assertFalse(QualityReport.failed(List.of(ROWS_OK, RATIO_WARN)));
    assertTrue(QualityReport.failed(List.of(ROWS_OK, DUPLICATE_ERROR)));
    assertEquals(List.of(DUPLICATE_ERROR, OTHER_PIPELINE),
        QualityReport.failedErrors(List.of(OTHER_PIPELINE, RATIO_WARN, ROWS_OK, DUPLICATE_ERROR)));
  }
}
