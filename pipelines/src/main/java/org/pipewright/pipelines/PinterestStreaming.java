package org.pipewright.pipelines;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.io.jdbc.JdbcCheckpointStore;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.kafka.KafkaCommitStore;
import org.pipewright.io.kafka.KafkaOffsets;
import org.pipewright.io.kafka.KafkaSource;
import org.pipewright.io.kafka.PublishKafka;
import org.pipewright.io.kafka.ReadKafka;
import org.pipewright.io.kinesis.KinesisStreams;
import org.pipewright.io.kinesis.ReadKinesis;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.core.SafePoint;
import org.pipewright.transforms.core.SplitByKind;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.transforms.pinterest.CountPostsLive;

/**
 * The streaming Pinterest job: raw records from Kafka or Kinesis, the same cleansing as {@link
 * PinterestBatch}, clean rows upserted into PostgreSQL by {@code ind}, dead letters upserted by
 * their source coordinates (and optionally published to a topic), and the live posts per category
 * per country per minute ({@link CountPostsLive}).
 *
 * <p>Restarts lose nothing and duplicate nothing: every sink is an idempotent upsert, and the
 * restart point ({@link SafePoint}: committed Kafka offsets, or a checkpoint row for Kinesis) only
 * moves once every sink has written the records before it, rewound by a window and the allowed
 * lateness so that open windows are recomputed in full.
 *
 * <pre>
 * PIPEWRIGHT_JDBC_PASSWORD=... java -cp pipewright-pipelines-bundled.jar org.pipewright.pipelines.PinterestStreaming \
 *   --kafkaBootstrapServers=127.0.0.1:9092 --jdbcUrl=jdbc:postgresql://127.0.0.1:5432/postgres --createTables
 * </pre>
 */
public final class PinterestStreaming {
  private PinterestStreaming() {}

  public static void main(String[] args) {
    Cli.main(args, PinterestStreaming::run);
  }

  public static void run(String[] args) throws Exception {
    PinterestStreamingOptions options = Cli.parse(args, PinterestStreamingOptions.class);
    options.setStreaming(true);
    checkRunner(options.getRunner().getSimpleName());
    for (int value : new int[] {options.getWindowSeconds(), options.getCheckpointSeconds(), options.getMaxPayloadChars()}) {
      if (value <= 0) {
        throw new UsageException("--windowSeconds, --checkpointSeconds and --maxPayloadChars must be > 0");
      }
    }
    if (options.getAllowedLatenessSeconds() < 0 || options.getEarlyFiringSeconds() < 0 || options.getMaxDelaySeconds() < 0) {
      throw new UsageException("--allowedLatenessSeconds, --earlyFiringSeconds and --maxDelaySeconds must be >= 0");
    }
    PinterestTables tables = PinterestTables.of(options);
    String source = source(options);
    // Bad --kafkaExtraTopics or --kinesisInitialPosition are usage errors before any service is asked.
    KafkaSource kafka = source.equals("kafka") ? kafkaSource(options) : null;
    ReadKinesis kinesis = source.equals("kinesis") ? kinesisRead(options) : null;
    JdbcCheckpointStore checkpoints = checkpoints(options, tables, source);
    Instant resume = null;
    try {
      tables.connection().check();
      if (options.getCreateTables()) {
        tables.createStreamingTables(PinterestBatch.KINDS);
      }
      checkpoints.createTable();
      if (source.equals("kinesis")) {
        resume = checkpoints.resumeTime().orElse(null);
      }
    } catch (SQLException e) {
      throw new UsageException(e.getMessage());
    }
    if (kafka != null) {
      checkKafka(kafka);
    } else {
      if (resume != null) {
        System.out.println("resuming Kinesis at " + resume + " (checkpoint " + checkpointName(options, source) + ")");
      }
      try {
        KinesisStreams.check(options.getKinesisEndpoint(), options.getKinesisRegion(), kinesis.streams());
      } catch (IllegalStateException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Pipeline pipeline = Pipeline.create(options);
    RunLog log = RunLog.start(tables.warehouse(), options.getCreateTables(), PinterestBatch.QUALITY_NAME,
        PinterestStreaming.class, options, true);
    try {
      build(pipeline, options, tables, resume, log);
    } catch (RuntimeException e) {
      log.finish(RunLog.FAILED, null, null);
      throw e;
    }
    Runs.run(pipeline, options.getProgressSeconds(), PinterestBatch.KINDS, log);
    log.finish(RunLog.SUCCEEDED, null, null);
  }

  /** {@code kafka} or {@code kinesis}. */
  static String source(PinterestStreamingOptions options) {
    String source = options.getSource().trim().toLowerCase(java.util.Locale.ROOT);
    if (!source.equals("kafka") && !source.equals("kinesis")) {
      throw new UsageException("--source: use kafka or kinesis, got '" + options.getSource() + "'");
    }
    return source;
  }

  static String checkpointName(PinterestStreamingOptions options, String source) {
    return options.getCheckpointName().isBlank()
        ? WarehouseTables.prefix(options, PinterestTables.PREFIX) + source : options.getCheckpointName();
  }

  static JdbcCheckpointStore checkpoints(PinterestStreamingOptions options, PinterestTables tables, String source) {
    return new JdbcCheckpointStore(tables.connection(), checkpointName(options, source), rewind(options));
  }

  static ReadKinesis kinesisRead(PinterestStreamingOptions options) {
    try {
      return KinesisOptions.read(options, PinterestBatch.KINDS);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /**
   * Beam's Spark runners cannot run this job: the classic one refuses event-time timers in
   * streaming mode (the live join and the safe point are built on them) only once the job has
   * started, the structured-streaming one has no streaming mode at all. Say so before touching
   * any service.
   */
  static void checkRunner(String runner) {
    if (runner.startsWith("Spark")) {
      throw new UsageException("PinterestStreaming cannot run on the " + runner + ": Beam's Spark runner has no"
          + " event-time timers in streaming mode, which the live counts and the safe point need. Run it with"
          + " --runner=FlinkRunner or DirectRunner; on Spark, archive the topics with PinterestLanding and"
          + " process each day with PinterestBatch (README, \"Run on Spark / EMR\")");
    }
  }

  /** Rewinding a restart by this much recomputes every window that could still change. */
  static Duration rewind(PinterestStreamingOptions options) {
    return Duration.standardSeconds((long) options.getWindowSeconds() + options.getAllowedLatenessSeconds()
        + options.getMaxDelaySeconds());
  }

  /**
   * Adds the job to {@code pipeline} without touching any service (the checks are {@link #run}'s),
   * so tests can inspect the graph. {@code kinesisResume}: where a Kinesis read resumes, or null.
   */
  static void build(Pipeline pipeline, PinterestStreamingOptions options, PinterestTables tables,
      Instant kinesisResume) {
    build(pipeline, options, tables, kinesisResume, RunLog.NONE);
  }

  /** As above, and the run's counts are recorded in {@code log} while it runs. */
  static void build(Pipeline pipeline, PinterestStreamingOptions options, PinterestTables tables,
      Instant kinesisResume, RunLog log) {
    PCollection<Row> raw;
    SafePoint.Store store;
    String source = source(options);
    JdbcCheckpointStore checkpoints = checkpoints(options, tables, source);
    if (source.equals("kafka")) {
      KafkaSource kafka = kafkaSource(options);
      raw = pipeline.apply("Read Kafka", ReadKafka.from(kafka)
          .withMaxDelay(Duration.standardSeconds(options.getMaxDelaySeconds())));
      // The offsets are what a restart uses; the row shows how far the pipeline has got.
      store = new KafkaCommitStore(kafka, rewind(options)).and(checkpoints);
    } else {
      ReadKinesis read = kinesisRead(options);
      raw = pipeline.apply("Read Kinesis", kinesisResume == null ? read : read.startingAt(kinesisResume));
      store = checkpoints;
    }

    SplitByKind.Result byKind = raw.apply("Split by kind", SplitByKind.of(PinterestBatch.KINDS));
    PCollectionTuple rawByKind = PCollectionTuple.empty(pipeline);
    for (String kind : PinterestBatch.KINDS) {
      rawByKind = rawByKind.and(CleanPinterest.tag(kind), byKind.get(kind));
    }
    CleanPinterest.Result cleaned = rawByKind.apply("Clean",
        CleanPinterest.all().withMaxPayloadChars(options.getMaxPayloadChars()));
    List<PCollection<Void>> written = new ArrayList<>();
    PCollectionList<Row> refused = PCollectionList.empty(pipeline);
    PCollectionTuple counted = PCollectionTuple.empty(pipeline);
    for (String kind : PinterestBatch.KINDS) {
      JdbcUpsert.Result upserted = cleaned.clean(kind).apply("Upsert " + kind, tables.clean(kind).withDeadLetters());
      written.add(upserted.written());
      refused = refused.and(upserted.deadLetters());
      // Clean rows the warehouse refused: counted apart, as in the batch job's summary.
      counted = counted.and(new TupleTag<Row>(kind + "." + Summary.READ), byKind.get(kind))
          .and(new TupleTag<Row>(kind + "." + Summary.CLEAN), cleaned.beforeDedupe(kind))
          .and(new TupleTag<Row>(kind + "." + Summary.DEAD_LETTER), cleaned.deadLetters(kind))
          .and(new TupleTag<Row>(kind + "." + Summary.WAREHOUSE_REFUSED), upserted.deadLetters());
    }
    PCollectionTuple clean = cleaned.tables();
    log.recordWhileRunning(counted, PinterestBatch.KINDS, RunLog.seconds(options.getProgressSeconds()));
    PCollection<Row> allDead = PinterestTables.withSourceKey(
        PCollectionList.of(byKind.deadLetters()).and(cleaned.deadLetters()).and(refused.getAll())
            .apply("Gather dead letters", Flatten.pCollections()));
    written.add(allDead.apply("Upsert dead letters", tables.deadLetters()));
    if (options.getDeadLetterTopic() != null) {
      // Among the writes the safe point waits for: offsets committed before the topic has a dead
      // letter would lose it there in a crash.
      written.add(allDead
          .apply("Dead letters as JSON", MapElements
              .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
              .via((Row d) -> KV.of(d.getString("source"), RowJson.format(d))))
          .apply("Publish dead letters", PublishKafka.to(options.getKafkaBootstrapServers(), options.getDeadLetterTopic())
              .withProperties(KafkaOptions.propertiesFile(options))));
    }
    PCollection<Row> live = clean.apply("Live counts", CountPostsLive.perMinute()
        .withWindow(Duration.standardSeconds(options.getWindowSeconds()))
        .withAllowedLateness(Duration.standardSeconds(options.getAllowedLatenessSeconds()))
        .withEarlyFirings(Duration.standardSeconds(options.getEarlyFiringSeconds())));
    written.add(live.apply("Upsert live counts", tables.live()));
    PCollectionList.of(written).apply("Safe point", SafePoint.of(raw, store)
        .withInterval(Duration.standardSeconds(options.getCheckpointSeconds())));
  }

  static KafkaSource kafkaSource(PinterestStreamingOptions options) {
    try {
      return KafkaOptions.source(options, PinterestBatch.KINDS, "-streaming");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** Fails with one line unless the brokers answer and every topic exists; shows where reading starts. */
  static void checkKafka(KafkaSource kafka) {
    try (KafkaOffsets offsets = KafkaOffsets.open(kafka, java.time.Duration.ofSeconds(15))) {
      offsets.checkTopics();
      System.out.println("reading " + kafka.describe() + " from offsets "
          + offsets.startPositions(offsets.partitions()));
    } catch (IllegalStateException | IllegalArgumentException | org.apache.kafka.common.KafkaException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
