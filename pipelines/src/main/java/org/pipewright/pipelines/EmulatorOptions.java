package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.pipewright.io.files.S3AccessOptions;

/** Options of the {@link Emulator}. */
public interface EmulatorOptions extends S3AccessOptions, KafkaOptions, KinesisOptions {
  @Description("Where to send the records: files (pin/, geo/, user/ folders under --output), kafka "
      + "(topics <kafkaTopicPrefix>.<kind>) or kinesis (streams <kinesisStreamPrefix>-<kind>).")
  @Default.String("files")
  String getSink();

  void setSink(String value);

  @Description("Output folder for --sink=files (local path or s3://bucket/prefix); pin/, geo/ and "
      + "user/ subfolders of JSON-lines files are written.")
  String getOutput();

  void setOutput(String value);

  @Description("Number of posts to emulate (each is one pin, one geo and one user record).")
  @Default.Long(1000)
  long getPosts();

  void setPosts(long value);

  @Description("Send for this many seconds instead of a number of posts; 0 uses --posts.")
  @Default.Long(0)
  long getDurationSeconds();

  void setDurationSeconds(long value);

  @Description("Records per second (three per post, re-sends included); 0 sends as fast as possible.")
  @Default.Double(0)
  double getRate();

  void setRate(double value);

  @Description("Random seed; the same seed and settings give byte-identical files.")
  @Default.Long(42)
  long getSeed();

  void setSeed(long value);

  @Description("Probability that a post is sent again (exact re-send of its three records).")
  @Default.Double(0.3)
  double getDuplicateRate();

  void setDuplicateRate(double value);

  @Description("Probability that a record is malformed (bad JSON, unreadable count, impossible "
      + "timestamp, missing id, wrong type).")
  @Default.Double(0.01)
  double getMalformedRate();

  void setMalformedRate(double value);
}
