package org.pipewright.pipelines;

import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The validation data from the source projects, kept outside the repository ({@code ../shared/data}
 * beside the clone; override with {@code -Dpipewright.sharedData=DIR}). Tests that need it are
 * skipped, with a visible message, where it does not exist.
 */
final class SharedData {
  private SharedData() {}

  static Path require(String relative) {
    String root = System.getProperty("pipewright.sharedData", "../../shared/data");
    Path path = Path.of(root).resolve(relative).normalize();
    if (!Files.exists(path)) {
      System.err.println("SKIPPED: shared validation data not found at " + path.toAbsolutePath()
          + " (set -Dpipewright.sharedData=DIR to run this test)");
    }
    assumeTrue("shared validation data not found at " + path, Files.exists(path));
    return path;
  }
}
