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
import org.apache.beam.sdk.options.StreamingOptions;
import org.joda.time.Duration;
import org.pipewright.io.files.WriteRows;
import org.pipewright.transforms.core.CleanRecords;

/** Runs a pipeline to the end, printing a progress line at a steady pace. */
final class Runs {
  private Runs() {}

  static PipelineResult run(Pipeline pipeline, int progressSeconds, List<String> kinds) {
    return run(pipeline, progressSeconds, kinds, RunLog.NONE);
  }

  /**
   * As {@link #run(Pipeline, int, List)}, and a batch job's counts at each progress tick go to
   * {@code log} (a streaming job records its own: {@link RunLog#recordWhileRunning}); a run that
   * fails is recorded as {@link RunLog#FAILED} there, keeping the counts recorded so far. The caller records a run that ends well,
   * once it has its summary.
   */
  static PipelineResult run(Pipeline pipeline, int progressSeconds, List<String> kinds, RunLog log) {
    try {
      return runLogged(pipeline, progressSeconds, kinds, log);
    } catch (RuntimeException | Error e) {
      log.finish(RunLog.FAILED, null, null);
      throw e;
    }
  }

  private static PipelineResult runLogged(Pipeline pipeline, int progressSeconds, List<String> kinds, RunLog log) {
    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    PipelineResult.State state;
    if (progressSeconds > 0) {
      boolean streaming = pipeline.getOptions().as(StreamingOptions.class).isStreaming();
      long lastRead = -1;
      do {
        state = result.waitUntilFinish(Duration.standardSeconds(progressSeconds));
        if (state == null || !state.isTerminal()) {
          Map<String, Long> counters = counters(result);
          long read = counters == null ? -1 : total(counters, kinds, ".read");
          System.out.printf("progress %4ds  %s  %s%n", (System.nanoTime() - start) / 1_000_000_000L,
              stage(read, lastRead, streaming), progress(counters, kinds));
          if (!streaming) {
            log.progress(counters, kinds);
          }
          lastRead = read;
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

  /**
   * What the job is doing, judged from its read counters: a batch job that has stopped reading is
   * de-duplicating, joining and writing (the written counters then grow); a streaming job that
   * has stopped reading is waiting for records.
   */
  static String stage(long read, long lastRead, boolean streaming) {
    if (read < 0) {
      return "[running]";
    }
    if (read == 0 || read != lastRead) {
      return "[reading]";
    }
    return streaming ? "[waiting for records]" : "[reading done; de-duplicating, joining, writing]";
  }

  /** The job's counters in our namespace, or null when the runner reports none while running. */
  static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> counters = new TreeMap<>();
    try {
      MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.inNamespace(CleanRecords.METRICS_NAMESPACE)).build());
      for (MetricResult<Long> counter : metrics.getCounters()) {
        counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
    } catch (UnsupportedOperationException | IllegalStateException e) {
      return null;
    }
    return counters;
  }

  private static long total(Map<String, Long> counters, List<String> kinds, String suffix) {
    return kinds.stream().mapToLong(k -> counters.getOrDefault(k + suffix, 0L)).sum();
  }

  /**
   * {@code pin read=.. valid=.. deadLetter=..} for each kind, from the cleansing counters ({@code
   * valid}: passed the cleaning rules, before duplicates are removed; the summary at the end
   * splits it into clean and duplicates), then rows written per table and any other counter.
   */
  static String progress(Map<String, Long> counters, List<String> kinds) {
    if (counters == null) {
      return "(this runner reports no metrics while running)";
    }
    StringBuilder line = new StringBuilder();
    for (String kind : kinds) {
      line.append(String.format("%s read=%d valid=%d deadLetter=%d  ", kind,
          counters.getOrDefault(kind + ".read", 0L),
          counters.getOrDefault(kind + ".clean", 0L),
          counters.getOrDefault(kind + ".deadLetter", 0L)));
    }
    long writtenElsewhere = 0;
    StringBuilder written = new StringBuilder();
    StringBuilder other = new StringBuilder();
    for (Map.Entry<String, Long> counter : counters.entrySet()) {
      String name = counter.getKey();
      if (name.endsWith(WriteRows.WRITTEN_SUFFIX)) {
        String table = name.substring(0, name.length() - WriteRows.WRITTEN_SUFFIX.length());
        if (kinds.contains(table)) {
          written.append(' ').append(table).append('=').append(counter.getValue());
        } else {
          writtenElsewhere += counter.getValue();
        }
      } else if (!name.endsWith(".read") && !name.endsWith(".clean") && !name.endsWith(".deadLetter")
          || name.startsWith("unknown.")) {
        // Sinks and other steps report <name>.upserted, .retried, .landed, ...
        other.append(name).append('=').append(counter.getValue()).append("  ");
      }
    }
    if (written.length() > 0 || writtenElsewhere > 0) {
      line.append("written:").append(written);
      if (writtenElsewhere > 0) {
        line.append(" other tables=").append(writtenElsewhere);
      }
      line.append("  ");
    }
    return line.append(other).toString().trim();
  }
}
