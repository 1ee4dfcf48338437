package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.files.S3AccessOptions;

/** Where and how a pipeline writes its tables. */
public interface OutputOptions extends S3AccessOptions {
  @Description("Output folder (local path or s3://bucket/prefix). Existing output of the same "
      + "tables is replaced.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("File format of the tables: parquet or json (JSON lines).")
  @Default.String("parquet")
  String getOutputFormat();

  void setOutputFormat(String value);

  @Description("Seconds between progress lines while the pipeline runs; 0 turns them off.")
  @Default.Integer(10)
  int getProgressSeconds();

  void setProgressSeconds(int value);
}
