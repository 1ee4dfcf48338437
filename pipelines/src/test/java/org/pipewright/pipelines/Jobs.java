package org.pipewright.pipelines;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.joda.time.Instant;

/** Watching and stopping a job that runs in its own process, for the streaming tests. */
final class Jobs {
  private Jobs() {}

  /** The job's log, kept under target/it-logs after the run for whoever has to read a failure. */
  static Path logFile(String prefix) throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "it-logs"));
    Path log = dir.resolve(prefix + "-streaming.log");
    Files.deleteIfExists(log);
    return log;
  }

  static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** Polls for a condition (waiting on a condition, not covering a race); fails if the job dies. */
  static void await(String what, BooleanSupplier condition, Process process, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (!process.isAlive()) {
        fail("the pipeline exited (" + process.exitValue() + ") while waiting for " + what + ":\n" + tail(log));
      }
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + ":\n" + tail(log));
      }
      Thread.sleep(250);
    }
  }

  /** Waits until the job {@code name} has durably written everything stamped before {@code time}. */
  static void awaitSafeTime(Warehouse warehouse, String name, Instant time, Process process, Path log)
      throws Exception {
    await("safe time past " + time, () -> {
      try {
        Instant safe = warehouse.safeTime(name);
        return safe != null && safe.isAfter(time);
      } catch (java.sql.SQLException e) {
        return false; // the database is restarting
      }
    }, process, log);
  }

  /**
   * Waits until every window holding records stamped up to {@code lastRecord} has had its final
   * pane written: the safe time past the record plus a window and the allowed lateness, with the
   * {@code --windowSeconds=2 --allowedLatenessSeconds=2} the streaming tests run with, and a second.
   */
  static void awaitFinalPanes(Warehouse warehouse, String name, Instant lastRecord, Process process, Path log)
      throws Exception {
    awaitSafeTime(warehouse, name, lastRecord.plus(org.joda.time.Duration.standardSeconds(2 + 2 + 1)), process, log);
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
