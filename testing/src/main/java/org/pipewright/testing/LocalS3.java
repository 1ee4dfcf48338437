package org.pipewright.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real S3-compatible server (Adobe S3Mock) in its own process on 127.0.0.1, with one bucket.
 * It runs as a separate process because in-process S3Mock clashes with Beam's dependencies (JUnit,
 * Jackson, AWS HTTP clients). The caller supplies the S3Mock exec jar
 * ({@code com.adobe.testing:s3mock:5.2.0:jar:exec}); tests get it from the system property
 * {@value #JAR_PROPERTY}.
 *
 * <p>Caveat: S3Mock 5.2.0 builds its plain-HTTP connector (the one {@link #endpoint()} names) with a
 * port and no address, so that port listens on all interfaces; only its HTTPS connector can be held
 * to 127.0.0.1. Clients should still use the 127.0.0.1 endpoint.
 */
public final class LocalS3 implements AutoCloseable {
  /** The system property under which the build passes the S3Mock exec jar to tests. */
  public static final String JAR_PROPERTY = "pipewright.s3mockJar";

  private final int port;
  private final String bucket;
  private final Process process;
  private final Path log;

  private LocalS3(int port, String bucket, Process process, Path log) {
    this.port = port;
    this.bucket = bucket;
    this.process = process;
    this.log = log;
  }

  /** Starts S3Mock on a free port with its store under {@code workDir/s3-store}. */
  public static LocalS3 start(Path workDir, Path s3mockJar, String bucket) {
    return start(workDir, s3mockJar, bucket, 0);
  }

  /** Starts S3Mock on {@code port} (0 picks a free one). */
  public static LocalS3 start(Path workDir, Path s3mockJar, String bucket, int port) {
    if (s3mockJar == null || !Files.isRegularFile(s3mockJar)) {
      throw new IllegalStateException("S3Mock jar not found at " + s3mockJar
          + "; get it with mvn dependency:copy -Dartifact=com.adobe.testing:s3mock:5.2.0:jar:exec");
    }
    int httpPort = Net.portOrFree(port);
    Path log = workDir.resolve("s3mock.log").toAbsolutePath();
    Net.requireFree("S3Mock", httpPort, log);
    Process process;
    try {
      Path root = Files.createDirectories(workDir.resolve("s3-store")).toAbsolutePath();
      // server.port is S3Mock's HTTPS port: a free one on loopback, so it never clashes
      process = new ProcessBuilder(List.of(Net.javaBin(), "-Xmx512m", "-jar", s3mockJar.toString(),
          "--server.address=" + Net.HOST, "--http.port=" + httpPort, "--server.port=" + Net.freePort(),
          "--com.adobe.testing.s3mock.store.root=" + root,
          "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("S3Mock could not be launched (" + e.getMessage() + "); see " + log, e);
    }
    LocalS3 s3 = new LocalS3(httpPort, bucket, process, log);
    try {
      s3.awaitReady(Duration.ofSeconds(90));
      return s3;
    } catch (RuntimeException | InterruptedException e) {
      s3.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IllegalStateException ? (IllegalStateException) e
          : new IllegalStateException("S3Mock did not start; see " + log, e);
    }
  }

  /** The S3Mock jar named by {@value #JAR_PROPERTY}, for tests. */
  public static Path jarFromSystemProperty() {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null) {
      throw new IllegalStateException("system property " + JAR_PROPERTY + " is not set; run through Maven");
    }
    return Path.of(jar);
  }

  public String endpoint() {
    return "http://" + Net.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public String bucket() {
    return bucket;
  }

  /** The pipeline options that point Beam's S3 file system at this server. */
  public List<String> options() {
    return List.of("--awsRegion=us-east-1", "--endpoint=" + endpoint(), "--s3PathStyleAccess=true");
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    Net.stop(process, Duration.ofSeconds(10));
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Mock exited with code " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Mock did not become ready in " + timeout.toSeconds() + " s; see " + log);
      }
      Thread.sleep(250);
    }
  }
}
