package org.pipewright.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.TablePreview;
import org.pipewright.io.files.WriteRows;
import org.pipewright.io.jdbc.JdbcReplace;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.quality.QualityReport;
import org.pipewright.transforms.quality.QualityResult;

/**
 * Where a job's data-quality results go: {@code OUT/quality/} in the job's output format, the
 * shared {@value WarehouseTables#QUALITY} table when the job writes to a warehouse, and a summary
 * printed after the run. The same folder is what {@link DailyCheck} reads.
 */
final class Quality {
  static final String FOLDER = "quality";

  private Quality() {}

  /** Writes {@code results} to {@code OUT/quality/} (and stores them with {@code store}); returns the folder. */
  static String write(PCollection<Row> results, String out, Format format, JdbcReplace store) {
    String folder = OutputDirs.join(out, FOLDER);
    results.apply("Write quality", WriteRows.to(folder).withFormat(format).withNumShards(1));
    if (store != null) {
      results.apply("Store quality", store);
    }
    return folder;
  }

  /** The results a run wrote to {@code OUT/quality/} (either format); empty when there are none. */
  static List<Row> read(String out) throws IOException {
    List<Row> results = new ArrayList<>();
    TablePreview.forEach(OutputDirs.join(out, FOLDER), null,
        json -> results.add(RowJson.toRow(RawJson.parseObject(json), QualityResult.SCHEMA)));
    return results;
  }

  /** Prints the summary of the results a run wrote to {@code out}, failures first; returns them. */
  static List<Row> print(String out) throws IOException {
    List<Row> results = read(out);
    System.out.print(QualityReport.format(results));
    return results;
  }

  /**
   * A run's quality in one word, for {@link RunLog}: {@code fail} when an error-level check failed,
   * {@code warn} when only warnings did, {@code pass}, or null for a run without checks.
   */
  static @Nullable String verdict(List<Row> results) {
    if (results.isEmpty()) {
      return null;
    }
    if (QualityReport.failed(results)) {
      return "fail";
    }
    return results.stream().anyMatch(r -> QualityResult.status(r).equals(QualityResult.FAIL)) ? "warn" : "pass";
  }
}
