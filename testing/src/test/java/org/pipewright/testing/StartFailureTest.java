package org.pipewright.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

public class StartFailureTest {
  @Test
  public void namesAMissingKinesisMock() {
    String previous = System.getProperty(LocalKinesis.PACKAGE_PROPERTY);
    System.setProperty(LocalKinesis.PACKAGE_PROPERTY, "/nonexistent/kinesis-local");
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> LocalKinesis.start(Path.of("target")));
      assertThat(e.getMessage(), containsString(LocalKinesis.PACKAGE_PROPERTY));
    } finally {
      if (previous == null) {
        System.clearProperty(LocalKinesis.PACKAGE_PROPERTY);
      } else {
        System.setProperty(LocalKinesis.PACKAGE_PROPERTY, previous);
      }
    }
  }

  @Test
  public void namesAMissingS3MockJar() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> LocalS3.start(Path.of("target"), Path.of("/nonexistent/s3mock.jar"), "b"));
    assertThat(e.getMessage(), containsString("/nonexistent/s3mock.jar"));
  }

  @Test
  public void namesTheLogWhenKinesisPortIsTaken() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "kinesis-fail");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> LocalKinesis.start(dir, taken.getLocalPort()));
      assertThat(e.getMessage(), containsString("already in use"));
      assertThat(e.getMessage(), containsString("kinesis-mock.log"));
    }
  }
}
