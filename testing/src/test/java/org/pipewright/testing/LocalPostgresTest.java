package org.pipewright.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

public class LocalPostgresTest {
  @Test
  public void keepsDataAcrossStopAndStart() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "pg-test");
    try (LocalPostgres pg = LocalPostgres.start(dir)) {
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE pins (id int PRIMARY KEY, title text)");
        s.execute("INSERT INTO pins VALUES (1, 'first'), (2, 'second')");
        assertEquals(2, count(s));
      }

      pg.stop();
      assertThrows(SQLException.class, pg::connect);
      pg.start();

      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        assertEquals(2, count(s));
      }
    }
  }

  @Test
  public void rejectsAWrongPassword() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "pg-test");
    try (LocalPostgres pg = LocalPostgres.start(dir)) {
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(pg.jdbcUrl(), pg.user(), "wrong"));
      assertEquals("28P01", e.getSQLState()); // invalid_password
    }
  }

  @Test
  public void aReaderSelectsTablesCreatedBeforeAndAfterItAndWritesNothing() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "pg-test");
    try (LocalPostgres pg = LocalPostgres.start(dir)) {
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE before_reader (id int PRIMARY KEY, title text)");
        s.execute("INSERT INTO before_reader VALUES (1, 'old')");
      }
      pg.createReader("reader", "first-pw");
      // Twice is fine: the second call resets the password
      pg.createReader("reader", "reader-pw");
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE after_reader (id int PRIMARY KEY, title text)");
        s.execute("INSERT INTO after_reader VALUES (2, 'new'), (3, 'newer')");
      }

      try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), "reader", "reader-pw");
          Statement s = c.createStatement()) {
        assertEquals(List.of("1 old"), rows(s, "SELECT id, title FROM before_reader ORDER BY id"));
        assertEquals(List.of("2 new", "3 newer"), rows(s, "SELECT id, title FROM after_reader ORDER BY id"));
        for (String write : List.of(
            "INSERT INTO after_reader VALUES (4, 'x')",
            "UPDATE after_reader SET title = 'x'",
            "DELETE FROM after_reader",
            "DELETE FROM before_reader",
            "TRUNCATE after_reader",
            "CREATE TABLE mine (id int)",
            "DROP TABLE after_reader",
            "CREATE SCHEMA mine")) {
          SQLException e = assertThrows(write, SQLException.class, () -> s.execute(write));
          assertEquals(write + ": " + e.getMessage(), "42501", e.getSQLState()); // insufficient_privilege
        }
      }
      // Nothing changed, and the first password no longer works
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        assertEquals(List.of("2 new", "3 newer"), rows(s, "SELECT id, title FROM after_reader ORDER BY id"));
      }
      SQLException old = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(pg.jdbcUrl(), "reader", "first-pw"));
      assertEquals("28P01", old.getSQLState());

      for (String role : List.of("Reader", "r; DROP TABLE x", "pipewright", "postgres", "pg_reader", "")) {
        assertThrows(role, IllegalArgumentException.class, () -> pg.createReader(role, "pw"));
      }
      assertThrows(IllegalArgumentException.class, () -> pg.createReader("reader", ""));
    }
  }

  private static List<String> rows(Statement s, String query) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        rows.add(rs.getInt(1) + " " + rs.getString(2));
      }
    }
    return rows;
  }

  private static int count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pins")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
