package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.options.Validation;

/** Options of {@link PinterestStreaming}. */
public interface PinterestStreamingOptions
    extends KafkaOptions, KinesisOptions, JdbcOptions, StreamingOptions, CleansingOptions {
  @Description("Where the raw records come from: kafka or kinesis.")
  @Default.String("kafka")
  String getSource();

  void setSource(String value);

  @Override
  @Description("JDBC URL of the PostgreSQL (or Redshift) database the tables are upserted into.")
  @Validation.Required
  String getJdbcUrl();

  @Description("Length of the live aggregate's event-time windows, in seconds.")
  @Default.Integer(60)
  int getWindowSeconds();

  void setWindowSeconds(int value);

  @Description("How late (event time, after the end of its window) a post may arrive and still be "
      + "counted in the live aggregate, in seconds. Later posts are still stored in the clean tables.")
  @Default.Integer(300)
  int getAllowedLatenessSeconds();

  void setAllowedLatenessSeconds(int value);

  @Description("Seconds between early (speculative) results of an open window; 0 for none.")
  @Default.Integer(10)
  int getEarlyFiringSeconds();

  void setEarlyFiringSeconds(int value);

  @Description("How far out of timestamp order a record may arrive and still be on time, in seconds "
      + "(the watermark trails the newest record by this much).")
  @Default.Integer(5)
  int getMaxDelaySeconds();

  void setMaxDelaySeconds(int value);

  @Description("Seconds between saves of the safe restart point (consumer offsets or checkpoint row).")
  @Default.Integer(10)
  int getCheckpointSeconds();

  void setCheckpointSeconds(int value);

  @Description("Name of this pipeline's row in the pipewright_checkpoint table (safe time, resume "
      + "time); a Kinesis run restarts from it. Default: <tablePrefix><source>, e.g. pinterest_kinesis.")
  @Default.String("")
  String getCheckpointName();

  void setCheckpointName(String value);

  @Description("Also publish dead letters (JSON) to this Kafka topic; at least once, the table is exact.")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("Seconds between progress lines; 0 turns them off.")
  @Default.Integer(10)
  int getProgressSeconds();

  void setProgressSeconds(int value);
}
