package org.pipewright.transforms.core;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Reads this project's counters (namespace {@link CleanRecords#METRICS_NAMESPACE}) from a finished run. */
public final class Counters {
  private Counters() {}

  /** The attempted value of counter {@code name}, one per step that reported it. */
  public static List<Long> perStep(PipelineResult run, String name) {
    List<Long> values = new ArrayList<>();
    for (MetricResult<Long> c : run.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.named(CleanRecords.METRICS_NAMESPACE, name)).build()).getCounters()) {
      values.add(c.getAttempted());
    }
    return values;
  }

  /** Counter {@code name} summed over every step that reported it (0 if none did). */
  public static long total(PipelineResult run, String name) {
    return perStep(run, name).stream().mapToLong(Long::longValue).sum();
  }
}
