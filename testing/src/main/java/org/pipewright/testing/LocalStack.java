package org.pipewright.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/**
 * The demo stack: Kafka, PostgreSQL, S3, Kinesis and MongoDB (mongo-java-server, in this JVM) on
 * fixed ports of 127.0.0.1, with the topics, bucket and streams the Pinterest pipelines use, and the
 * retail API stand-in ({@link LocalRetailApis}, in this process). It prints the addresses (also written to
 * {@code <workDir>/stack.env}, which is deleted again on exit) and runs until SIGTERM or SIGINT.
 * PostgreSQL gets a second role, {@code console_reader}, that may only read (for the results console),
 * with a new random password each start ({@code PIPEWRIGHT_CONSOLE_JDBC_USER} and {@code
 * PIPEWRIGHT_CONSOLE_JDBC_PASSWORD} in {@code stack.env}).
 *
 * <p>Arguments, all optional, as {@code --name=value}: {@code workDir} (default {@code .stack}),
 * {@code s3mockJar} (default {@code <workDir>/s3mock.jar}), {@code kafkaPort} (9092),
 * {@code postgresPort} (55432), {@code s3Port} (9090), {@code kinesisPort} (4567), {@code mongoPort}
 * (27017), {@code apisPort} (8089), {@code productsKey} and {@code fxKey} (the stand-in's keys), {@code bucket}
 * ({@code pipewright}), {@code partitions} (1), {@code shards} (1). A port of 0 picks a free one.
 */
public final class LocalStack {
  static final List<String> TOPICS = List.of("pinterest.pin", "pinterest.geo", "pinterest.user");
  static final List<String> STREAMS = List.of("pinterest-pin", "pinterest-geo", "pinterest-user");
  /** The SELECT-only role the results console logs in as ({@code stack.sh console}). */
  static final String CONSOLE_READER = "console_reader";

  private LocalStack() {}

  public static void main(String[] args) throws Exception {
    // Kafka logs every config at INFO; the demo wants warnings only, unless told otherwise
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    Map<String, String> opts = parse(args);
    Path workDir = Path.of(opts.getOrDefault("workDir", ".stack")).toAbsolutePath();
    Path jar = Path.of(opts.getOrDefault("s3mockJar", workDir.resolve("s3mock.jar").toString()));
    String bucket = opts.getOrDefault("bucket", "pipewright");
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "1"));
    int shards = Integer.parseInt(opts.getOrDefault("shards", "1"));
    Path envFile = workDir.resolve("stack.env");
    Files.createDirectories(workDir);
    Files.deleteIfExists(envFile);

    Deque<AutoCloseable> started = new ArrayDeque<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll(started);
      try {
        Files.deleteIfExists(envFile);
      } catch (IOException ignored) {
        // a stale file is the lesser problem while exiting
      }
      stopped.countDown();
    }, "local-stack-stop"));

    // The two child processes take longest to boot: start them while Kafka and PostgreSQL come up
    CompletableFuture<LocalS3> s3Future = CompletableFuture.supplyAsync(
        () -> register(started, LocalS3.start(workDir, jar, bucket, port(opts, "s3Port", 9090))));
    CompletableFuture<LocalKinesis> kinesisFuture = CompletableFuture.supplyAsync(
        () -> register(started, LocalKinesis.start(workDir, port(opts, "kinesisPort", 4567))));
    try {
      LocalKafka kafka = register(started, LocalKafka.start(workDir, port(opts, "kafkaPort", 9092)));
      kafka.createTopics(partitions, TOPICS.toArray(String[]::new));
      LocalPostgres postgres = register(started, LocalPostgres.start(workDir, port(opts, "postgresPort", 55432)));
      String readerPassword = randomPassword();
      postgres.createReader(CONSOLE_READER, readerPassword);
      LocalRetailApis apis = register(started, LocalRetailApis.start(port(opts, "apisPort", 8089),
          opts.getOrDefault("productsKey", LocalRetailApis.DEFAULT_PRODUCTS_KEY),
          opts.getOrDefault("fxKey", LocalRetailApis.DEFAULT_FX_KEY), RetailData.standard()));
      LocalMongo mongo = register(started, LocalMongo.start(workDir, port(opts, "mongoPort", 27017)));
      LocalS3 s3 = s3Future.join();
      LocalKinesis kinesis = kinesisFuture.join();
      for (String stream : STREAMS) {
        kinesis.createStream(stream, shards);
      }

      String env = describe(kafka, postgres, readerPassword, s3, kinesis, mongo, apis, partitions, shards);
      Path tmp = workDir.resolve("stack.env.tmp");
      Files.writeString(tmp, env);
      // Atomic, so that a script polling for the file never reads half of it
      Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      System.out.print(env);
      System.out.flush();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      System.err.println("local stack failed to start: " + cause.getMessage());
      cause.printStackTrace();
      // Let the other services finish starting, so that the shutdown hook stops them too
      CompletableFuture.allOf(s3Future, kinesisFuture).handle((v, t) -> null).join();
      System.exit(1);
    }
    stopped.await();
  }

  static String describe(LocalKafka kafka, LocalPostgres postgres, String readerPassword, LocalS3 s3,
      LocalKinesis kinesis, LocalMongo mongo, LocalRetailApis apis, int partitions, int shards) {
    StringBuilder out = new StringBuilder();
    out.append("# Pipewright local stack, started ").append(Instant.now())
        .append(" by PID ").append(ProcessHandle.current().pid()).append('\n');
    out.append("#   Kafka       ").append(kafka.bootstrapServers()).append("  topics ")
        .append(String.join(", ", TOPICS)).append(" (").append(partitions).append(" partition(s))\n");
    out.append("#   PostgreSQL  ").append(postgres.jdbcUrl()).append("  user ").append(postgres.user())
        .append(" password ").append(postgres.password()).append("; reader ").append(CONSOLE_READER)
        .append(" (SELECT only)\n");
    out.append("#   S3          ").append(s3.endpoint()).append("  bucket ").append(s3.bucket())
        .append(" (path-style, any credentials)\n");
    out.append("#   Kinesis     ").append(kinesis.endpoint()).append("  streams ")
        .append(String.join(", ", STREAMS)).append(" (").append(shards).append(" shard(s)), region ")
        .append(LocalKinesis.REGION).append('\n');
    out.append("#   MongoDB     ").append(mongo.uri())
        .append("  (mongo-java-server, in memory, no authentication)\n");
    // The stand-in's comment line and its exports (URLs and the demo keys)
    String apiLines = apis.describe();
    int firstExport = apiLines.indexOf("export ");
    out.append(apiLines, 0, firstExport);
    export(out, "KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    export(out, "PIPEWRIGHT_JDBC_URL", postgres.jdbcUrl());
    export(out, "PIPEWRIGHT_JDBC_USER", postgres.user());
    export(out, "PIPEWRIGHT_JDBC_PASSWORD", postgres.password());
    // For the results console (stack.sh console)
    export(out, "PIPEWRIGHT_CONSOLE_JDBC_USER", CONSOLE_READER);
    export(out, "PIPEWRIGHT_CONSOLE_JDBC_PASSWORD", readerPassword);
    // For psql
    export(out, "PGHOST", "127.0.0.1");
    export(out, "PGPORT", Integer.toString(postgres.port()));
    export(out, "PGUSER", postgres.user());
    export(out, "PGPASSWORD", postgres.password());
    export(out, "PGDATABASE", "postgres");
    export(out, "S3_ENDPOINT", s3.endpoint());
    export(out, "S3_BUCKET", s3.bucket());
    export(out, "KINESIS_ENDPOINT", kinesis.endpoint());
    export(out, "PIPEWRIGHT_MONGO_URI", mongo.uri());
    export(out, "AWS_REGION", LocalKinesis.REGION);
    export(out, "AWS_ACCESS_KEY_ID", LocalKinesis.ACCESS_KEY);
    export(out, "AWS_SECRET_ACCESS_KEY", LocalKinesis.SECRET_KEY);
    out.append(apiLines.substring(firstExport));
    return out.toString();
  }

  // URL-safe Base64: nothing the env file or a shell would need to quote
  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void export(StringBuilder out, String name, String value) {
    out.append("export ").append(name).append('=').append(value).append('\n');
  }

  private static <T extends AutoCloseable> T register(Deque<AutoCloseable> started, T service) {
    synchronized (started) {
      started.push(service);
    }
    return service;
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    synchronized (started) {
      while (!started.isEmpty()) {
        AutoCloseable service = started.pop();
        try {
          service.close();
        } catch (Exception e) {
          System.err.println("could not stop " + service.getClass().getSimpleName() + ": " + e);
        }
      }
    }
  }

  private static int port(Map<String, String> opts, String name, int fallback) {
    return Integer.parseInt(opts.getOrDefault(name, Integer.toString(fallback)));
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      opts.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return opts;
  }
}
