package org.pipewright.io.kinesis;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.aws2.common.ClientConfiguration;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisIO;
import org.apache.beam.sdk.io.aws2.kinesis.KinesisRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.pipewright.transforms.core.TaggedRecord;
import software.amazon.awssdk.regions.Region;
import software.amazon.kinesis.common.InitialPositionInStream;

/**
 * Reads raw JSON records from Kinesis with KinesisIO (AWS SDK v2) as {@link TaggedRecord}s: either
 * one stream per kind ({@code <prefix>-pin}, ...) or one stream whose partition keys say the kind
 * ({@code pin:123}); the source is {@code stream/shard@sequence}, the element timestamp the
 * record's approximate arrival time.
 *
 * <p>Credentials come from the AWS default credential chain (or Beam's {@code
 * --awsCredentialsProvider}); {@link #withEndpoint} points at a local stand-in. Kinesis keeps no
 * consumer position, so where to start is given explicitly: a resume time saved by the pipeline
 * ({@link #startingAt}), or the oldest record.
 */
public final class ReadKinesis extends PTransform<PBegin, PCollection<Row>> {
  private final List<String> streams;
  private final List<String> kinds;
  private final @Nullable String endpoint;
  private final @Nullable String region;
  private final @Nullable Instant start;
  private final boolean latest;

  private ReadKinesis(List<String> streams, List<String> kinds, String endpoint, String region,
      Instant start, boolean latest) {
    this.streams = streams;
    this.kinds = kinds;
    this.endpoint = endpoint;
    this.region = region;
    this.start = start;
    this.latest = latest;
  }

  /** Streams {@code <prefix>-<kind>}, one per kind. */
  public static ReadKinesis streamPerKind(String prefix, List<String> kinds) {
    checkArgument(prefix != null && !prefix.isBlank(), "stream prefix must be set");
    List<String> streams = new ArrayList<>();
    for (String kind : kinds) {
      streams.add(prefix + "-" + kind);
    }
    return new ReadKinesis(List.copyOf(streams), List.copyOf(kinds), null, null, null, false);
  }

  /** One stream; a record's kind is its partition key up to the first {@code ':'}. */
  public static ReadKinesis keyedStream(String stream) {
    checkArgument(stream != null && !stream.isBlank(), "stream must be set");
    return new ReadKinesis(List.of(stream), null, null, null, null, false);
  }

  /**
   * Returns a copy that talks to {@code endpoint} ({@code http://host:port} or {@code https://...})
   * instead of AWS (a local stand-in, a VPC endpoint).
   */
  public ReadKinesis withEndpoint(String endpoint) {
    checkArgument(isHttpUrl(endpoint), "Kinesis endpoint must be an http:// or https:// URL with a host, got '%s'",
        endpoint);
    return new ReadKinesis(streams, kinds, endpoint, region, start, latest);
  }

  /** Returns a copy that uses the AWS region {@code region}. */
  public ReadKinesis withRegion(String region) {
    return new ReadKinesis(streams, kinds, endpoint, region, start, latest);
  }

  /** Starts at the records that arrived at or after {@code start}. */
  public ReadKinesis startingAt(Instant start) {
    return new ReadKinesis(streams, kinds, endpoint, region, start, false);
  }

  /** Starts at the newest records instead of the oldest, unless {@link #startingAt} is given. */
  public ReadKinesis startingAtLatest() {
    return new ReadKinesis(streams, kinds, endpoint, region, null, true);
  }

  public List<String> streams() {
    return streams;
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    ClientConfiguration.Builder client = ClientConfiguration.builder();
    if (endpoint != null) {
      client.endpoint(URI.create(endpoint));
    }
    if (region != null) {
      client.region(Region.of(region));
    }
    ClientConfiguration config = client.build();
    List<PCollection<Row>> parts = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      String stream = streams.get(i);
      KinesisIO.Read read = KinesisIO.read()
          .withStreamName(stream)
          .withClientConfiguration(config)
          // Idle shards must not hold the watermark back for ever.
          .withArrivalTimeWatermarkPolicy(Duration.standardSeconds(5));
      if (start != null) {
        read = read.withInitialTimestampInStream(start);
      } else {
        read = read.withInitialPositionInStream(
            latest ? InitialPositionInStream.LATEST : InitialPositionInStream.TRIM_HORIZON);
      }
      String kind = kinds == null ? null : kinds.get(i);
      parts.add(input.apply("KinesisIO " + stream, read)
          .apply("To records " + stream, ParDo.of(new TagFn(kind)))
          .setRowSchema(TaggedRecord.SCHEMA));
    }
    return parts.size() == 1 ? parts.get(0)
        : PCollectionList.of(parts).apply("Gather streams", Flatten.pCollections());
  }

  /** The kind a partition key names: {@code pin:123} is a pin. */
  static String kindOfKey(String partitionKey) {
    int colon = partitionKey.indexOf(':');
    return colon < 0 ? partitionKey : partitionKey.substring(0, colon);
  }

  private static final class TagFn extends DoFn<KinesisRecord, Row> {
    private final @Nullable String kind;

    TagFn(String kind) {
      this.kind = kind;
    }

    @ProcessElement
    public void process(@Element KinesisRecord record, OutputReceiver<Row> out) {
      out.output(TaggedRecord.decode(kind != null ? kind : kindOfKey(record.getPartitionKey()),
          record.getStreamName() + "/" + record.getShardId() + "@" + record.getSequenceNumber(),
          record.getDataAsBytes()));
    }
  }

  private static boolean isHttpUrl(String endpoint) {
    try {
      URI uri = new URI(endpoint);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return false;
    }
  }
}
