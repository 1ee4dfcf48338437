package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@link PinterestBatch}. */
public interface PinterestBatchOptions extends OutputOptions, CleansingOptions, JdbcOptions {
  @Description("Input folder with pin/, geo/ and user/ subfolders of JSON-lines files (any file "
      + "names, nested folders included; .gz is decompressed). Local path or s3://bucket/prefix.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Process one day of a landed archive (PinterestLanding): reads <kind>/dt=YYYY-MM-DD/ only.")
  String getDate();

  void setDate(String value);

  @Description("Remove exact re-sends of the same record before writing and analysing.")
  @Default.Boolean(true)
  boolean getDedupe();

  void setDedupe(boolean value);
}
