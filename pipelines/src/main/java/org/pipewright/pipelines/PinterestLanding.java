package org.pipewright.pipelines;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Instant;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.kafka.KafkaOffsets;
import org.pipewright.io.kafka.KafkaSource;
import org.pipewright.io.kafka.ReadKafka;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.TaggedRecord;
import org.pipewright.transforms.core.Values;

/**
 * Archives the raw Pinterest topics to files, as the seed's Kafka Connect S3 sink did, so that
 * {@link PinterestBatch} can process one day ({@code --date}):
 *
 * <pre>
 * OUT/&lt;kind&gt;/dt=YYYY-MM-DD/&lt;topic&gt;+&lt;partition&gt;+&lt;first offset&gt;.jsonl    one raw record per line
 * </pre>
 *
 * <p>A record's line breaks between values become spaces (white space to JSON). An empty or blank record (a
 * tombstone, say) is written as a JSON string holding it, {@code ""}: a blank line would be skipped
 * by the batch job's reader, and the record lost; as a string it is refused as "not a JSON object",
 * as the streaming job refuses it, and counted. So is a record that is not UTF-8: its string holds
 * the reader's reason and the record with U+FFFD for the bad bytes (the streaming job dead-letters
 * it with the same reason and payload), and so is a record with a line break inside a string,
 * which is not JSON (a space there would make it valid, with altered text).
 *
 * <p>Each run reads every partition from the group's committed offset up to where the topic ended
 * when the run started, writes the files, and only then commits those end offsets. The day is the
 * record's Kafka timestamp in UTC. File names depend only on the records they hold, so a run that
 * failed before committing is simply run again: it rewrites the same files with the same names, and
 * nothing is lost or doubled.
 */
public final class PinterestLanding {
  private PinterestLanding() {}

  public static void main(String[] args) {
    Cli.main(args, PinterestLanding::run);
  }

  /** Runs one landing; returns the number of records archived. */
  public static long run(String[] args) throws Exception {
    PinterestLandingOptions options = Cli.parse(args, PinterestLandingOptions.class);
    if (options.getRecordsPerFile() <= 0) {
      throw new UsageException("--recordsPerFile must be > 0");
    }
    KafkaSource source;
    Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
    Map<TopicPartition, Long> ends;
    try {
      source = KafkaOptions.source(options, PinterestBatch.KINDS, "-landing");
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    // The archive is for the batch job, which reads only its own kinds: records landed under any
    // other (a typo, "pins") would be committed here and never read, counted or refused there.
    for (String topic : source.topics()) {
      if (!PinterestBatch.KINDS.contains(source.kindOf(topic))) {
        throw new UsageException("--kafkaExtraTopics: " + topic + "=" + source.kindOf(topic)
            + " names a kind PinterestBatch does not read; expected one of " + PinterestBatch.KINDS);
      }
    }
    try (KafkaOffsets offsets = KafkaOffsets.open(source, Duration.ofSeconds(15))) {
      offsets.checkTopics();
      List<TopicPartition> partitions = offsets.partitions();
      Map<TopicPartition, Long> starts = offsets.startPositions(partitions);
      ends = offsets.endOffsets(partitions);
      for (TopicPartition tp : partitions) {
        ranges.put(tp, new long[] {starts.get(tp), ends.get(tp)});
      }
    } catch (IllegalStateException | IllegalArgumentException | org.apache.kafka.common.KafkaException e) {
      throw new UsageException(e.getMessage());
    }
    long total = ranges.values().stream().mapToLong(r -> Math.max(0, r[1] - r[0])).sum();
    ranges.forEach((tp, r) -> System.out.printf("%s: offsets %d..%d (%d records)%n", tp, r[0], r[1],
        Math.max(0, r[1] - r[0])));
    if (total == 0) {
      System.out.println("nothing new to land");
      return 0;
    }
    Cli.requireWritable(options.getOutput());

    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, options, source, ranges);
    Runs.run(pipeline, options.getProgressSeconds(), List.of());

    try (KafkaOffsets offsets = KafkaOffsets.open(source, Duration.ofSeconds(15))) {
      offsets.commit(ends);
    }
    System.out.println("landed " + total + " records; committed " + ends + " for group " + source.groupId());
    return total;
  }

  /** Adds the landing of {@code ranges} to {@code pipeline}; touches no service. */
  static void build(Pipeline pipeline, PinterestLandingOptions options, KafkaSource source,
      Map<TopicPartition, long[]> ranges) {
    pipeline
        .apply("Read Kafka", ReadKafka.from(source).withOffsetRanges(ranges))
        .apply("Key by file", ParDo.of(new KeyFn(options.getRecordsPerFile())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of())))
        // The read is finite but KafkaIO marks it unbounded: one pane when it has all been read.
        .apply("All at once", Window.<KV<String, KV<Long, String>>>into(new GlobalWindows())
            .triggering(AfterWatermark.pastEndOfWindow())
            .withAllowedLateness(org.joda.time.Duration.ZERO).discardingFiredPanes())
        .apply("Group by file", GroupByKey.create())
        .apply("Write files", ParDo.of(new WriteFileFn(options.getOutput())));
  }

  /** {@code kind/dt=D/topic+partition+chunk}: the file a record goes to, before its first offset. */
  private static final class KeyFn extends DoFn<Row, KV<String, KV<Long, String>>> {
    private final int perFile;

    KeyFn(int perFile) {
      this.perFile = perFile;
    }

    @ProcessElement
    public void process(@Element Row record, @Timestamp Instant timestamp,
        OutputReceiver<KV<String, KV<Long, String>>> out) {
      String source = TaggedRecord.source(record); // topic/partition@offset
      int at = source.lastIndexOf('@');
      int slash = source.lastIndexOf('/', at);
      long offset = Long.parseLong(source.substring(at + 1));
      String day = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(timestamp.getMillis()), ZoneOffset.UTC).toString();
      String file = TaggedRecord.kind(record) + "/dt=" + day + "/" + source.substring(0, slash) + "+"
          + source.substring(slash + 1, at) + "+" + (offset / perFile);
      String error = TaggedRecord.error(record);
      String payload = error == null ? TaggedRecord.payload(record) : refusedLine(error, TaggedRecord.payload(record));
      out.output(KV.of(file, KV.of(offset, payload)));
    }
  }

  private static final class WriteFileFn extends DoFn<KV<String, Iterable<KV<Long, String>>>, Void> {
    private final String out;
    private final Counter landed = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "landed");

    WriteFileFn(String out) {
      this.out = out;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<KV<Long, String>>> file) throws IOException {
      List<KV<Long, String>> records = new ArrayList<>();
      file.getValue().forEach(records::add);
      records.sort((a, b) -> Long.compare(a.getKey(), b.getKey()));
      String key = file.getKey();
      String name = key.substring(0, key.lastIndexOf('+') + 1) + records.get(0).getKey() + ".jsonl";
      // Written under a temporary name and renamed, so a reader never sees half a file.
      ResourceId tmp = FileSystems.matchNewResource(OutputDirs.join(out, "_tmp", name.replace('/', '_')), false);
      ResourceId target = FileSystems.matchNewResource(OutputDirs.join(out, name), false);
      try (OutputStream stream = Channels.newOutputStream(FileSystems.create(tmp, MimeTypes.TEXT))) {
        for (KV<Long, String> record : records) {
          stream.write(line(record.getValue()).getBytes(StandardCharsets.UTF_8));
          stream.write('\n');
        }
      }
      FileSystems.rename(List.of(tmp), List.of(target), MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      landed.inc(records.size());
    }
  }

  /** A record the reader refused (not UTF-8), as a JSON string holding the reason and what was read. */
  static String refusedLine(String reason, String excerpt) {
    return jsonString(reason + ": " + excerpt);
  }

  /** A record as its line in the archive (see the class comment). */
  static String line(String record) {
    if (Values.isBlank(record) || breaksInsideAString(record)) {
      // Kept whole as a string: a line break inside a JSON string is invalid (the streaming job
      // refuses it), and a space in its place would make it a valid record with altered text.
      return jsonString(record);
    }
    return record.replace('\n', ' ');
  }

  private static String jsonString(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }

  /** Whether {@code record} has a line break inside a JSON string literal. */
  static boolean breaksInsideAString(String record) {
    if (record.indexOf('\n') < 0) {
      return false;
    }
    boolean inString = false;
    for (int i = 0; i < record.length(); i++) {
      char c = record.charAt(i);
      if (inString && c == '\\') {
        i++;
      } else if (c == '"') {
        inString = !inString;
      } else if (c == '\n' && inString) {
        return true;
      }
    }
    return false;
  }
}
