package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.pipewright.io.kinesis.ReadKinesis;

/**
 * Kinesis settings of the Pinterest jobs (default streams {@code pinterest-pin/-geo/-user});
 * credentials come from the AWS default credential chain, never from options.
 */
public interface KinesisOptions extends PipelineOptions {
  @Description("Stream prefix: records are read from <prefix>-pin, <prefix>-geo and <prefix>-user.")
  @Default.String("pinterest")
  String getKinesisStreamPrefix();

  void setKinesisStreamPrefix(String value);

  @Description("One stream holding every kind instead, the kind being the partition key up to ':' "
      + "(pin:123). Overrides --kinesisStreamPrefix.")
  String getKinesisStream();

  void setKinesisStream(String value);

  @Description("Kinesis endpoint, e.g. http://127.0.0.1:4567 for a local stand-in. Default: AWS.")
  String getKinesisEndpoint();

  void setKinesisEndpoint(String value);

  @Description("AWS region of the streams.")
  @Default.String("us-east-1")
  String getKinesisRegion();

  void setKinesisRegion(String value);

  @Description("Where a first run starts: trim_horizon (oldest record) or latest. Later runs resume "
      + "where the last one safely got to.")
  @Default.String("trim_horizon")
  String getKinesisInitialPosition();

  void setKinesisInitialPosition(String value);

  /** The read these options describe, before a start position is chosen. */
  static ReadKinesis read(KinesisOptions options, java.util.List<String> kinds) {
    ReadKinesis read = options.getKinesisStream() != null
        ? ReadKinesis.keyedStream(options.getKinesisStream())
        : ReadKinesis.streamPerKind(options.getKinesisStreamPrefix(), kinds);
    if (options.getKinesisEndpoint() != null) {
      read = read.withEndpoint(options.getKinesisEndpoint());
    }
    read = read.withRegion(options.getKinesisRegion());
    String position = options.getKinesisInitialPosition().trim().toLowerCase(java.util.Locale.ROOT);
    switch (position) {
      case "latest":
        return read.startingAtLatest();
      case "trim_horizon":
        return read;
      default:
        throw new IllegalArgumentException("--kinesisInitialPosition: use trim_horizon or latest, got '"
            + options.getKinesisInitialPosition() + "'");
    }
  }
}
