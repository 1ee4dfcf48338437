package org.pipewright.io.http;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An API refused the key (HTTP 401 or 403, or an API error about the key): retrying or moving on
 * to the next request cannot help, so the calling step stops the job with this exception. The
 * message names the API, the status and the request with the key masked, e.g. {@code products API
 * refused the key (HTTP 401) for GET https://host/v1/trends?apiKey=***}.
 *
 * <p>Runners wrap exceptions thrown in a step (often more than once, and Spark and Flink may only
 * keep the original as text); {@link #find} digs it out for a main's one-line {@code error:}.
 */
public final class HttpAuthException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final String PREFIX = HttpAuthException.class.getName() + ": ";

  private final String api;
  private final int status;
  private final String maskedUrl;

  /**
   * {@code api} refused the key with HTTP {@code status}, or with {@code apiError} (an error the API
   * reported in its body) when that is not null; {@code maskedUrl} must already have the key masked.
   */
  public HttpAuthException(String api, int status, @Nullable String apiError, String maskedUrl) {
    super(api + " API refused the key (" + (apiError == null ? "HTTP " + status : apiError)
        + ") for GET " + maskedUrl);
    this.api = api;
    this.status = status;
    this.maskedUrl = maskedUrl;
  }

  /** The API's name as configured ({@link CallJsonApi#withApiName}). */
  public String api() {
    return api;
  }

  /** The HTTP status of the refusing answer (200 when the API reported it in the body). */
  public int status() {
    return status;
  }

  /** The request's URL with the key masked. */
  public String maskedUrl() {
    return maskedUrl;
  }

  /**
   * The message of an {@code HttpAuthException} in {@code failure}'s cause chain, or null: found as
   * an instance, or as the text a runner left of it when it only kept the exception's string form.
   */
  public static @Nullable String find(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpAuthException) {
        return t.getMessage();
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = t.getMessage();
      int at = text == null ? -1 : text.indexOf(PREFIX);
      if (at >= 0) {
        int end = text.indexOf('\n', at);
        return text.substring(at + PREFIX.length(), end < 0 ? text.length() : end).strip();
      }
    }
    return null;
  }
}
