package org.pipewright.pipelines;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pipewright.io.files.DeadLetterSink;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.WriteDocuments;
import org.pipewright.io.http.ApiErrorCheck;
import org.pipewright.io.http.ApiKey;
import org.pipewright.io.http.ApiRequest;
import org.pipewright.io.http.ApiResponse;
import org.pipewright.io.http.CallJsonApi;
import org.pipewright.transforms.core.CleanResult;

/**
 * Calls the retail APIs for a range of days and lands each answer as one file of the landing
 * archive, {@code <input>/<kind>/dt=<day>/}{@value #FETCHED}, the body as the API returned it. The
 * name depends only on the day, so fetching a day again replaces its file (with the same answers,
 * the archive is unchanged). It sorts before the names of {@link RetailStreaming}'s polls ({@code
 * HHmmssSSS.json}): where both landed answers for a day, the latest poll is the day's latest
 * answer, and a fetch never hides the polls after it.
 *
 * <p>A call that still fails after its retries, or whose answer is not JSON, lands nothing: it is a
 * dead letter in {@code OUT/fetch-dead-letter/} with the URL (key masked), the status and a body
 * excerpt. A refused key stops the run ({@code HttpAuthException}, printed as one {@code error:}
 * line by {@link Cli}).
 */
final class RetailLanding {
  static final String FETCH_DEAD_LETTER = "fetch-dead-letter";
  /** The file name of a fetched answer; {@code '-'} sorts before {@code '.'}, so before every poll's. */
  static final String FETCHED = "000000000-fetched.json";

  private RetailLanding() {}

  /** Runs the fetch as its own pipeline, before the job that reads the archive. */
  static void fetch(RetailDailyOptions options, DateRange range) throws IOException {
    if (options.getProductsUrl() == null || options.getFxUrl() == null) {
      throw new UsageException("--fetch needs --productsUrl and --fxUrl");
    }
    checkCalls(options);
    ApiKey productsKey = key(options.getProductsApiKeyFile(), RetailApiOptions.PRODUCTS_KEY_ENV, "apiKey");
    ApiKey fxKey = key(options.getFxApiKeyFile(), RetailApiOptions.FX_KEY_ENV, "access_key");
    String deadLetterFolder = OutputDirs.join(options.getOutput(), FETCH_DEAD_LETTER);
    Cli.requireWritable(options.getOutput());
    OutputDirs.replace(deadLetterFolder);

    Pipeline pipeline = Pipeline.create(options);
    List<PCollection<Row>> deadLetters = new ArrayList<>();
    List<PCollection<KV<String, String>>> answers = new ArrayList<>();
    for (String kind : RetailDaily.KINDS) {
      List<Row> requests = new ArrayList<>();
      for (LocalDate day : range.days()) {
        requests.add(ApiRequest.of(day.toString(), path(kind, day)));
      }
      boolean fx = kind.equals(RetailDaily.RATES);
      CallJsonApi call = CallJsonApi.at(fx ? options.getFxUrl() : options.getProductsUrl())
          .withApiName(fx ? "fx" : "products")
          .withApiKey(fx ? fxKey : productsKey)
          .withRateLimit(options.getRequestsPerSecond())
          .withTimeout(Duration.ofSeconds(options.getRequestTimeoutSeconds()))
          .withMaxAttempts(options.getMaxAttempts())
          .withDeadLetterKind(kind);
      if (fx) {
        call = call.withApiErrorCheck(ApiErrorCheck.currencylayer());
      }
      CleanResult result = pipeline
          .apply("Days of " + kind, Create.of(requests).withRowSchema(ApiRequest.SCHEMA))
          .apply("Call " + kind, call);
      deadLetters.add(result.deadLetters());
      answers.add(result.output().apply("Name " + kind, MapElements
          .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
          .via((Row r) -> KV.of(file(kind, ApiResponse.name(r)), ApiResponse.body(r)))));
    }
    PCollectionList.of(answers).apply("All answers", Flatten.pCollections())
        .apply("Land answers", WriteDocuments.to(options.getInput()));
    PCollectionList.of(deadLetters).apply("Write failed calls", DeadLetterSink.to(deadLetterFolder));
    pipeline.run().waitUntilFinish();
    OutputDirs.removeEmptyTempDirs(deadLetterFolder);
    System.out.println("fetched: " + range + " (" + range.days().size() * RetailDaily.KINDS.size()
        + " calls) into " + options.getInput() + "; failed calls, if any, in " + deadLetterFolder);
  }

  static void checkCalls(RetailApiOptions options) {
    if (options.getRequestsPerSecond() <= 0 || options.getRequestTimeoutSeconds() <= 0 || options.getMaxAttempts() <= 0) {
      throw new UsageException("--requestsPerSecond, --requestTimeoutSeconds and --maxAttempts must be > 0");
    }
    checkUrl("productsUrl", options.getProductsUrl());
    checkUrl("fxUrl", options.getFxUrl());
  }

  /** An API's base URL as {@link CallJsonApi#at} takes it, checked before anything starts. */
  private static void checkUrl(String option, String url) {
    try {
      CallJsonApi.at(url);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + option + ": " + e.getMessage());
    }
  }

  static ApiKey key(String file, String variable, String parameter) {
    ApiKey key = ApiKey.firstOf(null, file, variable).inQuery(parameter);
    try {
      key.check();
    } catch (RuntimeException e) {
      throw new UsageException(e.getMessage());
    }
    return key;
  }

  /** The API path of one kind of answer for {@code day}. */
  static String path(String kind, LocalDate day) {
    switch (kind) {
      case RetailDaily.TRENDS:
        return "/v1/trends?date=" + day;
      case RetailDaily.VOD:
        return "/v1/vod?date=" + day;
      default:
        return "/api/historical?date=" + day;
    }
  }

  /** The archive file of one answer, relative to the landing root. */
  static String file(String kind, String day) {
    return kind + "/dt=" + day + "/" + FETCHED;
  }
}
