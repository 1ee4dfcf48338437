package org.pipewright.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.TablePreview;
import org.pipewright.io.files.WriteRows;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.pipewright.transforms.pinterest.PinterestQueries;

/** Writes the analytics tables and prints their first rows at the end of a run. */
final class Analytics {
  static final int PREVIEW_ROWS = 3;

  private Analytics() {}

  /** Writes each of the nine results to {@code OUT/analytics/<name>/}; returns those folders. */
  static List<String> write(PCollectionTuple results, String out, Format format) {
    List<String> folders = new ArrayList<>();
    for (String name : PinterestQueries.OUTPUTS.keySet()) {
      String folder = OutputDirs.join(out, "analytics", name);
      folders.add(folder);
      results.get(PinterestQueries.output(name))
          .apply("Write " + name, WriteRows.to(folder).withFormat(format).withNumShards(1));
    }
    return folders;
  }

  static void printFirstRows(String out, Format format) throws IOException {
    for (String name : PinterestQueries.OUTPUTS.keySet()) {
      List<String> rows = TablePreview.rows(OutputDirs.join(out, "analytics", name), format);
      System.out.printf("%s (%d rows)%n", name, rows.size());
      for (String row : rows.stream().sorted().limit(PREVIEW_ROWS).collect(Collectors.toList())) {
        System.out.println("  " + row);
      }
    }
  }
}
