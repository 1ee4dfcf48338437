package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.options.Validation;

/** Options of {@link RetailStreaming}. */
public interface RetailStreamingOptions extends RetailOptions, StreamingOptions {
  @Override
  @Description("JDBC URL of the PostgreSQL database the valuation, discount and dead-letter tables are upserted into.")
  @Validation.Required
  String getJdbcUrl();

  @Description("Seconds between polls of the two APIs (trends, value of the day, live rates); each poll lands "
      + "its answers under --input as <kind>/dt=<day>/<HHmmssSSS>.json. Also how often the archive is "
      + "watched for new answers.")
  @Default.Integer(60)
  int getPollSeconds();

  void setPollSeconds(int value);

  @Description("Seconds between loads of the rates landed under --input (a slowly updating side input): "
      + "items read in one such interval are valued with the rates loaded at its end, so an item waits at "
      + "most this long for its rates.")
  @Default.Integer(60)
  int getRateRefreshSeconds();

  void setRateRefreshSeconds(int value);

  @Description("Do not poll the APIs, only watch --input for answers landed by someone else (RetailDaily "
      + "--fetch, a copy job).")
  @Default.Boolean(false)
  boolean getWatchOnly();

  void setWatchOnly(boolean value);

  @Description("How many days back (before today, UTC) the archive is read at start and watched: a restart "
      + "re-reads these days, harmlessly (the upserts keep the newest answer). Older answers are left to RetailDaily.")
  @Default.Integer(2)
  int getSinceDays();

  void setSinceDays(int value);

  @Description("Seconds between progress lines; 0 turns them off.")
  @Default.Integer(30)
  int getProgressSeconds();

  void setProgressSeconds(int value);
}
