package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The bundled jar's default engine, Flink in the job's own JVM, cleans up after itself: a job
 * stopped with SIGTERM (Ctrl-C, {@code kill}, a scheduler's stop) leaves nothing in the temporary
 * directory. Flink unpacks a 22 MB jar there at every start and deletes it only when the engine is
 * closed, which a stopped job never does.
 */
public class EmbeddedFlinkIT {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void aJobStoppedWithSigtermLeavesNothingInTheTemporaryDirectory() throws Exception {
    Path jar = BundledJar.runnerJar("bundled");
    Path input = tmp.newFolder("in").toPath();
    Emulator.run(new String[] {"--output=" + input, "--posts=3000", "--seed=5"});
    Path javaTmp = tmp.newFolder("java-tmp").toPath();
    Path log = tmp.getRoot().toPath().resolve("stopped.log");
    Process job = BundledJar.runnerProcess(jar, javaTmp, PinterestBatch.class.getName(),
        List.of("--input=" + input, "--output=" + tmp.getRoot().toPath().resolve("out"), "--progressSeconds=0"))
        .redirectOutput(log.toFile()).start();
    try {
      // Flink's working directory appears once its engine has started, after its RPC jar is unpacked.
      Jobs.await("Flink's engine started", () -> {
        try {
          return !below(javaTmp, "minicluster_").isEmpty();
        } catch (IOException | UncheckedIOException e) {
          return false; // a file went away while it was listed: look again on the next poll
        }
      }, job, log);
      job.destroy();
      assertTrue("the job exited after SIGTERM", job.waitFor(1, TimeUnit.MINUTES));
      assertEquals("stopped by SIGTERM, not finished:\n" + Jobs.tail(log), 143, job.exitValue());
    } finally {
      if (job.isAlive()) {
        job.destroyForcibly().waitFor();
      }
    }
    assertEquals(List.of(), below(javaTmp, ""));
  }

  /** Every path below {@code dir} whose name starts with {@code prefix}. */
  private static List<Path> below(Path dir, String prefix) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir) && p.getFileName().toString().startsWith(prefix))
          .collect(Collectors.toList());
    }
  }
}
