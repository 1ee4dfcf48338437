package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.mongodb.MongoOptions;

/** What the retail batch and streaming jobs share: the landing archive, the APIs, the enrichment and the sinks. */
public interface RetailOptions extends RetailApiOptions, JdbcOptions, MongoOptions {
  @Description("Landing archive: trends/, vod/ and rates/ folders of dt=YYYY-MM-DD/ partitions, one API "
      + "answer per file. Local path or s3://bucket/prefix.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("Currencies to value items in, comma separated (rates are USD<CCY> quotes).")
  @Default.String("USD,EUR,GBP,INR,JPY")
  String getCurrencies();

  void setCurrencies(String value);

  @Description("Where a day has no rates, use the latest earlier day at most this many days before; "
      + "older than that, the item is a dead letter (missing_rates).")
  @Default.Integer(3)
  int getMaxRateAgeDays();

  void setMaxRateAgeDays(int value);
}
