package org.pipewright.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

/** Small helpers shared by the local services. */
final class Net {
  static final String HOST = "127.0.0.1";

  private Net() {}

  /** A port that was free a moment ago; the service binds it right after, so the race is small. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + HOST, e);
    }
  }

  /** 0 means "pick one", as with ServerSocket. */
  static int portOrFree(int port) {
    return port == 0 ? freePort() : port;
  }

  /**
   * Fails fast on a taken port: otherwise the other listener would pass the readiness probe while
   * the service itself dies on the bind.
   */
  static void requireFree(String name, int port, Path log) {
    if (listening(port)) {
      throw new IllegalStateException(name + " cannot start: " + HOST + ":" + port
          + " is already in use (its log would be " + log + ")");
    }
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Polls until the port accepts connections; a dead process or the deadline ends the wait. */
  static void awaitListening(String name, int port, Process process, Duration timeout, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!listening(port)) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not listen on " + HOST + ":" + port + " within "
            + timeout.toSeconds() + " s; see " + log);
      }
      Thread.sleep(100);
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Stops a child process politely first, so that it can flush and release its port. */
  static void stop(Process process, Duration grace) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
