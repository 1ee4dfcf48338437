package org.pipewright.pipelines;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.pipewright.io.Format;
import org.pipewright.io.OutputDirs;
import org.pipewright.io.TablePreview;
import org.pipewright.transforms.pinterest.PinterestQueries;

/** Prints the first rows of each analytics table at the end of a run. */
final class Analytics {
  static final int PREVIEW_ROWS = 3;

  private Analytics() {}

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
