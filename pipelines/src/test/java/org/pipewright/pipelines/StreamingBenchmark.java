package org.pipewright.pipelines;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.pipewright.testing.LocalKafka;
import org.pipewright.testing.LocalPostgres;

/**
 * Streaming throughput and end-to-end latency of PinterestStreaming (bundled jar, Direct or Flink)
 * against a local Kafka broker and PostgreSQL. For each rate: the emulator sends for a while; a
 * consumer notes each geo record's send time (its Kafka timestamp); a poller notes when the row
 * appears in PostgreSQL. Not a test: run by {@code benchmarks/run-streaming.sh}.
 *
 * <p>Arguments: {@code seconds rate [rate ...]} (records per second).
 */
public final class StreamingBenchmark {
  private static final String MAIN = "org.pipewright.pipelines.PinterestStreaming";

  private StreamingBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("pipewright-bench");
    boolean done = false;
    try (LocalKafka kafka = LocalKafka.start(work.resolve("kafka"));
        LocalPostgres postgres = LocalPostgres.start(work.resolve("postgres"))) {
      if (args[0].equals("idle")) {
        idle(kafka, postgres, work, Integer.parseInt(args[1]));
      } else if (args[0].equals("backlog")) {
        backlog(kafka, postgres, work, Long.parseLong(args[1]));
      } else {
        int seconds = Integer.parseInt(args[0]);
        System.out.println("| job | offered records/s | records | drained in s | records/s | p50 latency s | p99 latency s | max s |");
        System.out.println("|-----|------------------:|--------:|-------------:|----------:|--------------:|--------------:|------:|");
        for (int i = 1; i < args.length; i++) {
          for (String job : jobs()) {
            System.out.println(run(kafka, postgres, work, "bench" + i + job, Double.parseDouble(args[i]), seconds, job));
          }
        }
      }
      done = true;
    } finally {
      // The broker's and the database's files are a few GB per million records: a failed run keeps
      // them with the jobs' logs, a finished one leaves nothing behind.
      if (done) {
        try (Stream<Path> paths = Files.walk(work)) {
          paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } else {
        System.err.println("the jobs' logs and the broker's and database's files are kept in " + work);
      }
    }
    System.exit(0);
  }

  /** Partitions per topic ({@code -Dpipewright.benchPartitions}, 1 unless set). */
  private static int partitions() {
    return Integer.getInteger("pipewright.benchPartitions", 1);
  }

  /**
   * The yardstick (unless {@code -Dpipewright.benchYardstick=false}), then the pipeline on the
   * benchmark's runner.
   */
  private static List<String> jobs() {
    String runner = System.getProperty("pipewright.benchRunner", "direct");
    return Boolean.parseBoolean(System.getProperty("pipewright.benchYardstick", "true"))
        ? List.of("yardstick", runner) : List.of(runner);
  }

  /**
   * Loads {@code records} raw records (all three kinds, as fast as the emulator sends) into fresh
   * topics, then lets each job drain them from the start into its own tables. The clock runs from
   * the first row in PostgreSQL to the last expected one, so that it measures the drain and not the
   * JVM or job start-up, which is shown separately.
   */
  private static void backlog(LocalKafka kafka, LocalPostgres postgres, Path work, long records) throws Exception {
    String prefix = "backlog";
    kafka.createTopics(partitions(), prefix + ".pin", prefix + ".geo", prefix + ".user");
    long posts = Math.round(records / 3.9); // 3 records per post, 30 % re-sent
    long loadStart = System.nanoTime();
    Emulator.Stats stats = Emulator.run(new String[] {"--sink=kafka", "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
        "--kafkaTopicPrefix=" + prefix, "--posts=" + posts, "--seed=1"});
    long total = 0;
    long expected = 0;
    for (String kind : PinterestBatch.KINDS) {
      total += stats.records(kind);
      expected += stats.records(kind) - stats.duplicates(kind) - stats.malformed(kind);
    }
    System.out.printf(java.util.Locale.ROOT, "backlog: %d records (%d distinct clean rows) loaded in %.1f s%n", total,
        expected, (System.nanoTime() - loadStart) / 1e9);
    System.out.println("| job | records | start-up s | drained in s | records/s | vs yardstick |");
    System.out.println("|-----|--------:|-----------:|-------------:|----------:|-------------:|");
    double yardstick = 0;
    for (String job : jobs()) {
      String tables = "bl_" + job + "_";
      Process process = start(job, prefix, tables, kafka, postgres, work, work.resolve(tables + ".log"));
      try {
        long started = System.nanoTime();
        long[] times = awaitRows(postgres, tables, expected, process, work.resolve(tables + ".log"));
        double drain = (times[1] - times[0]) / 1e9;
        double rate = total / drain;
        if (job.equals("yardstick")) {
          yardstick = rate;
        }
        System.out.printf(java.util.Locale.ROOT, "| %s | %d | %.1f | %.1f | %.0f | %s |%n", job, total,
            (times[0] - started) / 1e9, drain, rate, yardstick > 0 ? String.format(java.util.Locale.ROOT, "%.2fx", rate / yardstick) : "");
      } finally {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * CPU used by each job while its topics stay empty: from when its tables exist (plus 30 s to let
   * start-up settle) for {@code seconds}, read from the process' user and system clock ticks.
   */
  private static void idle(LocalKafka kafka, LocalPostgres postgres, Path work, int seconds) throws Exception {
    System.out.println("| job | idle for s | CPU s | CPU % of one core |");
    System.out.println("|-----|----------:|------:|------------------:|");
    for (String job : jobs()) {
      String prefix = "idle" + job;
      kafka.createTopics(partitions(), prefix + ".pin", prefix + ".geo", prefix + ".user");
      Path log = work.resolve(prefix + ".log");
      Process process = start(job, prefix, prefix + "_", kafka, postgres, work, log);
      try {
        awaitTable(postgres, prefix + "_geo", process, log);
        Thread.sleep(30_000); // start-up work (job deployment, the JIT compiling it) is not idling
        long before = cpuTicks(process.pid());
        Map<String, Long> threadsBefore = threadTicks(process.pid());
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L); // measuring an idle process: there is nothing to wait for
        double cpu = (cpuTicks(process.pid()) - before) / 100.0; // USER_HZ is 100 on Linux
        Map<String, Long> busiest = new java.util.TreeMap<>();
        threadTicks(process.pid()).forEach((t, ticks) -> {
          long used = ticks - threadsBefore.getOrDefault(t, 0L);
          if (used >= 20) {
            busiest.put(t, used);
          }
        });
        System.out.println("busiest threads (ticks): " + busiest);
        double elapsed = (System.nanoTime() - start) / 1e9;
        check(process, log);
        System.out.printf(java.util.Locale.ROOT, "| %s | %.0f | %.2f | %.1f |%n", job, elapsed, cpu, 100 * cpu / elapsed);
      } finally {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }

  /** utime + stime per thread ("name/tid"). */
  private static Map<String, Long> threadTicks(long pid) throws Exception {
    Map<String, Long> ticks = new java.util.HashMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(name + "/" + task.getFileName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        } catch (java.io.IOException gone) {
          // the thread ended
        }
      }
    }
    return ticks;
  }

  /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** When the first row and when the {@code expected}-th distinct row was in the three clean tables. */
  private static long[] awaitRows(LocalPostgres postgres, String tables, long expected, Process job, Path log)
      throws Exception {
    String count = "SELECT " + PinterestBatch.KINDS.stream().map(k -> "(SELECT count(*) FROM " + tables + k + ")")
        .collect(java.util.stream.Collectors.joining(" + "));
    long first = 0;
    long rows = -1;
    long progress = System.nanoTime();
    Warehouse warehouse = new Warehouse(postgres);
    while (true) {
      check(job, log);
      long now = System.nanoTime();
      long seen = warehouse.count(count);
      if (seen > 0 && first == 0) {
        first = now;
      }
      if (seen >= expected) {
        return new long[] {first, now};
      }
      if (seen > rows) {
        rows = seen;
        progress = now;
      } else if (now - progress > TimeUnit.MINUTES.toNanos(2)) {
        throw new IllegalStateException("no new rows for 2 minutes: " + rows + " of " + expected + "; see " + log);
      }
      Thread.sleep(pause(first, now, seen, expected));
    }
  }

  /**
   * How long to wait before counting again: 250 ms near the end, up to half the time the rows so far
   * say is left (at most 5 s) before it. Each count opens a connection and scans the three tables:
   * counting every 250 ms all along cost ~13 s of this process' CPU and ~1.5 s of PostgreSQL's in a
   * 1M drain, on the cores the job under test needs.
   */
  static long pause(long first, long now, long seen, long expected) {
    if (seen <= 0 || now <= first) {
      return 250;
    }
    double left = (expected - seen) * ((double) (now - first) / seen) / 1e6; // ms at the rate so far
    return Math.max(250, Math.min(5_000, (long) (left / 2)));
  }

  private static String run(LocalKafka kafka, LocalPostgres postgres, Path work, String prefix, double rate,
      int seconds, String job) throws Exception {
    kafka.createTopics(partitions(), prefix + ".pin", prefix + ".geo", prefix + ".user");
    Path log = work.resolve(prefix + ".log");
    Process streaming = start(job, prefix, prefix + "_", kafka, postgres, work, log);
    Map<Long, Long> sent = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<Void> sendTimes = CompletableFuture.runAsync(() -> noteSendTimes(kafka, prefix, sent, done));
    try {
      awaitTable(postgres, prefix + "_geo", streaming, log);
      awaitRunning(job, postgres, prefix + "_", streaming, log);
      long start = System.nanoTime();
      CompletableFuture<Emulator.Stats> emulator = CompletableFuture.supplyAsync(() -> {
        try {
          return Emulator.run(new String[] {"--sink=kafka", "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
              "--kafkaTopicPrefix=" + prefix, "--rate=" + rate, "--durationSeconds=" + seconds, "--seed=1"});
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      List<Double> latencies = new ArrayList<>();
      long drained = pollRows(postgres, prefix + "_geo", emulator, sent, latencies, streaming, log);
      Emulator.Stats stats = emulator.join();
      long records = stats.records("pin") + stats.records("geo") + stats.records("user");
      double elapsed = (drained - start) / 1e9;
      Collections.sort(latencies);
      return String.format(java.util.Locale.ROOT, "| %s | %.0f | %d | %.1f | %.0f | %.2f | %.2f | %.2f |", job, rate, records,
          elapsed, records / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99),
          latencies.get(latencies.size() - 1));
    } finally {
      done.set(true);
      streaming.destroy();
      streaming.waitFor(20, TimeUnit.SECONDS);
      sendTimes.join();
    }
  }

  /**
   * {@code job} (yardstick, direct or flink) reading topics {@code topics.*} from the start into
   * tables {@code tables*}: the yardstick from the test classes, PinterestStreaming from the
   * runner's bundled jar.
   */
  private static Process start(String job, String topics, String tables, LocalKafka kafka, LocalPostgres postgres,
      Path work, Path log) throws Exception {
    Map<String, String> env = Map.of("PIPEWRIGHT_JDBC_PASSWORD", postgres.password());
    if (job.equals("yardstick")) {
      ProcessBuilder builder = new ProcessBuilder(BundledJar.javaBin(), "-Xmx2g", "-cp",
          System.getProperty("pipewright.testClasses") + java.io.File.pathSeparator + System.getProperty("pipewright.bundledJar"),
          StreamingYardstick.class.getName(), kafka.bootstrapServers(), topics, postgres.jdbcUrl(), postgres.user(), tables)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      return builder.start();
    }
    List<String> options = new ArrayList<>(List.of(
        "--kafkaBootstrapServers=" + kafka.bootstrapServers(), "--kafkaTopicPrefix=" + topics,
        "--kafkaGroup=" + tables + "group", "--jdbcUrl=" + postgres.jdbcUrl(), "--jdbcUser=" + postgres.user(),
        "--createTables=true", "--tablePrefix=" + tables, "--checkpointName=" + tables, "--checkpointSeconds=1",
        "--progressSeconds=0"));
    String extra = System.getProperty("pipewright.benchOptions", "").trim();
    if (!extra.isEmpty()) {
      options.addAll(List.of(extra.split("\\s+")));
    }
    switch (job) {
      case "direct":
        return BundledJar.start(MAIN, options, env, log);
      case "default": {
        // The quickstart's way: the bundled jar, no runner named (embedded Flink), no JVM flags.
        List<String> command = new ArrayList<>(List.of(BundledJar.javaBin(), "-cp",
            System.getProperty("pipewright.bundledJar"), MAIN));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return builder.start();
      }
      case "flink":
        List<String> flink = new ArrayList<>(options);
        flink.addAll(List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));
        ProcessBuilder builder = BundledJar.runnerProcess(BundledJar.runnerJar("flink-bundled"), work, MAIN, flink)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // e.g. a flight recording of the job: -Dpipewright.benchJvm=-XX:StartFlightRecording=...
        String jvm = System.getProperty("pipewright.benchJvm", "").trim();
        if (!jvm.isEmpty()) {
          builder.command().addAll(1, List.of(jvm.split("\\s+")));
        }
        builder.environment().putAll(env);
        return builder.start();
      default:
        throw new IllegalArgumentException("pipewright.benchRunner must be default, direct or flink, not " + job
            + " (Spark cannot run the streaming job)");
    }
  }

  private static double percentile(List<Double> sorted, double p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
  }

  /** Each post's send time: the emulator stamps it as the Kafka timestamp of its records. */
  private static void noteSendTimes(LocalKafka kafka, String prefix, Map<Long, Long> sent, AtomicBoolean done) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-bench");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(prefix + ".geo"));
      while (!done.get()) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          sent.putIfAbsent(Long.parseLong(r.key()), r.timestamp());
        }
      }
    }
  }

  /**
   * Until the job reads: the yardstick says so once it has its partitions, a pipeline once its safe
   * point has saved a first checkpoint row (the Flink job is deployed and its timers fire). Sending
   * earlier would count the job's start-up as latency.
   */
  private static void awaitRunning(String job, LocalPostgres postgres, String checkpoint, Process process, Path log)
      throws Exception {
    Warehouse warehouse = new Warehouse(postgres);
    while (job.equals("yardstick") ? !Files.readString(log).contains("ready")
        : warehouse.count("SELECT count(*) FROM " + org.pipewright.io.jdbc.JdbcCheckpointStore.TABLE
            + " WHERE name = '" + checkpoint + "'") < 1) {
      check(process, log);
      Thread.sleep(200);
    }
  }

  private static void awaitTable(LocalPostgres postgres, String table, Process streaming, Path log) throws Exception {
    Warehouse warehouse = new Warehouse(postgres);
    while (warehouse.count("SELECT count(*) FROM " + table) < 0) {
      check(streaming, log);
      Thread.sleep(200);
    }
  }

  /** Polls for new rows every 50 ms; a row's latency is when it was seen minus when it was sent. */
  private static long pollRows(LocalPostgres postgres, String table, CompletableFuture<Emulator.Stats> emulator,
      Map<Long, Long> sent, List<Double> latencies, Process streaming, Path log) throws Exception {
    long seen = 0;
    long last = System.nanoTime();
    try (Connection c = postgres.connect();
        PreparedStatement query = c.prepareStatement("SELECT ind FROM " + table + " WHERE ind > ? ORDER BY ind")) {
      // Rows may land out of id order: re-read from the first id not seen yet.
      java.util.Set<Long> seenIds = new java.util.HashSet<>();
      long floor = 0;
      List<Long> pending = new ArrayList<>();
      // Distinct well-formed geo rows: known once the emulator is done.
      long expected = Long.MAX_VALUE;
      while (seen < expected || !pending.isEmpty()) {
        if (expected == Long.MAX_VALUE && emulator.isDone()) {
          Emulator.Stats stats = emulator.join();
          expected = stats.records("geo") - stats.duplicates("geo") - stats.malformed("geo");
        }
        check(streaming, log);
        query.setLong(1, floor);
        long now = System.currentTimeMillis();
        try (ResultSet r = query.executeQuery()) {
          while (r.next()) {
            if (seenIds.add(r.getLong(1))) {
              pending.add(r.getLong(1));
              seen++;
              last = System.nanoTime();
            }
          }
        }
        while (seenIds.contains(floor + 1)) {
          seenIds.remove(++floor);
        }
        for (var it = pending.iterator(); it.hasNext(); ) {
          Long sentAt = sent.get(it.next());
          if (sentAt != null) {
            latencies.add((now - sentAt) / 1000.0);
            it.remove();
          }
        }
        if (System.nanoTime() - last > TimeUnit.MINUTES.toNanos(2)) {
          throw new IllegalStateException("no new rows for 2 minutes; " + seen + " seen; see " + log);
        }
        Thread.sleep(50);
      }
    }
    return last;
  }

  private static void check(Process streaming, Path log) throws Exception {
    if (!streaming.isAlive()) {
      throw new IllegalStateException("PinterestStreaming exited:\n" + Files.readString(log));
    }
  }
}
