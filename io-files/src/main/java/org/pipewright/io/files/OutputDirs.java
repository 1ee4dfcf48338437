package org.pipewright.io.files;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/** Output folder helpers that work on every Beam file system (local, {@code s3://}, ...). */
public final class OutputDirs {
  private OutputDirs() {}

  /** Joins a base path and a child name with exactly one separator. */
  public static String join(String base, String... children) {
    StringBuilder path = new StringBuilder(base);
    for (String child : children) {
      if (path.length() > 0 && path.charAt(path.length() - 1) != '/') {
        path.append('/');
      }
      path.append(child);
    }
    return path.toString();
  }

  /**
   * Deletes the files directly inside {@code directory}, so that a job's output replaces the
   * previous run's instead of mixing with it. A missing folder is fine.
   */
  public static void replace(String directory) throws IOException {
    MatchResult match =
        FileSystems.match(join(directory, "*"), EmptyMatchTreatment.ALLOW_IF_WILDCARD);
    if (match.status() != MatchResult.Status.OK) {
      return;
    }
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata metadata : match.metadata()) {
      if (!metadata.resourceId().isDirectory()) {
        files.add(metadata.resourceId());
      }
    }
    FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /** True when at least one file matches {@code filepattern}. */
  public static boolean exists(String filepattern) throws IOException {
    MatchResult match = FileSystems.match(filepattern, EmptyMatchTreatment.ALLOW);
    return match.status() == MatchResult.Status.OK && !match.metadata().isEmpty();
  }
}
