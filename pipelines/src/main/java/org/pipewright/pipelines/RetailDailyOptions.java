package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@link RetailDaily}. */
public interface RetailDailyOptions extends OutputOptions, RetailOptions {
  @Description("Process one day: the answers landed under dt=YYYY-MM-DD/ (rates from up to --maxRateAgeDays before too).")
  String getDate();

  void setDate(String value);

  @Description("First day of a range to process (with --to; both days included).")
  String getFrom();

  void setFrom(String value);

  @Description("Last day of a range to process (with --from).")
  String getTo();

  void setTo(String value);

  @Description("Call the APIs for the days given (--date or --from/--to; today, UTC, if neither) and land "
      + "their answers under --input before processing: trends, value of the day, historical rates.")
  @Default.Boolean(false)
  boolean getFetch();

  void setFetch(boolean value);

  @Description("How many items the trending_top table ranks.")
  @Default.Integer(25)
  int getTop();

  void setTop(int value);
}
