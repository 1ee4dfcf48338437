package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Settings of the cleansing steps that batch and streaming share. */
public interface CleansingOptions extends PipelineOptions {
  @Description("Records longer than this many characters are dead-lettered unparsed (the dead letter "
      + "keeps their first 4096 characters). File sources also refuse lines over 4 bytes per character of this, "
      + "without reading them whole.")
  @Default.Integer(1 << 20)
  int getMaxPayloadChars();

  void setMaxPayloadChars(int value);
}
