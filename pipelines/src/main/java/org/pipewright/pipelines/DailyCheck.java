package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.quality.QualityReport;

/**
 * The data-quality gate after a daily batch (any pipeline's {@code summary.json}): every table's counts add up (read = clean +
 * duplicates + deadLetter), every table has rows, and no table refused more than {@code
 * --maxDeadLetterShare} of its records. When the run wrote data-quality results ({@code quality/}
 * next to {@code summary.json}), they are printed too and every failed {@code error}-level check
 * fails the gate; failed warnings do not. Prints one line per table; exits 1 when a check fails, so
 * a scheduler marks the day failed.
 */
public final class DailyCheck {
  private DailyCheck() {}

  public static void main(String[] args) {
    Cli.main(args, a -> {
      List<String> failures = run(a);
      if (!failures.isEmpty()) {
        failures.forEach(f -> System.err.println("failed: " + f));
        System.exit(1);
      }
    });
  }

  /** Runs the checks; returns the failures (empty when the day passes). */
  static List<String> run(String[] args) throws Exception {
    DailyCheckOptions options = Cli.parse(args, DailyCheckOptions.class);
    if (options.getMaxDeadLetterShare() < 0 || options.getMaxDeadLetterShare() > 1) {
      throw new UsageException("--maxDeadLetterShare must be within [0, 1]");
    }
    JsonNode summary;
    try (InputStream in = Channels.newInputStream(
        FileSystems.open(FileSystems.matchNewResource(options.getSummary(), false)))) {
      summary = new ObjectMapper().readTree(in);
    } catch (java.io.IOException e) {
      throw new UsageException("cannot read " + options.getSummary() + ": " + Cli.rootMessage(e));
    }
    List<String> failures = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    summary.fieldNames().forEachRemaining(kinds::add);
    if (kinds.isEmpty()) {
      failures.add(options.getSummary() + ": no counts in the summary");
    }
    for (String kind : kinds) {
      JsonNode t = summary.path(kind);
      long read = t.path("read").asLong(-1);
      long clean = t.path("clean").asLong(-1);
      long duplicates = t.path("duplicates").asLong(-1);
      long dead = t.path("deadLetter").asLong(-1);
      double share = read > 0 ? (double) dead / read : 0;
      System.out.printf(Locale.ROOT, "%-5s read=%d clean=%d duplicates=%d deadLetter=%d (%.2f %%)%n", kind, read,
          clean, duplicates, dead, 100 * share);
      if (read < 0 || clean < 0 || duplicates < 0 || dead < 0) {
        failures.add(kind + ": summary has no complete counts");
      } else if (read != clean + duplicates + dead) {
        failures.add(kind + ": read " + read + " != clean + duplicates + deadLetter " + (clean + duplicates + dead));
      }
      if (clean == 0) {
        failures.add(kind + ": no clean rows");
      }
      if (share > options.getMaxDeadLetterShare()) {
        failures.add(String.format(Locale.ROOT, "%s: %.2f %% of the records were refused (limit %.2f %%)", kind,
            100 * share, 100 * options.getMaxDeadLetterShare()));
      }
    }
    List<Row> quality = Quality.read(outputOf(options.getSummary()));
    if (!quality.isEmpty()) {
      System.out.print(QualityReport.format(quality));
      for (Row failed : QualityReport.failedErrors(quality)) {
        failures.add("quality check " + QualityReport.line(failed));
      }
    }
    System.out.println(failures.isEmpty() ? "quality gate passed" : "quality gate failed");
    return failures;
  }

  /** The run's output folder: the one holding {@code summary.json}. */
  private static String outputOf(String summary) {
    return FileSystems.matchNewResource(summary, false).getCurrentDirectory().toString();
  }
}
