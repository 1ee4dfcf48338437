package org.pipewright.io.files;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
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
    if (match.status() == MatchResult.Status.NOT_FOUND) {
      return;
    }
    // An ERROR (a denied listing) throws here: skipping it would leave the old files beside the new.
    List<ResourceId> files = new ArrayList<>();
    for (MatchResult.Metadata metadata : match.metadata()) {
      if (!metadata.resourceId().isDirectory()) {
        files.add(metadata.resourceId());
      }
    }
    FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
  }

  /**
   * Removes the empty {@code .temp-beam*} folders that Beam's file writes leave behind on a local
   * file system once their files are moved into place (object stores have no empty folders). A
   * folder that still holds files, e.g. after a failed run, is kept for inspection.
   */
  public static void removeEmptyTempDirs(String directory) throws IOException {
    if (directory.contains("://") && !directory.startsWith("file://")) {
      return;
    }
    Path dir = Paths.get(directory.startsWith("file://") ? URI.create(directory) : Paths.get(directory).toUri());
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (child.getFileName().toString().startsWith(".temp-beam") && Files.isDirectory(child)) {
          deleteIfOnlyEmptyFolders(child);
        }
      }
    }
  }

  private static boolean deleteIfOnlyEmptyFolders(Path dir) throws IOException {
    boolean empty = true;
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        empty &= Files.isDirectory(child) && deleteIfOnlyEmptyFolders(child);
      }
    }
    if (empty) {
      Files.delete(dir);
    }
    return empty;
  }

  /** True when at least one file matches {@code filepattern}. */
  public static boolean exists(String filepattern) throws IOException {
    MatchResult match = FileSystems.match(filepattern, EmptyMatchTreatment.ALLOW);
    // NOT_FOUND is no file; an ERROR (a denied listing) throws from metadata(), with its cause.
    return match.status() != MatchResult.Status.NOT_FOUND && !match.metadata().isEmpty();
  }
}
