package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The command-line text the pipelines print: help and progress lines. */
public class CliHelpersTest {
  @Test
  public void helpShowsThePipelinesOwnOptionsFirstAndNoBeamSdkOptions() {
    String help = Help.of(PinterestBatchOptions.class);
    String[] lines = help.split("\n");
    assertEquals("PinterestBatch options:", lines[0]);
    assertEquals("  PinterestBatchOptions", lines[2]);
    assertThat(help.indexOf("--input=String (required)"), lessThan(help.indexOf("--output=String (required)")));
    assertThat(help, containsString("--outputFormat=String (default: parquet)"));
    assertThat(help, containsString("--jdbcUrl=String"));
    // Beam's own options are one pointer away, not 140 lines in front of ours
    assertThat(help, not(containsString("--tempLocation=")));
    assertThat(help, not(containsString("--stableUniqueNames")));
    assertThat(help, containsString("--help=org.apache.beam.sdk.options.PipelineOptions"));
    assertThat(lines.length, lessThan(60));
  }

  @Test
  public void progressSaysWhatStageABatchJobIsIn() {
    assertEquals("[reading]", Runs.stage(0, -1, false));
    assertEquals("[reading]", Runs.stage(10, 0, false));
    assertEquals("[reading done; de-duplicating, joining, writing]", Runs.stage(10, 10, false));
    assertEquals("[waiting for records]", Runs.stage(10, 10, true));
    assertEquals("[running]", Runs.stage(-1, -1, false));
  }

  @Test
  public void progressCallsRowsBeforeDedupeValidAndSumsWritesOfOtherTables() {
    Map<String, Long> counters = new java.util.TreeMap<>(Map.of(
        "pin.read", 10L, "pin.clean", 8L, "pin.deadLetter", 2L, "pin.written", 6L,
        "popular_category_by_country.written", 3L, "dead-letter.written", 2L, "pin.upserted", 6L));
    assertEquals("pin read=10 valid=8 deadLetter=2  written: pin=6 other tables=5  pin.upserted=6",
        Runs.progress(counters, List.of("pin")));
    assertEquals("(this runner reports no metrics while running)", Runs.progress(null, List.of("pin")));
  }

  @Test
  public void theDirectRunnerSkipsItsPerElementChecksUnlessToldOtherwise() {
    assertEquals(List.of("--input=in", "--blockOnRun=false", "--enforceImmutability=false",
            "--enforceEncodability=false"),
        List.of(Cli.withRunnerDefaults(new String[] {"--input=in"}, "DirectRunner")));
    assertEquals(List.of("--enforceImmutability=true", "--blockOnRun=false", "--enforceEncodability=false"),
        List.of(Cli.withRunnerDefaults(new String[] {"--enforceImmutability=true"}, "DirectRunner")));
    assertEquals(List.of("--reIterableGroupByKeyResult=true", "--fasterCopy=true", "--disableMetrics=true",
            "--executionModeForBatch=BATCH_FORCED"),
        List.of(Cli.withRunnerDefaults(new String[0], "FlinkRunner")));
    assertEquals(List.of("--input=in", "--storageLevel=MEMORY_AND_DISK_SER"),
        List.of(Cli.withRunnerDefaults(new String[] {"--input=in"}, "SparkRunner")));
    assertEquals(List.of("--storageLevel=MEMORY_ONLY"),
        List.of(Cli.withRunnerDefaults(new String[] {"--storageLevel=MEMORY_ONLY"}, "SparkRunner")));
  }

  @Test
  public void warnsOfAPipelinedFlinkBatchOnly() {
    String[] pipelined = {"--input=in", "--executionModeForBatch=PIPELINED"};
    List<String> warnings = Cli.warnings(pipelined, "FlinkRunner");
    assertEquals(1, warnings.size());
    assertThat(warnings.get(0), containsString("executionModeForBatch=PIPELINED: Flink may wait forever"));
    assertEquals(1, Cli.warnings(new String[] {"--executionModeForBatch=PIPELINED_FORCED"}, "FlinkRunner").size());
    assertEquals(List.of(), Cli.warnings(new String[] {"--executionModeForBatch=BATCH_FORCED"}, "FlinkRunner"));
    assertEquals(List.of(), Cli.warnings(new String[] {"--input=in"}, "FlinkRunner"));
    assertEquals(List.of(), Cli.warnings(pipelined, "SparkRunner"));
  }

  @Test
  public void aBundledJarsDefaultRunnerAppliesOnlyWhenTheCommandLineNamesNone() {
    List<String> flags = Cli.defaultRunnerArgs("# comment\n--runner=FlinkRunner\n\n  --flinkMaster=[local]  \n");
    assertEquals(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"), flags);
    assertEquals(List.of("--input=in", "--flinkMaster=x", "--runner=FlinkRunner"),
        List.of(Cli.withUnset(new String[] {"--input=in", "--flinkMaster=x"}, flags)));
    // The test class path has no bundled-jar resource: Beam's own default (Direct) stays.
    assertEquals(List.of("--input=in"), List.of(Cli.withBundleDefaults(new String[] {"--input=in"})));
    assertEquals(List.of("--runner=SparkRunner"), List.of(Cli.withBundleDefaults(new String[] {"--runner=SparkRunner"})));
    IllegalStateException bad = org.junit.Assert.assertThrows(IllegalStateException.class,
        () -> Cli.defaultRunnerArgs("runner FlinkRunner"));
    assertEquals(Cli.DEFAULT_RUNNER_RESOURCE + ": expected --name=value, got 'runner FlinkRunner'", bad.getMessage());
  }

  @Test
  public void flinkInThisProcessGetsItsOwnSettingsUnlessTheUserNamesAConfigurationDirectory() throws Exception {
    String[] local = {"--input=in", Cli.LOCAL_FLINK};
    String[] withConf = Cli.withLocalFlinkConf(local, null, 8, 2);
    assertEquals(3, withConf.length);
    assertThat(withConf[2], org.hamcrest.Matchers.startsWith("--flinkConfDir="));
    String dir = withConf[2].substring("--flinkConfDir=".length());
    // Read back by Flink itself, with Flink's own option: a misspelt key would load but not apply.
    Class<?> global = Class.forName("org.apache.flink.configuration.GlobalConfiguration");
    Object configuration = global.getMethod("loadConfiguration", String.class).invoke(null, dir);
    Object option = Class.forName("org.apache.flink.configuration.NettyShuffleEnvironmentOptions")
        .getField("BATCH_SHUFFLE_COMPRESSION_ENABLED").get(null);
    Class<?> configOption = Class.forName("org.apache.flink.configuration.ConfigOption");
    assertEquals(Boolean.FALSE, configuration.getClass().getMethod("get", configOption).invoke(configuration, option));
    // Flink's temporary files go below that directory, which the JVM removes as it exits.
    String[] tmpDirs = (String[]) Class.forName("org.apache.flink.configuration.ConfigurationUtils")
        .getMethod("parseTempDirectories", configuration.getClass()).invoke(null, configuration);
    assertEquals(List.of(Path.of(dir, "tmp").toString()), List.of(tmpDirs));
    assertTrue(Files.isDirectory(Path.of(tmpDirs[0])));
    // The batch parallelism, as Beam's Flink runner sets it from that directory: a slot per two cores,
    // unless --parallelism says otherwise.
    assertEquals(4, localBatchParallelism(withConf[2]));
    assertEquals(3, localBatchParallelism(withConf[2], "--parallelism=3"));
    assertEquals(2, localBatchParallelism(Cli.withLocalFlinkConf(local, null, 5, 2)[2]));
    assertEquals(1, localBatchParallelism(Cli.withLocalFlinkConf(local, null, 1, 2)[2]));
    // A job that asks for a slot per core.
    assertEquals(5, localBatchParallelism(Cli.withLocalFlinkConf(local, null, 5, 1)[2]));

    assertEquals(List.of(local), List.of(Cli.withLocalFlinkConf(local, "/etc/flink", 8, 2)));
    String[] named = {Cli.LOCAL_FLINK, "--flinkConfDir=/mine"};
    assertEquals(List.of(named), List.of(Cli.withLocalFlinkConf(named, null, 8, 2)));
    String[] cluster = {"--flinkMaster=jobmanager:8081"};
    assertEquals(List.of(cluster), List.of(Cli.withLocalFlinkConf(cluster, null, 8, 2)));
  }

  @Test
  public void removeTreeDeletesADirectoryWithEverythingBelowIt() throws Exception {
    Path dir = Files.createTempDirectory("remove-tree");
    Files.createDirectories(dir.resolve("tmp/minicluster_1/blobs"));
    Files.writeString(dir.resolve("tmp/minicluster_1/blobs/a.jar"), "x");
    Files.writeString(dir.resolve("config.yaml"), "y");
    Cli.removeTree(dir);
    assertFalse(Files.exists(dir));
    Cli.removeTree(dir); // already gone: nothing to do, no error
  }

  @Test
  public void eachBatchJobGetsItsShareOfTheCoresOnFlinkInThisProcess() throws Exception {
    org.junit.Assume.assumeTrue("a FLINK_CONF_DIR of the environment replaces the written settings",
        System.getenv("FLINK_CONF_DIR") == null);
    int cores = Runtime.getRuntime().availableProcessors();
    String[] args = {"--runner=FlinkRunner", "--input=in", "--output=out"};
    assertEquals(cores, localBatchParallelism(confDir(Cli.parse(args, RetailDailyOptions.class))));
    assertEquals(Math.max(1, cores / 2), localBatchParallelism(confDir(Cli.parse(args, PinterestBatchOptions.class))));
    assertEquals(Math.max(1, cores / 2), localBatchParallelism(confDir(Cli.parse(args, MoviesWarehouseOptions.class))));
  }

  private static String confDir(org.apache.beam.sdk.options.PipelineOptions options) throws Exception {
    Class<? extends org.apache.beam.sdk.options.PipelineOptions> flinkOptions = Class
        .forName("org.apache.beam.runners.flink.FlinkPipelineOptions")
        .asSubclass(org.apache.beam.sdk.options.PipelineOptions.class);
    Object flink = options.as(flinkOptions);
    return "--flinkConfDir=" + flinkOptions.getMethod("getFlinkConfDir").invoke(flink);
  }

  /** The parallelism of the batch environment Beam's Flink runner creates for these options. */
  private static int localBatchParallelism(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--runner=FlinkRunner", Cli.LOCAL_FLINK));
    all.addAll(List.of(args));
    Class<? extends org.apache.beam.sdk.options.PipelineOptions> flinkOptions = Class
        .forName("org.apache.beam.runners.flink.FlinkPipelineOptions")
        .asSubclass(org.apache.beam.sdk.options.PipelineOptions.class);
    Object options = org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(all.toArray(new String[0])).as(flinkOptions);
    Object environment = Class.forName("org.apache.beam.runners.flink.FlinkExecutionEnvironments")
        .getMethod("createBatchExecutionEnvironment", flinkOptions).invoke(null, options);
    return (Integer) environment.getClass().getMethod("getParallelism").invoke(environment);
  }
}
