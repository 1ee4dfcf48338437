package org.pipewright.io.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.SafePoint;

/**
 * Keeps a streaming pipeline's progress in table {@value #TABLE} ({@code name, safe_time,
 * resume_time, saved_at}): every record stamped before {@code safe_time} is written; a restart
 * resumes at {@code resume_time}, the safe time minus {@code rewind}, so it re-reads the windows that
 * may still change. Kinesis, which has no committed offsets, restarts from it; for Kafka it shows
 * how far the pipeline has durably got. Delete the row to start a Kinesis pipeline afresh. The saves
 * share one connection, opened at the first and closed by {@link #close}.
 */
public final class JdbcCheckpointStore implements SafePoint.Store {
  private static final long serialVersionUID = 1L;
  public static final String TABLE = "pipewright_checkpoint";
  private static final String QUOTED = SqlIdentifiers.quoteTable(TABLE);

  private final JdbcConnection connection;
  private final String name;
  private final Duration rewind;
  /** Kept between saves: one session for the pipeline's life instead of one per interval. */
  private transient @Nullable Connection open;

  public JdbcCheckpointStore(JdbcConnection connection, String name, Duration rewind) {
    this.connection = connection;
    this.name = name;
    this.rewind = rewind;
  }

  /** Creates the table if needed. */
  public void createTable() throws SQLException {
    try (Connection c = connection.open(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + QUOTED + " (\"name\" VARCHAR(256) NOT NULL PRIMARY KEY, "
          + "\"safe_time\" TIMESTAMP WITH TIME ZONE NOT NULL, \"resume_time\" TIMESTAMP WITH TIME ZONE NOT NULL, "
          + "\"saved_at\" TIMESTAMP WITH TIME ZONE NOT NULL)");
    }
  }

  /** The stored resume time, if this pipeline saved one. */
  public Optional<Instant> resumeTime() throws SQLException {
    try (Connection c = connection.open();
        PreparedStatement s = c.prepareStatement("SELECT \"resume_time\" FROM " + QUOTED + " WHERE \"name\" = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Instant(r.getTimestamp(1).getTime())) : Optional.empty();
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) { // no table yet: nothing saved
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void save(Instant safeTime) throws SQLException {
    Timestamp safe = new Timestamp(safeTime.getMillis());
    Timestamp resume = new Timestamp(safeTime.minus(rewind).getMillis());
    boolean reused = open != null;
    try {
      save(connection(), safe, resume);
    } catch (SQLException e) {
      discard(e);
      if (!reused) {
        throw e;
      }
      // The kept connection may have been dropped while idle (server restart, timeout): one retry
      // on a fresh one before the save counts as failed.
      try {
        save(connection(), safe, resume);
      } catch (SQLException again) {
        discard(again);
        throw again;
      }
    }
  }

  /** Drops a connection that failed; a failure to close it must not hide why. */
  private void discard(SQLException cause) {
    try {
      close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Closes the connection the saves keep open; the next save opens a new one. */
  @Override
  public void close() throws SQLException {
    Connection c = open;
    open = null;
    if (c != null) {
      c.close();
    }
  }

  private Connection connection() throws SQLException {
    if (open == null) {
      open = connection.open();
      open.setAutoCommit(true);
    }
    return open;
  }

  private void save(Connection c, Timestamp safe, Timestamp resume) throws SQLException {
    // Only forward: a restarted job re-reads from before the stored point, and its first saves are
    // older than it (what it re-reads was written before). Stored, they would move the next restart
    // further back each time.
    try (PreparedStatement update = c.prepareStatement("UPDATE " + QUOTED
        + " SET \"safe_time\" = GREATEST(\"safe_time\", ?), \"resume_time\" = GREATEST(\"resume_time\", ?),"
        + " \"saved_at\" = now() WHERE \"name\" = ?")) {
      update.setTimestamp(1, safe);
      update.setTimestamp(2, resume);
      update.setString(3, name);
      if (update.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + QUOTED
        + " (\"name\", \"safe_time\", \"resume_time\", \"saved_at\") VALUES (?, ?, ?, now())")) {
      insert.setString(1, name);
      insert.setTimestamp(2, safe);
      insert.setTimestamp(3, resume);
      insert.executeUpdate();
    }
  }
}
