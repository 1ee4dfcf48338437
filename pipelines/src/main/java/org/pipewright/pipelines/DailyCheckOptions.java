package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.files.S3AccessOptions;

/** Options of {@link DailyCheck}. */
public interface DailyCheckOptions extends S3AccessOptions {
  @Description("summary.json of a PinterestBatch run (local path or s3://...).")
  @Validation.Required
  String getSummary();

  void setSummary(String value);

  @Description("Largest share of dead-lettered records per table that still passes, 0..1.")
  @Default.Double(0.05)
  double getMaxDeadLetterShare();

  void setMaxDeadLetterShare(double value);
}
