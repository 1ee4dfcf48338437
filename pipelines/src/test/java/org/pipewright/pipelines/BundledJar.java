package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the pipelines the way a user does: a main class of the bundled jar, in its own JVM. */
final class BundledJar {
  private BundledJar() {}

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A runner's bundled jar ({@code bundled}, {@code spark-bundled}, {@code flink-bundled}) next to
   * the Direct one. The Spark and Flink jars come from {@code -P<runner> package} (test.sh builds
   * them); a test without its jar is skipped with a message, or fails under {@code
   * -Dpipewright.requireAllRunners=true}.
   */
  static Path runnerJar(String name) {
    Path jar = Path.of(System.getProperty("pipewright.bundledJar")).resolveSibling("pipewright-pipelines-" + name + ".jar");
    if (!Files.exists(jar)) {
      String why = jar + " is not built (mvn -B -DskipTests -P<runner> package, or ./test.sh)";
      if (Boolean.getBoolean("pipewright.requireAllRunners")) {
        fail(why);
      }
      System.err.println("SKIPPED: " + why);
      org.junit.Assume.assumeTrue(why, false);
    }
    return jar;
  }

  /** {@code mainClass} of {@code jar} with the flags every runner is happy with (Spark's add-opens). */
  static ProcessBuilder runnerProcess(Path jar, Path tmp, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx2g"));
    command.addAll(List.of(System.getProperty("pipewright.java17Opens").trim().split("\\s+")));
    command.addAll(List.of("-Dspark.ui.enabled=false", "-Djava.io.tmpdir=" + tmp, "-cp", jar.toString(), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder;
  }

  static List<String> command(String mainClass, List<String> args) {
    String jar = System.getProperty("pipewright.bundledJar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("bundled jar not found at " + jar + "; run through `mvn verify`");
    }
    // Temporary files below target/: what a job killed with SIGKILL leaves (the crash tests do that)
    // goes with the build, not into the machine's /tmp.
    Path tmp = Path.of("target", "it-tmp").toAbsolutePath();
    try {
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-cp", jar, mainClass));
    command.addAll(args);
    // The jar's own default is embedded Flink; these tests are about the job, on Beam's test runner.
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      command.add("--runner=DirectRunner");
    }
    return command;
  }

  /** Starts {@code mainClass} in the background, its output going to {@code log}. */
  static Process start(String mainClass, List<String> args, Map<String, String> env, Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Runs {@code mainClass} to the end (at most 5 minutes); returns its output. */
  static Result run(String mainClass, List<String> args, Map<String, String> env) throws Exception {
    return run(mainClass, args, env, 5);
  }

  /** Runs {@code mainClass} to the end, killing it after {@code minutes}; returns its output. */
  static Result run(String mainClass, List<String> args, Map<String, String> env, int minutes) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command(mainClass, args)).redirectErrorStream(true);
    builder.environment().putAll(env);
    return finish(builder.start(), minutes);
  }

  /**
   * Waits for {@code process} to exit, reading its output meanwhile; a process still running after
   * {@code minutes} is killed and fails the test with what it printed, rather than hanging the suite.
   */
  static Result finish(Process process, int minutes) throws Exception {
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      fail("still running after " + minutes + " min, killed:\n" + output.get());
    }
    return new Result(process.exitValue(), output.get());
  }

  /** Runs {@code mainClass} and fails the test unless it exits 0. */
  static String runOk(String mainClass, List<String> args, Map<String, String> env) throws Exception {
    return runOk(mainClass, args, env, 5);
  }

  /** Runs {@code mainClass}, killing it after {@code minutes}, and fails the test unless it exits 0. */
  static String runOk(String mainClass, List<String> args, Map<String, String> env, int minutes) throws Exception {
    Result result = run(mainClass, args, env, minutes);
    assertEquals(mainClass + " failed:\n" + result.output, 0, result.exitCode);
    return result.output;
  }

  static final class Result {
    final int exitCode;
    final String output;

    Result(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }
}
