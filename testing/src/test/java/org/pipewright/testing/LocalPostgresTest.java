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

  private static int count(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pins")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
