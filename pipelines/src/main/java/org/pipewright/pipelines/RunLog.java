package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.transforms.core.Tally;

/**
 * One row per run in the warehouse's {@value #TABLE} table, so that what ran, when, on which runner,
 * how it ended and what it counted can be queried (the console's Runs page reads it): inserted as
 * {@code running} when the job starts, its counts updated while it runs (from a batch job's progress
 * ticks; by a streaming job itself, {@link #recordWhileRunning}), and finished with its status,
 * quality result and the counts of its {@code summary.json}; a run that a signal stops (Ctrl-C,
 * SIGTERM) before it finishes is finished as {@value #STOPPED} as the JVM exits.
 *
 * <p>Recording never fails or blocks a run: a warehouse that refuses the row (the table missing
 * without {@code --createTables}, a lost connection) gets one warning and the job goes on.
 */
final class RunLog {
  static final String TABLE = "pipewright_runs";
  static final Schema SCHEMA = Schema.builder()
      .addStringField("run_id")
      .addStringField("pipeline")
      .addStringField("job")
      .addStringField("kind")
      .addStringField("runner")
      .addDateTimeField("started_at")
      .addNullableField("finished_at", FieldType.DATETIME)
      .addStringField("status")
      .addNullableField("quality", FieldType.STRING)
      .addStringField("counts")
      .build();

  static final String RUNNING = "running";
  static final String SUCCEEDED = "succeeded";
  static final String FAILED = "failed";
  static final String QUALITY_FAILED = "quality_failed";
  /** Ended by a stop signal (Ctrl-C, SIGTERM), the usual end of a streaming job. */
  static final String STOPPED = "stopped";

  /** A log that records nothing: for a run without a warehouse. */
  static final RunLog NONE = new RunLog(null, Dialect.POSTGRES, "", "", "", "", "");

  private final @Nullable JdbcConnection connection;
  private final Dialect dialect;
  private final String id;
  private final String pipeline;
  private final String job;
  private final String kind;
  private final String runner;
  /** No row to update: the table or the INSERT failed. */
  private boolean broken;
  private boolean warned;
  private volatile boolean finished;

  private RunLog(@Nullable JdbcConnection connection, Dialect dialect, String id, String pipeline, String job,
      String kind, String runner) {
    this.connection = connection;
    this.dialect = dialect;
    this.id = id;
    this.pipeline = pipeline;
    this.job = job;
    this.kind = kind;
    this.runner = runner;
  }

  /**
   * Records the start of a run of {@code job} (a pipeline of {@code pipeline}) in the warehouse of
   * {@code tables}, creating the table first when {@code createTables}; {@link #NONE} without a
   * warehouse.
   */
  static RunLog start(@Nullable WarehouseTables tables, boolean createTables, String pipeline, Class<?> job,
      PipelineOptions options, boolean streaming) {
    if (tables == null) {
      return NONE;
    }
    // The job's name and start second make runs easy to tell apart by eye; the suffix makes two
    // starts in one second two runs.
    Instant now = Instant.now();
    String id = job.getSimpleName() + "-" + now.toString().replace(":", "").replaceFirst("\\..*", "Z") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    RunLog log = new RunLog(tables.connection(), tables.dialect(), id, pipeline, job.getSimpleName(),
        streaming ? "streaming" : "batch", options.getRunner().getSimpleName());
    if (createTables) {
      try {
        JdbcUpsert.into(TABLE).withKeys("run_id").withConnection(tables.connection()).withDialect(tables.dialect())
            .createTable(SCHEMA);
      } catch (SQLException e) {
        log.warn(e);
        log.broken = true;
        return log;
      }
    }
    if (log.write("INSERT INTO " + log.dialect.quoteTable(TABLE)
        + " (run_id, pipeline, job, kind, runner, started_at, finished_at, status, quality, counts)"
        + " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?)",
        id, pipeline, log.job, log.kind, log.runner, utc(now), RUNNING, "{}")) {
      // A run stopped by a signal would otherwise stay "running" for ever.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (!log.finished) {
          log.finish(STOPPED, null, null);
        }
      }, "pipewright-run-log"));
    } else {
      log.broken = true;
    }
    return log;
  }

  /** The run's counts so far, from a progress tick's counters; ignored by {@link #NONE}. */
  void progress(@Nullable Map<String, Long> counters, List<String> kinds) {
    if (counters != null) {
      write("UPDATE " + dialect.quoteTable(TABLE) + " SET counts = ? WHERE run_id = ?", counts(counters, kinds), id);
    }
  }

  /**
   * Records how the run ended: its status, quality result (null without checks) and counts (JSON;
   * null keeps the counts recorded while it ran).
   */
  void finish(String status, @Nullable String quality, @Nullable String counts) {
    finished = true;
    if (counts == null) {
      write("UPDATE " + dialect.quoteTable(TABLE) + " SET finished_at = ?, status = ?, quality = ? WHERE run_id = ?",
          utc(Instant.now()), status, quality, id);
    } else {
      write("UPDATE " + dialect.quoteTable(TABLE) + " SET finished_at = ?, status = ?, quality = ?, counts = ?"
          + " WHERE run_id = ?", utc(Instant.now()), status, quality, counts, id);
    }
  }

  /**
   * Adds to a streaming job the recording of its counts while it runs: {@code counted} holds the
   * collections named {@code <kind>.clean} and {@code <kind>.deadLetter}, and {@code <kind>.read}
   * unless it is their sum by construction. They are counted as data ({@link Tally}) and written to
   * this run's row at most every {@code seconds}, so every runner records them, Flink included,
   * whose metrics the pipelines turn off and whose {@code run()} returns only when the job ends.
   * Adds nothing for {@link #NONE}.
   */
  void recordWhileRunning(PCollectionTuple counted, List<String> kinds, int seconds) {
    if (connection == null) {
      return;
    }
    counted
        .apply("Tally counts", Tally.of().runningEvery(Duration.standardSeconds(seconds)))
        .apply("Record counts", ParDo.of(new WriteCounts(connection, dialect.quoteTable(TABLE), id, kinds)));
  }

  String id() {
    return id;
  }

  /**
   * {@code {"pin": {"read": .., "clean": .., "deadLetter": ..}}} from the cleansing counters
   * ({@code clean}: passed the rules, before duplicates are removed); {@code {}} without counters.
   */
  static String counts(@Nullable Map<String, Long> counters, List<String> kinds) {
    if (counters == null) {
      // A runner that reports no metrics (Flink, as the pipelines set it up).
      return "{}";
    }
    ObjectNode all = JsonNodeFactory.instance.objectNode();
    for (String kind : kinds) {
      long clean = counters.getOrDefault(kind + "." + Summary.CLEAN, 0L);
      long dead = counters.getOrDefault(kind + "." + Summary.DEAD_LETTER, 0L);
      ObjectNode counts = all.putObject(kind)
          .put(Summary.READ, counters.getOrDefault(kind + "." + Summary.READ, clean + dead))
          .put(Summary.CLEAN, clean)
          .put(Summary.DEAD_LETTER, dead);
      Long refused = counters.get(kind + "." + Summary.WAREHOUSE_REFUSED);
      if (refused != null) {
        counts.put(Summary.WAREHOUSE_REFUSED, refused);
      }
    }
    return all.toString();
  }

  /** How often a streaming job records its counts: every {@code --progressSeconds}, 10 s when those are off. */
  static int seconds(int progressSeconds) {
    return progressSeconds > 0 ? progressSeconds : 10;
  }

  /** Writes each map of running totals into the run's row; a refused write is one warning, never a failure. */
  private static final class WriteCounts extends DoFn<Map<String, Long>, Void> {
    private static final long serialVersionUID = 1L;
    private final JdbcConnection connection;
    private final String table;
    private final String id;
    private final List<String> kinds;
    private transient boolean warned;

    WriteCounts(JdbcConnection connection, String table, String id, List<String> kinds) {
      this.connection = connection;
      this.table = table;
      this.id = id;
      this.kinds = List.copyOf(kinds);
    }

    @ProcessElement
    public void process(@Element Map<String, Long> totals) {
      try (Connection c = connection.open();
          PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET counts = ? WHERE run_id = ?")) {
        s.setString(1, counts(totals, kinds));
        s.setString(2, id);
        s.executeUpdate();
      } catch (SQLException e) {
        if (!warned) {
          warned = true;
          System.err.println("warning: the counts of run " + id + " are not recorded in " + TABLE + ": "
              + e.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
  }

  // Not a java.sql.Timestamp: the driver would write its wall-clock time in the JVM's zone.
  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** Runs {@code sql}; false (after one warning per run) if the warehouse refused it. */
  private boolean write(String sql, Object... values) {
    if (connection == null || broken) {
      return false;
    }
    try (Connection c = connection.open(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        if (values[i] == null) {
          s.setNull(i + 1, Types.VARCHAR);
        } else {
          s.setObject(i + 1, values[i]);
        }
      }
      s.executeUpdate();
      return true;
    } catch (SQLException e) {
      // A later update may still succeed (the database was restarting): only a missing row stops them.
      warn(e);
      return false;
    }
  }

  private void warn(SQLException e) {
    if (warned) {
      return;
    }
    warned = true;
    System.err.println("warning: this run is not recorded in " + TABLE + " on " + connection.describe() + ": "
        + e.getMessage().lines().findFirst().orElse("") + " (--createTables creates the table)");
  }
}
