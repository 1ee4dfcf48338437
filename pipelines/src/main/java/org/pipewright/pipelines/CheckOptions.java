package org.pipewright.pipelines;

import java.util.Arrays;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Checks a command line for one of the jobs without running it: every option must exist for that
 * job and this jar's runner, have a value of the right type, and the required ones must be there.
 * Schedulers' configuration (the Airflow DAGs) is checked with it in CI.
 *
 * <pre>
 * java -cp JAR org.pipewright.pipelines.CheckOptions org.pipewright.pipelines.PinterestBatch --input=... --date=...
 * </pre>
 */
public final class CheckOptions {
  static final Map<String, Class<? extends PipelineOptions>> JOBS = Map.of(
      PinterestBatch.class.getName(), PinterestBatchOptions.class,
      PinterestAnalytics.class.getName(), PinterestAnalyticsOptions.class,
      PinterestStreaming.class.getName(), PinterestStreamingOptions.class,
      PinterestLanding.class.getName(), PinterestLandingOptions.class,
      Emulator.class.getName(), EmulatorOptions.class,
      MoviesWarehouse.class.getName(), MoviesWarehouseOptions.class,
      DailyCheck.class.getName(), DailyCheckOptions.class);

  private CheckOptions() {}

  public static void main(String[] args) {
    Cli.main(args, a -> {
      if (a.length == 0 || !JOBS.containsKey(a[0])) {
        throw new UsageException("first argument: one of " + new java.util.TreeSet<>(JOBS.keySet()));
      }
      Class<? extends PipelineOptions> type = JOBS.get(a[0]);
      PipelineOptionsFactory.register(type);
      try {
        PipelineOptionsFactory.fromArgs(Arrays.copyOfRange(a, 1, a.length)).withValidation().as(type);
      } catch (IllegalArgumentException e) {
        throw new UsageException(a[0].substring(a[0].lastIndexOf('.') + 1) + ": " + e.getMessage().split("\n")[0]);
      }
      System.out.println("options ok for " + a[0]);
    });
  }
}
