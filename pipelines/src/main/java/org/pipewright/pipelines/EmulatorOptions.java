package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.S3AccessOptions;

/** Options of the {@link Emulator}. */
public interface EmulatorOptions extends S3AccessOptions {
  @Description("Output folder (local path or s3://bucket/prefix); pin/, geo/ and user/ "
      + "subfolders of JSON-lines files are written.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Number of posts to emulate (each is one pin, one geo and one user record).")
  @Default.Long(1000)
  long getPosts();

  void setPosts(long value);

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
