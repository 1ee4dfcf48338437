package org.pipewright.pipelines;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.joda.time.Duration;
import org.pipewright.transforms.core.CleanRecords;

/** Runs a pipeline to the end, printing a progress line at a steady pace. */
final class Runs {
  private Runs() {}

  static PipelineResult run(Pipeline pipeline, int progressSeconds, List<String> kinds) {
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state;
    if (progressSeconds > 0) {
      do {
        state = result.waitUntilFinish(Duration.standardSeconds(progressSeconds));
        if (state == null || !state.isTerminal()) {
          System.out.printf("progress %4ds  %s%n",
              (System.nanoTime() - start) / 1_000_000_000L, progress(result, kinds));
        }
      } while (state == null || !state.isTerminal());
    } else {
      state = result.waitUntilFinish();
    }
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("pipeline ended in state " + state);
    }
    System.out.printf("finished in %.1f s%n", (System.nanoTime() - start) / 1e9);
    return result;
  }

  /** {@code pin read=.. clean=.. deadLetter=..} for each kind, from the cleansing counters. */
  static String progress(PipelineResult result, List<String> kinds) {
    Map<String, Long> counters = new TreeMap<>();
    try {
      MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.inNamespace(CleanRecords.METRICS_NAMESPACE)).build());
      for (MetricResult<Long> counter : metrics.getCounters()) {
        counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
    } catch (UnsupportedOperationException | IllegalStateException e) {
      return "(this runner reports no metrics while running)";
    }
    StringBuilder line = new StringBuilder();
    for (String kind : kinds) {
      line.append(String.format("%s read=%d clean=%d deadLetter=%d  ", kind,
          counters.getOrDefault(kind + ".read", 0L),
          counters.getOrDefault(kind + ".clean", 0L),
          counters.getOrDefault(kind + ".deadLetter", 0L)));
    }
    // Sinks and other steps report <name>.upserted, .retried, .landed, ...: show them too.
    counters.forEach((name, value) -> {
      if (!name.endsWith(".read") && !name.endsWith(".clean") && !name.endsWith(".deadLetter")
          || name.startsWith("unknown.")) {
        line.append(name).append('=').append(value).append("  ");
      }
    });
    return line.toString().trim();
  }
}
