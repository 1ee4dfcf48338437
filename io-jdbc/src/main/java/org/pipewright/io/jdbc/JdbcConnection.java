package org.pipewright.io.jdbc;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where and as whom to connect. The password is never part of the configuration: it is read when
 * a connection is opened, from an environment variable or a file, so it stays out of the pipeline
 * graph, display data, logs and error messages.
 */
public final class JdbcConnection implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The environment variable read for the password unless told otherwise. */
  public static final String PASSWORD_ENV = "PIPEWRIGHT_JDBC_PASSWORD";

  private final String url;
  private final @Nullable String user;
  private final @Nullable String passwordEnv;
  private final @Nullable String passwordFile;

  private JdbcConnection(String url, String user, String passwordEnv, String passwordFile) {
    this.url = url;
    this.user = user;
    this.passwordEnv = passwordEnv;
    this.passwordFile = passwordFile;
  }

  /** Connects to {@code url}; the password comes from {@value #PASSWORD_ENV} if it is set. */
  public static JdbcConnection to(String url) {
    checkArgument(url != null && url.startsWith("jdbc:"), "JDBC URL must start with jdbc:, got '%s'",
        url == null ? null : redact(url));
    return new JdbcConnection(url, null, PASSWORD_ENV, null);
  }

  /** Returns a copy that logs in as {@code user}. */
  public JdbcConnection withUser(String user) {
    return new JdbcConnection(url, user, passwordEnv, passwordFile);
  }

  /** Reads the password from environment variable {@code name} where the connection is opened. */
  public JdbcConnection withPasswordFromEnv(String name) {
    checkArgument(name != null && !name.isEmpty(), "environment variable name must not be empty");
    return new JdbcConnection(url, user, name, null);
  }

  /** Reads the password from the first line of {@code path} where the connection is opened. */
  public JdbcConnection withPasswordFile(String path) {
    checkArgument(path != null && !path.isEmpty(), "password file must not be empty");
    return new JdbcConnection(url, user, null, path);
  }

  /** The URL with any {@code password=} parameter masked, for messages. */
  public String describe() {
    return redact(url) + (user == null ? "" : " as " + user);
  }

  /** Opens a connection; failures name the server and the SQL state, never the password. */
  public Connection open() throws SQLException {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    String password = password();
    if (password != null) {
      props.setProperty("password", password);
    }
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new SQLException("cannot connect to " + describe() + ": " + e.getMessage(), e.getSQLState(), e);
    }
  }

  /** Opens and closes one connection; the message names the server, never the password. */
  public void check() throws SQLException {
    try (Connection c = open()) {
      c.isValid(5);
    }
  }

  private @Nullable String password() throws SQLException {
    if (passwordFile != null) {
      try {
        String text = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).strip();
      } catch (IOException e) {
        // 58030 (I/O error outside the database), not 28000: no server refused anything, and no retry helps.
        String why = e instanceof NoSuchFileException ? "no such file"
            : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
        throw new SQLException("cannot read password file " + passwordFile + ": " + why, "58030", e);
      }
    }
    return passwordEnv == null ? null : System.getenv(passwordEnv);
  }

  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public String toString() {
    return describe();
  }
}
