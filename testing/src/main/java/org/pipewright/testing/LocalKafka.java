package org.pipewright.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka 3.9 broker in KRaft combined mode (broker and controller in one node),
 * running inside this JVM and listening on 127.0.0.1 only. Its logs go to this JVM's SLF4J
 * binding; the storage format output goes to {@code workDir/kafka-format.log}.
 */
public final class LocalKafka implements AutoCloseable {
  private final int port;
  private final Path log;
  private final KafkaRaftServer server;

  private LocalKafka(int port, Path log, KafkaRaftServer server) {
    this.port = port;
    this.log = log;
    this.server = server;
  }

  /** Starts a broker on a free port with its data under {@code workDir/kafka}. */
  public static LocalKafka start(Path workDir) {
    return start(workDir, 0);
  }

  /** Starts a broker on {@code port} (0 picks a free one); the controller takes a free port. */
  public static LocalKafka start(Path workDir, int port) {
    int brokerPort = Net.portOrFree(port);
    int controllerPort = Net.freePort();
    Path dir = workDir.resolve("kafka").toAbsolutePath();
    Path log = workDir.resolve("kafka-format.log").toAbsolutePath();
    Net.requireFree("Kafka", brokerPort, log);
    KafkaRaftServer server = null;
    try {
      Files.createDirectories(dir);
      Properties props = config(dir.resolve("data"), brokerPort, controllerPort);
      Path propsFile = dir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(propsFile)) {
        props.store(out, "LocalKafka");
      }
      format(propsFile, log);
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      LocalKafka kafka = new LocalKafka(brokerPort, log, server);
      kafka.awaitReady(Duration.ofSeconds(60));
      return kafka;
    } catch (IOException | RuntimeException | InterruptedException | ExecutionException e) {
      if (server != null) {
        shutdown(server);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("Kafka did not start on " + Net.HOST + ":" + brokerPort + " ("
          + rootCause(e) + "); see " + log + " and this process's log", e);
    }
  }

  public String bootstrapServers() {
    return Net.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Creates the topics with replication factor 1; topics that already exist are left alone. */
  public void createTopics(int partitions, String... names) {
    List<NewTopic> topics = new ArrayList<>();
    for (String name : names) {
      topics.add(new NewTopic(name, partitions, (short) 1));
    }
    try (Admin admin = admin()) {
      for (var result : admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("could not create topic " + result.getKey(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("topics not created within 30 s", e);
    }
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  @Override
  public void close() {
    shutdown(server);
  }

  private static Properties config(Path data, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + Net.HOST + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + Net.HOST + ":" + brokerPort + ",CONTROLLER://" + Net.HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + Net.HOST + ":" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", data.toString());
    // One node: the internal topics cannot have more replicas than that
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    // Consumers in tests should not wait 3 s for a rebalance nobody else joins
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    // Tests send records stamped with fixed days; the default retention (7 days by timestamp) would
    // delete them once those days are a week old, 30 s after the broker starts.
    p.put("log.retention.ms", "-1");
    return p;
  }

  private static void format(Path propsFile, Path log) throws IOException {
    String[] args = {"format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(), "--ignore-formatted"};
    int code;
    try (PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(args, out);
    }
    if (code != 0) {
      throw new IllegalStateException("kafka-storage format exited with " + code);
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      // The broker accepts connections before it is unfenced; a node in the metadata means it can serve
      while (admin.describeCluster().nodes().get().isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no broker registered within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
  }

  private static void shutdown(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  Path log() {
    return log;
  }

  // Kafka wraps a bind failure in three layers; the innermost message is the useful one
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e ? e.toString() : e.getMessage() + ", caused by " + root;
  }
}
