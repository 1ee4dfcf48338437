package org.pipewright.testing;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.ServerVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A MongoDB wire-protocol server on 127.0.0.1, running inside this JVM: mongo-java-server with its
 * memory backend, speaking as MongoDB 5.0. No real {@code mongod} is installable on the machines
 * this project builds on (not in apt, not in npm); the Java driver and Beam's {@code MongoDbIO} talk
 * to this server unchanged. What it does not do: authentication (it accepts any client, and a
 * client that sends credentials fails), persistence (data lives until {@link #close()}), and a few
 * commands ({@code $bucketAuto}, so no {@code MongoDbIO.read().withBucketAuto(true)}).
 *
 * <p>{@link #main} runs it on its own (port from {@code --port=N}, default 27017) until SIGTERM or
 * SIGINT, printing its URI; the demo stack ({@link LocalStack}) starts one in its own JVM.
 */
public final class LocalMongo implements AutoCloseable {
  private final MongoServer server;
  private final int port;

  private LocalMongo(MongoServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server on a free port; {@code workDir} is unused (everything is in memory). */
  public static LocalMongo start(Path workDir) {
    return start(workDir, 0);
  }

  /** Starts a server on {@code port} (0 picks a free one). */
  public static LocalMongo start(Path workDir, int port) {
    int bindPort = Net.portOrFree(port);
    if (Net.listening(bindPort)) {
      throw new IllegalStateException("MongoDB (mongo-java-server) cannot start: " + Net.HOST + ":"
          + bindPort + " is already in use");
    }
    MongoServer server = new MongoServer(new MemoryBackend().version(ServerVersion.MONGO_5_0));
    try {
      // Netty binds synchronously: when bind returns, the port accepts connections.
      server.bind(Net.HOST, bindPort);
    } catch (RuntimeException e) {
      server.shutdownNow();
      throw new IllegalStateException("MongoDB (mongo-java-server) did not start on " + Net.HOST + ":"
          + bindPort + ": " + e.getMessage(), e);
    }
    return new LocalMongo(server, bindPort);
  }

  /** The connection string, e.g. {@code mongodb://127.0.0.1:27017}. */
  public String uri() {
    return "mongodb://" + Net.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  /** Runs a server until SIGTERM or SIGINT; arguments: {@code --port=N} (default 27017, 0 = free). */
  public static void main(String[] args) throws InterruptedException {
    int port = 27017;
    for (String arg : args) {
      if (!arg.startsWith("--port=")) {
        throw new IllegalArgumentException("expected --port=N, got " + arg);
      }
      port = Integer.parseInt(arg.substring("--port=".length()));
    }
    LocalMongo mongo = start(Path.of("."), port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mongo.close();
      stopped.countDown();
    }, "local-mongo-stop"));
    System.out.println("export PIPEWRIGHT_MONGO_URI=" + mongo.uri());
    System.out.flush();
    stopped.await();
  }
}
