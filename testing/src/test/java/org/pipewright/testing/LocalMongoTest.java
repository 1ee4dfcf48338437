package org.pipewright.testing;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import org.junit.Test;

/** The server's life cycle; io-mongodb's tests talk to it with the driver and MongoDbIO. */
public class LocalMongoTest {
  @Test
  public void listensOnLoopbackUntilClosedAndRefusesATakenPort() {
    int port;
    try (LocalMongo mongo = LocalMongo.start(Path.of("target"))) {
      port = mongo.port();
      assertEquals("mongodb://127.0.0.1:" + port, mongo.uri());
      assertTrue(Net.listening(port));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> LocalMongo.start(Path.of("target"), mongo.port()));
      assertEquals("MongoDB (mongo-java-server) cannot start: 127.0.0.1:" + port + " is already in use",
          e.getMessage());
    }
    assertFalse(Net.listening(port));
  }
}
