package org.pipewright.pipelines;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3-compatible server (Adobe S3Mock, copied into target/services by Maven) in its own
 * process on 127.0.0.1, with one bucket. Tests start it and stop it themselves.
 */
final class S3Server implements AutoCloseable {
  final int port;
  final String bucket;
  private final Process process;

  private S3Server(int port, String bucket, Process process) {
    this.port = port;
    this.bucket = bucket;
    this.process = process;
  }

  static S3Server start(Path workDir, String bucket) throws Exception {
    String jar = System.getProperty("pipewright.s3mockJar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("S3Mock jar not found at " + jar + "; run through `mvn verify`");
    }
    int port = freePort();
    Path root = Files.createDirectories(workDir.resolve("s3-store"));
    Path log = workDir.resolve("s3mock.log");
    Process process = new ProcessBuilder(List.of(javaBin(), "-Xmx512m", "-jar", jar,
        "--server.address=127.0.0.1", "--http.port=" + port, "--server.port=" + freePort(),
        "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    S3Server server = new S3Server(port, bucket, process);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited; see " + log);
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("S3Mock did not become ready in 90 s; see " + log);
      }
      Thread.sleep(250); // polling for readiness, not covering a race
    }
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The pipeline options that point Beam's S3 file system at this server. */
  List<String> options() {
    return List.of("--awsRegion=us-east-1", "--endpoint=" + endpoint(), "--s3PathStyleAccess=true");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
