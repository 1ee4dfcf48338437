package org.pipewright.io.jdbc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a connection says when it cannot even try: the password is read before any server is asked. */
public class JdbcConnectionTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void anUnreadablePasswordFileIsAnIoErrorNotARefusedLogin() throws Exception {
    Path missing = tmp.getRoot().toPath().resolve("no-such-password");
    // Port 1: nothing listens there, and nothing is tried: the file is read first.
    JdbcConnection connection = JdbcConnection.to("jdbc:postgresql://127.0.0.1:1/db").withUser("reader")
        .withPasswordFile(missing.toString());
    SQLException e = assertThrows(SQLException.class, connection::open);
    assertEquals("58030", e.getSQLState());
    assertEquals("cannot read password file " + missing + ": no such file", e.getMessage());

    SQLException directory = assertThrows(SQLException.class,
        () -> connection.withPasswordFile(tmp.getRoot().toString()).open());
    assertEquals("58030", directory.getSQLState());
  }
}
