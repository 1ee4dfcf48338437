package org.pipewright.pipelines;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.S3AccessOptions;
import org.pipewright.io.http.HttpAuthException;

/** Command-line plumbing shared by the pipelines: parsing, validation, one-line errors. */
final class Cli {
  private Cli() {}

  /** The body of a main method; returns normally on success. */
  interface Body {
    void run(String[] args) throws Exception;
  }

  /**
   * Runs {@code body}, turning a {@link UsageException}, an invalid option or an API that refused
   * its key ({@link HttpAuthException}, however deep a runner wrapped it) into one {@code error:}
   * line and exit code 2 instead of a stack trace.
   */
  static void main(String[] args, Body body) {
    try {
      body.run(args);
    } catch (Exception e) {
      String userError = userError(e);
      if (userError != null) {
        System.err.println("error: " + userError);
        System.exit(2);
      }
      // Not a usage problem: keep the stack trace, it is needed to diagnose the failure.
      e.printStackTrace();
      System.err.println("error: " + rootMessage(e));
      System.exit(1);
    }
  }

  /**
   * The one line for a failure that is the user's to fix and needs no stack trace, or null: a
   * {@link UsageException}'s message, or the message of an {@link HttpAuthException} (a wrong key:
   * it names the API and the request, key masked) found in the cause chain, since runners wrap
   * what a step throws.
   */
  static String userError(Throwable e) {
    return e instanceof UsageException ? e.getMessage() : HttpAuthException.find(e);
  }

  /** Runner settings the pipelines need, each applied unless the command line sets it. */
  private static final java.util.Map<String, List<String>> RUNNER_DEFAULTS = java.util.Map.of(
      // Progress lines need a run that does not block. The immutability and encodability checks
      // clone every element through its coder (61% of a 100k-post run's CPU, twice its memory);
      // they guard DoFn code against bugs, which the unit tests (TestPipeline) still run with.
      "DirectRunner", List.of("--blockOnRun=false", "--enforceImmutability=false",
          "--enforceEncodability=false"),
      // The bucketed joins read a large group twice (a CoGbkResult past its in-memory cache);
      // Flink's batch GroupByKey is one-pass unless told otherwise and fails at ~1M posts.
      // fasterCopy: no deep copy of each element through its coder between chained steps (24% of
      // the streaming job's CPU in a profile). Beam's model already forbids a DoFn to modify its
      // input or its output after emitting it, which the unit tests enforce on the Direct runner.
      // disableMetrics: the mains read Beam's metrics only for progress lines, which a Flink run
      // never prints (its run() returns when the job ends); pushing them into Flink's metric
      // system after every bundle took 20% of the streaming job's source thread.
      // BATCH_FORCED: each exchange of a batch job is written out before it is read. Pipelined, a
      // graph that branches and joins again can wait on itself: RetailDaily with the quality checks
      // sharing one count per table never finished (Beam documents the mode for such jobs). It cost
      // nothing measurable at 1M posts (less memory); streaming jobs ignore it.
      "FlinkRunner", List.of("--reIterableGroupByKeyResult=true", "--fasterCopy=true", "--disableMetrics=true",
          "--executionModeForBatch=BATCH_FORCED"),
      // Beam caches a collection that several steps read; Spark's MEMORY_ONLY (Beam's default) keeps
      // its elements as objects: 29 s of GC pauses in a 159 s run at 1M posts. Serialized blocks
      // (spilled to disk when the heap is short) took the same run to 119 s.
      "SparkRunner", List.of("--storageLevel=MEMORY_AND_DISK_SER"));

  /**
   * Flink in this process, with the managed memory Beam sizes from the heap. Beam's default {@code
   * [auto]} outside {@code flink run} starts the same local engine with Flink's own 128 MB, too little
   * for MoviesWarehouse's sorts ("Too little memory provided to sorter").
   */
  static final String LOCAL_FLINK = "--flinkMaster=[local]";

  /**
   * Flink settings of the engine Beam starts in this process ({@code [local]}) on a machine with
   * {@code cores} cores. Beam reads Flink's settings only from a configuration directory, so {@link
   * #withLocalFlinkConf} writes one for the run.
   * <ul>
   * <li>No compression of batch exchanges: in one process they never cross a network, only the page
   *     cache, and LZ4 on every exchanged byte made PinterestBatch 5-15 % slower at 1M posts.
   * <li>A batch job's parallelism, one task slot per {@code coresPerSlot} cores (at least one slot).
   *     Beam gives a {@code [local]} batch job Flink's configured default, else 1 (a streaming job
   *     gets one slot per core whatever the configuration says): on a large machine all but a few
   *     cores would stay idle. Which share suits a job depends on its shape: see {@link
   *     #BATCH_CORES_PER_SLOT}.
   * <li>Flink's temporary files ({@code io.tmp.dirs}) in {@code tmp}, a directory of this run, so
   *     that a job stopped with Ctrl-C or SIGTERM leaves nothing behind: Flink removes its RPC
   *     system's jar (22 MB, unpacked to the temporary directory at every start) and its working
   *     directory only when the engine is closed, which a stopped streaming job never does.
   * </ul>
   */
  static List<String> localFlinkConf(int cores, int coresPerSlot, Path tmp) {
    return List.of("taskmanager.network.batch-shuffle.compression.enabled: false",
        "parallelism.default: " + Math.max(1, cores / coresPerSlot),
        "io.tmp.dirs: '" + tmp.toString().replace("'", "''") + "'");
  }

  /**
   * Cores per task slot of a batch job on Flink in this process, for the jobs that {@link #parse} as
   * {@code type}. Two, unless listed here. A job whose branches run side by side already keeps
   * about two cores busy in one slot: at parallelism 1 PinterestBatch used ~1.8 of this machine's 2
   * cores (its three kinds' reads, its sorts and writes are tasks of their own), and 2 made the
   * bundled jar's default ~12 % slower at 1M posts (median of six pairs); MoviesWarehouse was
   * not consistently faster at 2 either (two pairs). RetailDaily spends over a third of its time in
   * one chain, reading and parsing each trends answer, while the rest of the job waits for it: one slot per core took
   * 5-16 % off the default at 1M trending items (four pairs).
   */
  static final java.util.Map<Class<?>, Integer> BATCH_CORES_PER_SLOT = java.util.Map.of(
      RetailDailyOptions.class, 1);

  /**
   * {@code args} plus {@code --flinkConfDir} of a new directory holding {@link #localFlinkConf},
   * when they run Flink in this process and neither they nor {@code envConfDir} (FLINK_CONF_DIR)
   * name a configuration directory: the user's own always wins, whole, and {@code --parallelism}
   * wins over both. The directory, with Flink's temporary files in it, is removed when the JVM
   * exits, however it is stopped short of SIGKILL.
   */
  static String[] withLocalFlinkConf(String[] args, String envConfDir, int cores, int coresPerSlot) {
    boolean local = Arrays.asList(args).contains(LOCAL_FLINK);
    boolean named = Arrays.stream(args).anyMatch(a -> a.startsWith("--flinkConfDir"));
    if (!local || named || (envConfDir != null && !envConfDir.isEmpty())) {
      return args;
    }
    try {
      Path dir = Files.createTempDirectory("pipewright-flink");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(dir), "pipewright-flink-cleanup"));
      Path tmp = Files.createDirectory(dir.resolve("tmp"));
      // Flink 1.19 reads config.yaml before the older flink-conf.yaml; 2.x reads only config.yaml.
      Files.write(dir.resolve("config.yaml"), localFlinkConf(cores, coresPerSlot, tmp));
      return withUnset(args, List.of("--flinkConfDir=" + dir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write Flink's settings to a temporary directory", e);
    }
  }

  /**
   * Deletes {@code dir} and everything below it, as far as it can: it runs while Flink's own
   * shutdown hooks may still be deleting files of their own.
   */
  static void removeTree(Path dir) {
    List<Path> paths;
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(java.util.Comparator.reverseOrder()).collect(java.util.stream.Collectors.toList());
    } catch (IOException | UncheckedIOException e) {
      paths = List.of(dir);
    }
    for (Path path : paths) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // A file Flink re-created or still holds a directory open; the rest is still removed.
      }
    }
  }

  /**
   * Whether Flink's command-line client ({@code flink run}) runs this main: then Beam's default
   * {@code --flinkMaster=[auto]} joins the client's cluster and must stay. The same test Beam's
   * Flink runner makes for {@code [auto]}, by name: the Flink classes are in the Flink jar only.
   */
  static boolean inFlinkClient() {
    try {
      Object environment = Class.forName("org.apache.flink.api.java.ExecutionEnvironment")
          .getMethod("getExecutionEnvironment").invoke(null);
      return !Class.forName("org.apache.flink.api.java.LocalEnvironment").isInstance(environment);
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }

  /** {@code args} plus each of the {@link #RUNNER_DEFAULTS} of {@code runner} that they do not set. */
  static String[] withRunnerDefaults(String[] args, String runner) {
    return withUnset(args, RUNNER_DEFAULTS.getOrDefault(runner, List.of()));
  }

  /** Settings on the command line that a run of these pipelines is known to suffer from. */
  static List<String> warnings(String[] args, String runner) {
    List<String> warnings = new java.util.ArrayList<>();
    if (runner.equals("FlinkRunner")) {
      for (String arg : args) {
        if (arg.startsWith("--executionModeForBatch=PIPELINED")) {
          warnings.add(arg.substring(2) + ": Flink may wait forever in a batch job whose steps branch and"
              + " join again, as every Pipewright batch job's do (RetailDaily and MoviesWarehouse did);"
              + " leave it out for the default, BATCH_FORCED");
        }
      }
    }
    return warnings;
  }

  /** {@code args} plus each {@code --name=value} of {@code flags} whose name they do not set. */
  static String[] withUnset(String[] args, List<String> flags) {
    List<String> withDefaults = new java.util.ArrayList<>(Arrays.asList(args));
    for (String flag : flags) {
      String name = flag.substring(0, flag.indexOf('='));
      if (Arrays.stream(args).noneMatch(a -> a.equals(name) || a.startsWith(name + "="))) {
        withDefaults.add(flag);
      }
    }
    return withDefaults.toArray(new String[0]);
  }

  /** Where a bundled jar names the runner it uses when the command line names none. */
  static final String DEFAULT_RUNNER_RESOURCE = "/META-INF/pipewright/default-runner.args";

  /**
   * {@code args} with the bundled jar's default runner (embedded Flink) unless they name one. Only
   * the bundled jars carry the resource: tests and {@code mvn exec:java} keep Beam's default, the
   * Direct runner (Flink's engine cannot load job classes from exec:java's class loader).
   */
  static String[] withBundleDefaults(String[] args) {
    if (Arrays.stream(args).anyMatch(a -> a.startsWith("--runner="))) {
      return args;
    }
    try (java.io.InputStream in = Cli.class.getResourceAsStream(DEFAULT_RUNNER_RESOURCE)) {
      return in == null ? args : withUnset(args, defaultRunnerArgs(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("cannot read " + DEFAULT_RUNNER_RESOURCE + " from the jar", e);
    }
  }

  /** The {@code --name=value} lines of a default-runner resource ({@code #} starts a comment line). */
  static List<String> defaultRunnerArgs(String resource) {
    List<String> flags = new java.util.ArrayList<>();
    for (String line : resource.split("\\R")) {
      String flag = line.trim();
      if (!flag.isEmpty() && !flag.startsWith("#")) {
        if (!flag.startsWith("--") || flag.indexOf('=') < 0) {
          throw new IllegalStateException(DEFAULT_RUNNER_RESOURCE + ": expected --name=value, got '" + flag + "'");
        }
        flags.add(flag);
      }
    }
    return flags;
  }

  /**
   * Parses and validates options. {@code --help} prints the options of {@code type} and exits.
   * Adds the bundled jar's default runner ({@link #withBundleDefaults}) and the {@link
   * #RUNNER_DEFAULTS} of the chosen runner.
   */
  static <T extends PipelineOptions> T parse(String[] givenArgs, Class<T> type) {
    PipelineOptionsFactory.register(type);
    String[] args = withBundleDefaults(givenArgs);
    if (args.length > givenArgs.length) {
      System.out.println("runner: " + String.join(" ", Arrays.asList(args).subList(givenArgs.length, args.length))
          + " (this jar's default; --runner=DirectRunner for Beam's test runner)");
    }
    if (Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("--help=" + type.getName())
        || a.equals("--help=" + type.getSimpleName()))) {
      System.out.print(Help.of(type));
      System.exit(0);
    }
    T options;
    try {
      options = PipelineOptionsFactory.fromArgs(args).withValidation().as(type);
    } catch (IllegalArgumentException e) {
      throw new UsageException(culprit(args, type) + firstLine(e.getMessage()));
    }
    String[] withDefaults = withRunnerDefaults(args, options.getRunner().getSimpleName());
    for (String warning : warnings(args, options.getRunner().getSimpleName())) {
      System.err.println("warning: " + warning);
    }
    if (options.getRunner().getSimpleName().equals("FlinkRunner") && !inFlinkClient()) {
      withDefaults = withLocalFlinkConf(withUnset(withDefaults, List.of(LOCAL_FLINK)), System.getenv("FLINK_CONF_DIR"),
          Runtime.getRuntime().availableProcessors(), BATCH_CORES_PER_SLOT.getOrDefault(type, 2));
    }
    if (withDefaults.length > args.length) {
      options = PipelineOptionsFactory.fromArgs(withDefaults).withValidation().as(type);
    }
    S3AccessOptions.apply(options.as(S3AccessOptions.class));
    FileSystems.setDefaultPipelineOptions(options);
    return options;
  }

  static Format format(String option, String value) {
    try {
      return Format.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + option + ": " + e.getMessage());
    }
  }

  /** Fails with one clear line unless every {@code kind} folder under {@code input} has files. */
  static void requireInputs(String input, List<String> kinds, String pattern) {
    for (String kind : kinds) {
      String files = OutputDirs.join(input, kind, pattern);
      requireFiles(files, "no input files at " + files
          + " (expected --input to be a folder with " + String.join("/, ", kinds) + "/ subfolders)");
    }
  }

  /** A usage error, {@code whenMissing}, unless the pattern {@code files} matches a file. */
  static void requireFiles(String files, String whenMissing) {
    boolean found;
    try {
      found = OutputDirs.exists(files);
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read input " + files + ": " + rootMessage(e));
    }
    if (!found) {
      throw new UsageException(whenMissing);
    }
  }

  /** Checks that {@code output} can be written by creating and deleting a small probe file. */
  static void requireWritable(String output) {
    ResourceId probe = FileSystems.matchNewResource(OutputDirs.join(output, ".pipewright-probe"), false);
    try {
      try (OutputStream out = Channels.newOutputStream(FileSystems.create(probe, MimeTypes.TEXT))) {
        out.write('\n');
      }
      FileSystems.delete(List.of(probe));
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot write to output " + output + ": " + rootMessage(e));
    }
  }

  static void replaceAll(List<String> directories) throws IOException {
    for (String dir : directories) {
      OutputDirs.replace(dir);
    }
  }

  /** After a successful run: removes what the writers left behind in {@code directories}. */
  static void tidy(List<String> directories) throws IOException {
    for (String dir : directories) {
      OutputDirs.removeEmptyTempDirs(dir);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : firstLine(message);
  }

  /**
   * {@code "--name: "} for the first argument that cannot be parsed even on its own, else {@code ""}:
   * Beam's message for a value of the wrong type ("Cannot deserialize value of type `int` from String
   * \"many\"") does not say which option it was.
   */
  static String culprit(String[] args, Class<? extends PipelineOptions> type) {
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 2) {
        try {
          PipelineOptionsFactory.fromArgs(arg).as(type);
        } catch (IllegalArgumentException e) {
          return arg.substring(0, equals) + ": ";
        }
      }
    }
    return "";
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
