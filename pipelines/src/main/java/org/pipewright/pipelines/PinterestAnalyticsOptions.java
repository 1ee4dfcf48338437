package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@link PinterestAnalytics}. */
public interface PinterestAnalyticsOptions extends OutputOptions {
  @Description("Folder with the clean pin/, geo/ and user/ tables (as PinterestBatch writes them "
      + "under OUT/clean). Local path or s3://bucket/prefix.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("File format of the input tables: parquet or json (JSON lines).")
  @Default.String("parquet")
  String getInputFormat();

  void setInputFormat(String value);
}
