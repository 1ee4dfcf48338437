package org.pipewright.io.kinesis;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** Plain-SDK checks and clients for the streams a pipeline or the emulator uses. */
public final class KinesisStreams {
  private KinesisStreams() {}

  /** A client for {@code endpoint} (null: AWS) in {@code region}, default credential chain. */
  public static KinesisClient client(String endpoint, String region) {
    KinesisClientBuilder builder = KinesisClient.builder().region(Region.of(region))
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10)));
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /** Fails with one clear message unless every stream exists and answers. */
  public static void check(String endpoint, String region, List<String> streams) {
    String where = endpoint == null ? "AWS " + region : endpoint;
    try (KinesisClient client = client(endpoint, region)) {
      for (String stream : streams) {
        try {
          client.describeStreamSummary(r -> r.streamName(stream));
        } catch (ResourceNotFoundException e) {
          throw new IllegalStateException("Kinesis stream '" + stream + "' does not exist at " + where);
        }
      }
    } catch (SdkClientException e) {
      throw new IllegalStateException("cannot reach Kinesis at " + where + ": " + e.getMessage());
    } catch (SdkException e) {
      throw new IllegalStateException("Kinesis at " + where + " refused the request: " + e.getMessage());
    }
  }
}
