package org.pipewright.console;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the pipelines as users do: a main class of the pipelines' bundled jar in its own JVM, on the
 * jar's default engine (embedded Flink), as the pipelines' own integration tests run it.
 */
final class Jobs {
  private Jobs() {}

  static Path jar() {
    String jar = System.getProperty("pipewright.bundledJar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      fail("the pipelines' bundled jar is not at " + jar + "; the whole build makes it before this module,"
          + " or build it first: mvn -pl pipelines -am -DskipTests package");
    }
    return Path.of(jar);
  }

  static ProcessBuilder process(Path tmp, String mainClass, List<String> args, Map<String, String> env, Path log) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g"));
    String opens = System.getProperty("pipewright.java17Opens", "").trim();
    if (!opens.isEmpty()) {
      command.addAll(List.of(opens.split("\\s+")));
    }
    command.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", jar().toString(), "org.pipewright.pipelines." + mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder;
  }

  /** Runs {@code mainClass} to its end (at most 10 minutes) and fails the test unless it exits 0. */
  static void run(Path tmp, String mainClass, List<String> args, Map<String, String> env) throws Exception {
    Path log = tmp.resolve(mainClass + "-" + System.nanoTime() + ".log");
    Process process = process(tmp, mainClass, args, env, log).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fail(mainClass + " still running after 10 minutes:\n" + Files.readString(log));
    }
    assertEquals(mainClass + " failed:\n" + Files.readString(log), 0, process.exitValue());
  }

  static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
