package org.pipewright.io.http;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.time.Duration;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/**
 * Calls a JSON HTTP API once per {@link ApiRequest} row ({@code GET <baseUrl><path>}, the key
 * added as configured), after the design of Beam's {@code RequestResponseIO}: a caller per
 * request, a throttle, retries with exponential back-off and jitter, timeouts.
 *
 * <p>Guarantees: every request ends in exactly one of {@link CleanResult#output()} ({@link
 * ApiResponse#SCHEMA}: a 2xx answer whose body is JSON and passes the {@link ApiErrorCheck}) or
 * {@link CleanResult#deadLetters()} ({@link DeadLetter#SCHEMA}: kind, step, a reason with the status
 * and attempts, source = the URL with the key masked, payload = the first {@value
 * #EXCERPT_CHARS} characters of the body), so {@code requests = responses + dead letters}. Only
 * 429, 5xx, timeouts and connection errors are retried, at most {@link #withMaxAttempts} attempts
 * in all; a {@code Retry-After} is honoured up to the maximum back-off. Other 4xx answers, a body
 * that is not JSON or longer than {@link #withMaxBodyBytes}, or an error the API reports in the body
 * become dead letters at once. A refused
 * key (401, 403, or an {@link ApiError#auth} from the check) stops the job with an {@link
 * HttpAuthException}: it would refuse every other request too.
 *
 * <p>The key never appears in display data, {@code toString}, errors, dead letters or the URLs of
 * responses: each is masked ({@code apiKey=***}). See {@link ApiKey} for where the key is read.
 *
 * <p>Redirects are not followed (a 3xx is a dead letter): a header key must not travel to
 * another host.
 *
 * <p>The rate limit ({@link #withRateLimit}) is per worker process: all threads of one JVM calling
 * the same API (name and base URL) share it; {@code n} workers may send {@code n} times the rate. A runner that
 * retries a failed bundle calls its requests again: calls must be safe to repeat (GETs are).
 * Counters {@code <api>.requests}, {@code <api>.responses}, {@code <api>.deadLetter} and {@code
 * <api>.retries} are reported in the {@code pipewright} namespace.
 *
 * <pre>{@code
 * CleanResult rates = pipeline
 *     .apply(Create.of(ApiRequest.of("2017-03-02", "/api/historical?date=2017-03-02"))
 *         .withRowSchema(ApiRequest.SCHEMA))
 *     .apply("Fetch rates", CallJsonApi.at("https://api.currencylayer.com")
 *         .withApiName("fx")
 *         .withApiKey(ApiKey.fromEnv("PIPEWRIGHT_FX_API_KEY").inQuery("access_key"))
 *         .withApiErrorCheck(ApiErrorCheck.currencylayer())
 *         .withRateLimit(2));
 * rates.output();       // ApiResponse rows
 * rates.deadLetters();  // DeadLetter rows
 * }</pre>
 */
public final class CallJsonApi extends PTransform<PCollection<Row>, CleanResult> {
  /** How much of a failed answer's body a dead letter keeps. */
  public static final int EXCERPT_CHARS = 1000;

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final double DEFAULT_RATE = 5;
  static final int DEFAULT_MAX_ATTEMPTS = 4;
  static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  static final long DEFAULT_MAX_BODY_BYTES = 64L << 20;

  final String baseUrl;
  final String apiName;
  final ApiKey key;
  final Duration timeout;
  final Duration connectTimeout;
  final double ratePerSecond;
  final int maxAttempts;
  final Backoff backoff;
  final ApiErrorCheck errorCheck;
  final String kind;
  final String stepName;
  final long maxBodyBytes;

  private CallJsonApi(String baseUrl, String apiName, ApiKey key, Duration timeout, Duration connectTimeout,
      double ratePerSecond, int maxAttempts, Backoff backoff, ApiErrorCheck errorCheck, String kind,
      String stepName, long maxBodyBytes) {
    this.baseUrl = baseUrl;
    this.apiName = apiName;
    this.key = key;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    this.ratePerSecond = ratePerSecond;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.errorCheck = errorCheck;
    this.kind = kind;
    this.stepName = stepName;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * Calls the API at {@code baseUrl} ({@code http://} or {@code https://}, without a trailing
   * slash: request paths start with {@code /}) with no key, {@value #DEFAULT_RATE} requests/s per
   * worker, {@value #DEFAULT_MAX_ATTEMPTS} attempts, 30 s per request and 10 s to connect.
   */
  public static CallJsonApi at(String baseUrl) {
    checkArgument(baseUrl != null && (baseUrl.startsWith("http://") || baseUrl.startsWith("https://")),
        "base URL must start with http:// or https://, got '%s'",
        baseUrl == null ? null : baseUrl.replaceAll("[?#].*", "..."));
    // Not echoed: a query here may hold a key
    checkArgument(baseUrl.indexOf('?') < 0 && baseUrl.indexOf('#') < 0,
        "base URL must not have a query or fragment (requests carry the query, withApiKey the key)");
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return new CallJsonApi(base, "http", ApiKey.none(), DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RATE,
        DEFAULT_MAX_ATTEMPTS, new Backoff(DEFAULT_INITIAL_BACKOFF.toMillis(), DEFAULT_MAX_BACKOFF.toMillis()),
        ApiErrorCheck.none(), "http", "call-http", DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * Returns a copy that names the API {@code name} in errors ({@code products API refused the
   * key}), counters, and, unless set otherwise, the dead letters' kind and step ({@code call-<name>}).
   */
  public CallJsonApi withApiName(String name) {
    checkArgument(name != null && name.matches("[A-Za-z0-9_.-]+"), "API name must be a word ([A-Za-z0-9_.-]), got '%s'", name);
    String newKind = kind.equals(apiName) ? name : kind;
    String newStep = stepName.equals("call-" + apiName) ? "call-" + name : stepName;
    return new CallJsonApi(baseUrl, name, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, newKind, newStep, maxBodyBytes);
  }

  /** Returns a copy that sends {@code key} with every request. */
  public CallJsonApi withApiKey(ApiKey key) {
    checkNotNull(key, "key");
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy that gives up on an attempt after {@code timeout} without a complete answer. */
  public CallJsonApi withTimeout(Duration timeout) {
    checkArgument(timeout != null && !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, got %s", timeout);
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy that gives up connecting after {@code timeout}. */
  public CallJsonApi withConnectTimeout(Duration timeout) {
    checkArgument(timeout != null && !timeout.isNegative() && !timeout.isZero(),
        "connect timeout must be > 0, got %s", timeout);
    return new CallJsonApi(baseUrl, apiName, key, this.timeout, timeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy that sends at most {@code perSecond} requests per second per worker (0: no limit). */
  public CallJsonApi withRateLimit(double perSecond) {
    checkArgument(perSecond >= 0 && !Double.isNaN(perSecond) && !Double.isInfinite(perSecond),
        "rate limit must be >= 0 requests/s (0: none), got %s", perSecond);
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, perSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy that makes at most {@code attempts} attempts per request (1: no retries). */
  public CallJsonApi withMaxAttempts(int attempts) {
    checkArgument(attempts >= 1, "max attempts must be >= 1, got %s", attempts);
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, attempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /**
   * Returns a copy that waits about {@code initial} before the first retry, doubling up to {@code
   * max} (each wait drawn between half and all of that, see the class comment).
   */
  public CallJsonApi withBackoff(Duration initial, Duration max) {
    checkArgument(initial != null && max != null, "back-off durations must not be null");
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts,
        new Backoff(initial.toMillis(), max.toMillis()), errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy that looks for errors inside 2xx answers with {@code check}. */
  public CallJsonApi withApiErrorCheck(ApiErrorCheck check) {
    checkNotNull(check, "check");
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        check, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy whose dead letters have kind {@code kind}. */
  public CallJsonApi withDeadLetterKind(String kind) {
    checkArgument(kind != null && !kind.isEmpty(), "dead-letter kind must not be empty");
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /** Returns a copy whose dead letters name {@code stepName} as the failing step. */
  public CallJsonApi withStepName(String stepName) {
    checkArgument(stepName != null && !stepName.isEmpty(), "stepName must not be empty");
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, maxBodyBytes);
  }

  /**
   * Returns a copy that reads at most {@code bytes} of an answer's body (64 MiB by default): a
   * longer one is a dead letter ({@code body_too_large}) with its first {@value #EXCERPT_CHARS}
   * characters, rather than a worker out of memory.
   */
  public CallJsonApi withMaxBodyBytes(long bytes) {
    checkArgument(bytes > 0 && bytes < Integer.MAX_VALUE - 8, "max body bytes must be in 1..2^31-9, got %s", bytes);
    return new CallJsonApi(baseUrl, apiName, key, timeout, connectTimeout, ratePerSecond, maxAttempts, backoff,
        errorCheck, kind, stepName, bytes);
  }

  /** The base URL (it holds no key). */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    checkArgument(input.getSchema().equals(ApiRequest.SCHEMA), "%s expects ApiRequest rows, got schema %s",
        stepName, input.getSchema());
    TupleTag<Row> responseTag = new TupleTag<Row>() {};
    TupleTag<Row> deadLetterTag = new TupleTag<Row>() {};
    PCollectionTuple tuple = input.apply("Call " + apiName,
        ParDo.of(new CallFn(new Caller.Config(this), responseTag, deadLetterTag))
            .withOutputTags(responseTag, TupleTagList.of(deadLetterTag)));
    // The project's two-output result: output() are the answers, deadLetters() the failed requests.
    return CleanResult.of(tuple.get(responseTag).setRowSchema(ApiResponse.SCHEMA),
        tuple.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("baseUrl", baseUrl).withLabel("Base URL"))
        .add(DisplayData.item("apiName", apiName).withLabel("API"))
        .add(DisplayData.item("apiKey", key.describe()).withLabel("API key (masked)"))
        .add(DisplayData.item("timeout", timeout.toString()).withLabel("Timeout per attempt"))
        .add(DisplayData.item("connectTimeout", connectTimeout.toString()).withLabel("Connect timeout"))
        .add(DisplayData.item("rateLimit", ratePerSecond).withLabel("Requests/s per worker (0: none)"))
        .add(DisplayData.item("maxAttempts", maxAttempts).withLabel("Max attempts"))
        .add(DisplayData.item("maxBodyBytes", maxBodyBytes).withLabel("Max body bytes"))
        .add(DisplayData.item("backoff", backoff.initialMillis() + " ms doubling to " + backoff.maxMillis() + " ms")
            .withLabel("Back-off"))
        .add(DisplayData.item("apiErrorCheck", errorCheck.toString()).withLabel("API error check"));
  }

  @Override
  public String toString() {
    return "CallJsonApi{" + apiName + " at " + baseUrl + ", " + key.describe() + "}";
  }
}
