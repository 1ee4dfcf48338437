package org.pipewright.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A real Kinesis-compatible server (npm {@code kinesis-local}, i.e. kinesis-mock) run with
 * {@code node} in its own process, plain HTTP on 127.0.0.1.
 *
 * <p>The package is found through the system property {@value #PACKAGE_PROPERTY} (the directory
 * holding {@code main.js} and {@code server.json}); without it, the copy that the {@code testing}
 * module's build installs into {@code testing/target/kinesis-mock} is looked up relative to this
 * class and to the working directory.
 */
public final class LocalKinesis implements AutoCloseable {
  /** The system property naming the kinesis-local package directory. */
  public static final String PACKAGE_PROPERTY = "pipewright.kinesisMock";
  public static final String REGION = "us-east-1";
  /** kinesis-mock takes the account from a 12-digit access key id; this is its default account. */
  public static final String ACCESS_KEY = "000000000000";
  public static final String SECRET_KEY = "local";

  private static final String INSTALLED = "target/kinesis-mock/node_modules/kinesis-local";

  private final int port;
  private final Process process;
  private final Path log;

  private LocalKinesis(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts kinesis-mock on a free port, with its log in {@code workDir/kinesis-mock.log}. */
  public static LocalKinesis start(Path workDir) {
    return start(workDir, 0);
  }

  /** Starts kinesis-mock on {@code port} (0 picks a free one). */
  public static LocalKinesis start(Path workDir, int port) {
    Path pkg = locatePackage();
    int plainPort = Net.portOrFree(port);
    Path log = workDir.resolve("kinesis-mock.log").toAbsolutePath();
    Net.requireFree("kinesis-mock", plainPort, log);
    Process process;
    try {
      Files.createDirectories(workDir);
      Path preload = workDir.resolve("bind-loopback.js").toAbsolutePath();
      try (InputStream in = LocalKinesis.class.getResourceAsStream("bind-loopback.js")) {
        Files.copy(in, preload, StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder builder = new ProcessBuilder(List.of("node", "--require", preload.toString(),
          pkg.resolve("main.js").toString()))
          .directory(workDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.put("KINESIS_MOCK_CERT_PATH", pkg.resolve("server.json").toString());
      env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plainPort));
      // Its TLS port defaults to 4567, the demo's plain port: move it out of the way
      env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(Net.freePort()));
      env.put("PIPEWRIGHT_BIND_HOST", Net.HOST);
      env.put("AWS_REGION", REGION);
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("kinesis-mock could not be launched with node (" + e.getMessage()
          + "); see " + log, e);
    }
    LocalKinesis kinesis = new LocalKinesis(plainPort, process, log);
    try {
      Net.awaitListening("kinesis-mock", plainPort, process, Duration.ofSeconds(60), log);
      try (KinesisClient client = kinesis.client()) {
        client.listStreams(); // the port opens before the API answers
      }
      return kinesis;
    } catch (RuntimeException | InterruptedException e) {
      kinesis.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IllegalStateException ? (IllegalStateException) e
          : new IllegalStateException("kinesis-mock did not start (" + e + "); see " + log, e);
    }
  }

  public String endpoint() {
    return "http://" + Net.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** A client for this server with static credentials; the caller closes it. */
  public KinesisClient client() {
    return KinesisClient.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** Creates the stream (an existing one is left alone) and waits until it is ACTIVE. */
  public void createStream(String name, int shards) {
    try (KinesisClient client = client()) {
      try {
        client.createStream(b -> b.streamName(name).shardCount(shards));
      } catch (ResourceInUseException e) {
        // already there
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
          != StreamStatus.ACTIVE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("stream " + name + " not ACTIVE within 30 s; see " + log);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating stream " + name, e);
    }
  }

  @Override
  public void close() {
    Net.stop(process, Duration.ofSeconds(10));
  }

  /** The kinesis-local package directory: the system property, else the module's build output. */
  static Path locatePackage() {
    String configured = System.getProperty(PACKAGE_PROPERTY);
    if (configured != null) {
      Path pkg = Path.of(configured);
      if (!Files.isRegularFile(pkg.resolve("main.js"))) {
        throw new IllegalStateException(PACKAGE_PROPERTY + "=" + configured + " has no main.js; install it with"
            + " npm install --prefix DIR kinesis-local@0.6.2 and point the property at DIR/node_modules/kinesis-local");
      }
      return pkg;
    }
    Set<Path> candidates = new LinkedHashSet<>();
    Path classes = classLocation();
    if (classes != null && classes.getParent() != null) {
      // testing/target/classes -> testing/target/kinesis-mock/...
      candidates.add(classes.getParent().getParent().resolve(INSTALLED));
    }
    Path cwd = Path.of("").toAbsolutePath();
    candidates.add(cwd.resolve(INSTALLED));
    candidates.add(cwd.resolve("testing").resolve(INSTALLED));
    if (cwd.getParent() != null) {
      candidates.add(cwd.getParent().resolve("testing").resolve(INSTALLED));
    }
    List<String> tried = new ArrayList<>();
    for (Path candidate : candidates) {
      Path pkg = candidate.normalize();
      if (Files.isRegularFile(pkg.resolve("main.js"))) {
        return pkg;
      }
      tried.add(pkg.toString());
    }
    throw new IllegalStateException("kinesis-mock (npm kinesis-local) not found; set -D" + PACKAGE_PROPERTY
        + "=<dir with main.js> or build the testing module (mvn -pl testing install), which installs it. Tried: "
        + tried);
  }

  private static Path classLocation() {
    try {
      var source = LocalKinesis.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }
}
