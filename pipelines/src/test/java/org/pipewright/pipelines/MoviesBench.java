package org.pipewright.pipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.testing.LocalPostgres;

/**
 * The PostgreSQL side of {@code benchmarks/run-movies.sh}, outside the timed runs:
 *
 * <ul>
 *   <li>{@code postgres WORKDIR ENV_FILE}: starts {@link LocalPostgres} under {@code WORKDIR},
 *       writes its URL, user and password as shell exports to {@code ENV_FILE} once it is up, and
 *       runs until killed (the server stops with the JVM);
 *   <li>{@code reset URL PREFIX}: drops every table whose name starts with {@code PREFIX};
 *   <li>{@code compare URL PREFIX_A PREFIX_B}: the eleven published tables and the dead letters of
 *       two loads, compared row by row in SQL ({@code EXCEPT} both ways); prints the rows of the
 *       eleven tables under {@code PREFIX_A} and one line per table that differs; exits 1 if any does.
 * </ul>
 *
 * The user is {@code PIPEWRIGHT_JDBC_USER}, the password {@code PIPEWRIGHT_JDBC_PASSWORD}.
 */
public final class MoviesBench {
  private MoviesBench() {}

  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "postgres":
        postgres(Path.of(args[1]), Path.of(args[2]));
        break;
      case "reset":
        reset(args[1], args[2]);
        break;
      case "compare":
        System.exit(compare(args[1], args[2], args[3]) ? 0 : 1);
        break;
      default:
        throw new IllegalArgumentException("usage: MoviesBench postgres WORKDIR ENV_FILE | reset URL PREFIX"
            + " | compare URL PREFIX_A PREFIX_B");
    }
  }

  private static void postgres(Path workDir, Path envFile) throws Exception {
    LocalPostgres postgres = LocalPostgres.start(workDir);
    String env = "export PIPEWRIGHT_JDBC_URL=" + postgres.jdbcUrl() + "\nexport PIPEWRIGHT_JDBC_USER=" + postgres.user()
        + "\nexport PIPEWRIGHT_JDBC_PASSWORD=" + postgres.password() + "\n";
    Path tmp = Path.of(envFile + ".tmp");
    Files.writeString(tmp, env);
    Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("PostgreSQL on " + postgres.jdbcUrl());
    new CountDownLatch(1).await();
  }

  private static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, System.getenv().getOrDefault("PIPEWRIGHT_JDBC_USER", "postgres"),
        System.getenv("PIPEWRIGHT_JDBC_PASSWORD"));
  }

  private static void reset(String url, String prefix) throws SQLException {
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
        while (r.next()) {
          if (r.getString(1).startsWith(prefix)) {
            tables.add(r.getString(1));
          }
        }
      }
      for (String table : tables) {
        s.execute("DROP TABLE IF EXISTS " + Dialect.POSTGRES.quoteTable(table));
      }
    }
  }

  private static boolean compare(String url, String a, String b) throws SQLException {
    List<String> tables = new ArrayList<>(List.of(MoviesTables.MOVIES, MoviesTables.RATINGS, MoviesTables.GENRE,
        MoviesTables.MOVIE_GENRE, MoviesTables.RELEASE_DATE, MoviesTables.CPI));
    tables.addAll(MoviesTables.ANALYTICS);
    long published = 0;
    boolean same = true;
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      List<String> all = new ArrayList<>(tables);
      all.add(WarehouseTables.DEAD_LETTER);
      for (String table : all) {
        String ta = Dialect.POSTGRES.quoteTable(a + table);
        String tb = Dialect.POSTGRES.quoteTable(b + table);
        long rows = count(s, "SELECT COUNT(*) FROM " + ta);
        long onlyA = count(s, "SELECT COUNT(*) FROM (SELECT * FROM " + ta + " EXCEPT SELECT * FROM " + tb + ") x");
        long onlyB = count(s, "SELECT COUNT(*) FROM (SELECT * FROM " + tb + " EXCEPT SELECT * FROM " + ta + ") x");
        if (tables.contains(table)) {
          published += rows;
        }
        if (onlyA != 0 || onlyB != 0) {
          same = false;
          System.out.println("differs: " + table + ": " + onlyA + " rows only in " + a + ", " + onlyB + " only in " + b);
        }
      }
    }
    System.out.println("published rows: " + published);
    return same;
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
