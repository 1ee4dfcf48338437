package org.pipewright.io.http;

import java.io.Serializable;
import java.util.Objects;

/**
 * An error an API reported inside a successful HTTP answer (currencylayer answers HTTP 200 with
 * {@code "success": false}): either about the request ({@link #of}: a dead letter) or about the key
 * ({@link #auth}: stops the job like a 401).
 */
public final class ApiError implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String reason;
  private final boolean auth;

  private ApiError(String reason, boolean auth) {
    this.reason = Objects.requireNonNull(reason, "reason");
    this.auth = auth;
  }

  /** The request failed for {@code reason}: a dead letter. */
  public static ApiError of(String reason) {
    return new ApiError(reason, false);
  }

  /** The key was refused for {@code reason}: the job stops with an {@link HttpAuthException}. */
  public static ApiError auth(String reason) {
    return new ApiError(reason, true);
  }

  public String reason() {
    return reason;
  }

  public boolean isAuth() {
    return auth;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiError && ((ApiError) o).reason.equals(reason) && ((ApiError) o).auth == auth;
  }

  @Override
  public int hashCode() {
    return Objects.hash(reason, auth);
  }

  @Override
  public String toString() {
    return (auth ? "auth: " : "") + reason;
  }
}
