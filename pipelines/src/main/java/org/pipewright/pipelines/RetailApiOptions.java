package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where the retail jobs fetch their answers: a products API (trending items, value of the day) and a
 * currencylayer-shaped exchange-rate API. The keys are never options: each is read from its
 * environment variable or from a key file, so they stay out of option dumps, display data and logs.
 */
public interface RetailApiOptions extends PipelineOptions {
  String PRODUCTS_KEY_ENV = "PIPEWRIGHT_PRODUCTS_API_KEY";
  String FX_KEY_ENV = "PIPEWRIGHT_FX_API_KEY";

  @Description("Base URL of the products API (GET /v1/trends, /v1/vod), e.g. http://127.0.0.1:8090. "
      + "Key: " + PRODUCTS_KEY_ENV + " or --productsApiKeyFile.")
  String getProductsUrl();

  void setProductsUrl(String value);

  @Description("File whose first line is the products API key (instead of " + PRODUCTS_KEY_ENV + ").")
  String getProductsApiKeyFile();

  void setProductsApiKeyFile(String value);

  @Description("Base URL of the exchange-rate API (currencylayer shape: GET /api/live, "
      + "/api/historical?date=), e.g. http://127.0.0.1:8090. Key: " + FX_KEY_ENV + " or --fxApiKeyFile.")
  String getFxUrl();

  void setFxUrl(String value);

  @Description("File whose first line is the exchange-rate API key (instead of " + FX_KEY_ENV + ").")
  String getFxApiKeyFile();

  void setFxApiKeyFile(String value);

  @Description("Most requests per second sent to each API (per worker).")
  @Default.Double(5)
  double getRequestsPerSecond();

  void setRequestsPerSecond(double value);

  @Description("Seconds to wait for one answer before retrying it.")
  @Default.Integer(30)
  int getRequestTimeoutSeconds();

  void setRequestTimeoutSeconds(int value);

  @Description("Attempts per request, the first included; only 429, 5xx, timeouts and connection errors are retried.")
  @Default.Integer(5)
  int getMaxAttempts();

  void setMaxAttempts(int value);
}
