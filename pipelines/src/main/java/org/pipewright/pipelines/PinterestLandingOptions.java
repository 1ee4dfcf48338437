package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.files.S3AccessOptions;

/** Options of {@link PinterestLanding}. */
public interface PinterestLandingOptions extends KafkaOptions, S3AccessOptions {
  @Description("Archive folder (local path or s3://bucket/prefix): <kind>/dt=YYYY-MM-DD/ JSON-lines files.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Most records per file; a file never spans two days or two partitions.")
  @Default.Integer(100_000)
  int getRecordsPerFile();

  void setRecordsPerFile(int value);

  @Description("Seconds between progress lines; 0 turns them off.")
  @Default.Integer(10)
  int getProgressSeconds();

  void setProgressSeconds(int value);
}
