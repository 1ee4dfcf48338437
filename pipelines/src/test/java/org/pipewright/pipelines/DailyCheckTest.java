package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.quality.QualityResult;
import org.pipewright.transforms.quality.Severity;

/** The daily gate on a summary, with and without the run's quality results. */
public class DailyCheckTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  private static final String SUMMARY = "{\"pin\": {\"read\": 100, \"clean\": 90, \"duplicates\": 5, \"deadLetter\": 5},"
      + " \"geo\": {\"read\": 10, \"clean\": 10, \"duplicates\": 0, \"deadLetter\": 0},"
      + " \"user\": {\"read\": 10, \"clean\": 9, \"duplicates\": 1, \"deadLetter\": 0}}";

  private static final Row WARN_FAILED = QualityResult.of("pinterest", "pin_read", "dead_letter_ratio <= 1%",
      Severity.WARN, false, "5 of 100 records (5%)", "<= 1%");
  private static final Row ERROR_PASSED = QualityResult.of("pinterest", "pin", "unique(ind)",
      Severity.ERROR, true, "0 of 90 rows", "0");
  private static final Row ERROR_FAILED = QualityResult.of("pinterest", "geo", "not_null(ind)",
      Severity.ERROR, false, "2 of 10 rows", "0");

  private Path out(Row... quality) throws Exception {
    Path out = tmp.newFolder("out").toPath();
    Files.writeString(out.resolve("summary.json"), SUMMARY, StandardCharsets.UTF_8);
    if (quality.length > 0) {
      List<String> lines = new ArrayList<>();
      for (Row r : quality) {
        lines.add(RowJson.format(r));
      }
      Files.createDirectories(out.resolve("quality"));
      Files.write(out.resolve("quality").resolve("part-00000-of-00001.json"), lines, StandardCharsets.UTF_8);
    }
    return out;
  }

  private static List<String> check(Path out) throws Exception {
    return DailyCheck.run(new String[] {"--summary=" + out.resolve("summary.json")});
  }

  @Test
  public void withoutQualityResultsOnlyTheSummaryCounts() throws Exception {
    assertEquals(List.of(), check(out()));
  }

  @Test
  public void failedWarningsPass() throws Exception {
    assertEquals(List.of(), check(out(WARN_FAILED, ERROR_PASSED)));
  }

  @Test
  public void aFailedErrorLevelCheckFailsTheGateAndIsListed() throws Exception {
    assertEquals(List.of("quality check FAIL error pinterest/geo not_null(ind): 2 of 10 rows (expected 0)"),
        check(out(WARN_FAILED, ERROR_FAILED, ERROR_PASSED)));
  }

  @Test
  public void summaryFailuresComeFirst() throws Exception {
    Path out = out(ERROR_FAILED);
    Files.writeString(out.resolve("summary.json"), SUMMARY.replace("\"clean\": 10,", "\"clean\": 0,"),
        StandardCharsets.UTF_8);
    assertEquals(List.of("geo: read 10 != clean + duplicates + deadLetter 0", "geo: no clean rows",
        "quality check FAIL error pinterest/geo not_null(ind): 2 of 10 rows (expected 0)"), check(out));
  }
}
