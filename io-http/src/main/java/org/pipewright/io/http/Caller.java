package org.pipewright.io.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.pipewright.transforms.core.DeadLetter;

/** Makes one request with retries; what {@link CallJsonApi}'s step runs per element. */
final class Caller {
  /** What a worker needs of {@link CallJsonApi}: serializable, and without the key itself for env and file keys. */
  static final class Config implements Serializable {
    private static final long serialVersionUID = 1L;
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

    Config(CallJsonApi t) {
      this.baseUrl = t.baseUrl;
      this.apiName = t.apiName;
      this.key = t.key;
      this.timeout = t.timeout;
      this.connectTimeout = t.connectTimeout;
      this.ratePerSecond = t.ratePerSecond;
      this.maxAttempts = t.maxAttempts;
      this.backoff = t.backoff;
      this.errorCheck = t.errorCheck;
      this.kind = t.kind;
      this.stepName = t.stepName;
      this.maxBodyBytes = t.maxBodyBytes;
    }
  }

  /** The end of one request: a response or a dead letter, and how many retries it took. */
  static final class Result {
    final Row row;
    final boolean deadLetter;
    final int retries;

    Result(Row row, boolean deadLetter, int retries) {
      this.row = row;
      this.deadLetter = deadLetter;
      this.retries = retries;
    }
  }

  /** Waits between attempts; tests of the loop could count instead of sleeping. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  // One client per connect timeout per JVM: HttpClient is thread-safe and owns a thread pool and
  // a connection pool, which every thread calling the same API should share.
  private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Config config;
  private final HttpClient client;
  private final @Nullable String secret;
  private final List<String> maskedParameters;
  private final @Nullable Throttle throttle;
  private final Sleeper sleeper;

  Caller(Config config, Map<String, String> env, Sleeper sleeper) {
    this.config = config;
    this.secret = config.key.resolve(env);
    this.maskedParameters = config.key.isNone() || config.key.inHeader() ? List.of() : List.of(config.key.name());
    this.throttle = config.ratePerSecond > 0 ? Throttle.shared(config.apiName + " " + config.baseUrl, config.ratePerSecond) : null;
    this.sleeper = sleeper;
    this.client = CLIENTS.computeIfAbsent(config.connectTimeout, timeout -> HttpClient.newBuilder()
        .connectTimeout(timeout)
        // A redirect could carry a header key to another host: a 3xx is a dead letter instead
        .followRedirects(HttpClient.Redirect.NEVER)
        // HTTP/1.1: on http:// the default would try an h2c upgrade, which some servers mishandle
        .version(HttpClient.Version.HTTP_1_1)
        .build());
  }

  /** The URL with the key in it, as sent. */
  String url(String path) {
    String url = config.baseUrl + path;
    if (secret == null || config.key.inHeader()) {
      return url;
    }
    return url + (path.indexOf('?') < 0 ? '?' : '&') + config.key.name() + '='
        + URLEncoder.encode(secret, StandardCharsets.UTF_8);
  }

  /** {@code text} safe to print or store: no key in it. */
  String mask(String text) {
    return UrlMask.mask(text, maskedParameters, secret);
  }

  Result call(Row request) throws InterruptedException {
    String name = ApiRequest.name(request);
    String path = ApiRequest.path(request);
    if (path == null || !path.startsWith("/")) {
      return dead("bad_request: path must start with /", path == null ? null : mask(path), null, 0);
    }
    String url = url(path);
    String masked = mask(url);
    HttpRequest httpRequest;
    try {
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
          .timeout(config.timeout)
          .header("Accept", "application/json")
          .GET();
      if (secret != null && config.key.inHeader()) {
        builder.header(config.key.name(), secret);
      }
      httpRequest = builder.build();
    } catch (IllegalArgumentException e) {
      // URI's message quotes the URL, with the key in it
      return dead("bad_request: not a valid URL", masked, null, 0);
    }

    for (int attempt = 1; ; attempt++) {
      if (throttle != null) {
        throttle.acquire();
      }
      String failure;
      Long retryAfter = null;
      String body = null;
      // The request's own timeout ends at the headers: the deadline covers the body too, so a server
      // that stalls mid-answer costs one attempt, not the worker.
      CompletableFuture<HttpResponse<byte[]>> sent =
          client.sendAsync(httpRequest, info -> new LimitedBody(config.maxBodyBytes));
      try {
        HttpResponse<byte[]> response;
        try {
          response = sent.get(config.timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          sent.cancel(true);
          throw new HttpTimeoutException("no complete answer within " + config.timeout);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof IOException ? (IOException) e.getCause() : new IOException(e.getCause());
        }
        int status = response.statusCode();
        byte[] bytes = response.body();
        Charset charset = charset(response);
        RetryPolicy policy = RetryPolicy.ofStatus(status);
        if (bytes.length > config.maxBodyBytes) {
          body = new String(bytes, 0, (int) Math.min(bytes.length, 4L * CallJsonApi.EXCERPT_CHARS), charset);
          // Only an answer that would be read is too large; a refused key or a 5xx goes its own way.
          if (policy == RetryPolicy.SUCCESS || policy == RetryPolicy.FAIL) {
            return dead("body_too_large (HTTP " + status + "): over " + config.maxBodyBytes + " bytes", masked, body,
                attempt - 1);
          }
        } else {
          try {
            body = decode(bytes, charset);
          } catch (CharacterCodingException e) {
            body = new String(bytes, charset);
            // Replacing the bad bytes would store altered text as a good answer.
            if (policy == RetryPolicy.SUCCESS) {
              return dead("bad_encoding (HTTP " + status + "): the body is not valid " + charset.name(), masked, body,
                  attempt - 1);
            }
          }
        }
        switch (policy) {
          case SUCCESS:
            return answer(name, path, masked, status, body, attempt - 1);
          case AUTH:
            throw new HttpAuthException(config.apiName, status, null, masked);
          case FAIL:
            return dead("http_status " + status, masked, body, attempt - 1);
          default:
            failure = "http_status " + status;
            retryAfter = Backoff.retryAfterMillis(response.headers().firstValue("Retry-After").orElse(null));
        }
      } catch (IOException e) {
        if (RetryPolicy.ofException(e) != RetryPolicy.RETRY) {
          return dead(RetryPolicy.describe(e), masked, null, attempt - 1);
        }
        failure = RetryPolicy.describe(e);
      }
      if (attempt >= config.maxAttempts) {
        return dead(failure + " after " + attempt + (attempt == 1 ? " attempt" : " attempts"), masked, body,
            attempt - 1);
      }
      sleeper.sleep(config.backoff.delayMillis(attempt, ThreadLocalRandom.current().nextDouble(), retryAfter));
    }
  }

  /** {@code bytes} as text, refusing bytes that are not {@code charset}; without a leading byte order mark. */
  static String decode(byte[] bytes, Charset charset) throws CharacterCodingException {
    String text = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /**
   * A body of at most {@code limit + 1} bytes: the first byte over the limit is enough to call an
   * answer too large, and the rest is not read. Grows as it reads, so a short answer does not cost
   * the limit's worth of memory.
   */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(long limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int take = (int) Math.min(buffer.remaining(), limit + 1 - bytes.size());
        byte[] chunk = new byte[take];
        buffer.get(chunk);
        bytes.write(chunk, 0, take);
      }
      if (bytes.size() > limit) {
        subscription.cancel();
        result.complete(bytes.toByteArray());
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  /** The charset of the answer's {@code Content-Type}, else UTF-8 (what {@code BodyHandlers.ofString} does). */
  private static Charset charset(HttpResponse<?> response) {
    String type = response.headers().firstValue("Content-Type").orElse("");
    for (String parameter : type.split(";")) {
      String[] nameValue = parameter.trim().split("=", 2);
      if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("charset")) {
        try {
          return Charset.forName(nameValue[1].trim().replace("\"", ""));
        } catch (IllegalArgumentException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  private Result answer(@Nullable String name, String path, String masked, int status, String body, int retries) {
    JsonNode json;
    try {
      json = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      // The original message only: the full one quotes the body around the error
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      return dead("malformed_json (HTTP " + status + "): " + e.getOriginalMessage() + where, masked, body, retries);
    }
    if (json == null || json.isMissingNode()) {
      return dead("malformed_json (HTTP " + status + "): empty body", masked, body, retries);
    }
    ApiError error = config.errorCheck.check(json);
    if (error != null && error.isAuth()) {
      throw new HttpAuthException(config.apiName, status, mask(error.reason()), masked);
    }
    if (error != null) {
      return dead(error.reason() + " (HTTP " + status + ")", masked, body, retries);
    }
    return new Result(ApiResponse.of(name, path, masked, status, body, Instant.now()), false, retries);
  }

  private Result dead(String reason, @Nullable String source, @Nullable String body, int retries) {
    return new Result(DeadLetter.of(config.kind, config.stepName, mask(reason), source, excerpt(body)), true, retries);
  }

  /** The start of a body for a dead letter, the key masked. */
  @Nullable String excerpt(@Nullable String body) {
    // Masked before it is cut: a cut through the key would leave its first part unmasked.
    String masked = body == null ? null : mask(body);
    return masked == null || masked.length() <= CallJsonApi.EXCERPT_CHARS
        ? masked : masked.substring(0, CallJsonApi.EXCERPT_CHARS);
  }
}
