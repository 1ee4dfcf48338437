package org.pipewright.io.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.Set;
import java.util.TreeSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Looks at a parsed 2xx answer for an error the API reports in the body. Returns null for a good
 * answer. Runs once per answer on the worker, so it must be cheap and serializable.
 *
 * <pre>{@code
 * CallJsonApi.at(fxUrl).withApiErrorCheck(ApiErrorCheck.currencylayer());
 * CallJsonApi.at(url).withApiErrorCheck(body -> body.has("errors") ? ApiError.of("errors: " + body.get("errors")) : null);
 * }</pre>
 */
@FunctionalInterface
public interface ApiErrorCheck extends Serializable {
  @Nullable ApiError check(JsonNode body);

  /** Every JSON answer is good. */
  static ApiErrorCheck none() {
    return new SuccessFlag(null);
  }

  /**
   * currencylayer's convention: {@code {"success": false, "error": {"code": 105, "info": "..."}}}
   * is an error; codes 101 (missing or invalid access key) and 102 (inactive account) are about the
   * key.
   */
  static ApiErrorCheck currencylayer() {
    return successFlag(Set.of(101, 102));
  }

  /**
   * {@code "success": false} is an error, reported as {@code api_error <code>: <info>}; the error
   * codes in {@code authCodes} stop the job as a refused key.
   */
  static ApiErrorCheck successFlag(Set<Integer> authCodes) {
    return new SuccessFlag(new TreeSet<>(authCodes));
  }

  /** The check behind {@link #successFlag}; a class rather than a lambda so that it prints well. */
  final class SuccessFlag implements ApiErrorCheck {
    private static final long serialVersionUID = 1L;
    private final @Nullable TreeSet<Integer> authCodes;

    private SuccessFlag(@Nullable TreeSet<Integer> authCodes) {
      this.authCodes = authCodes;
    }

    @Override
    public @Nullable ApiError check(JsonNode body) {
      if (authCodes == null || !body.path("success").isBoolean() || body.path("success").booleanValue()) {
        return null;
      }
      JsonNode error = body.path("error");
      JsonNode code = error.path("code");
      String info = error.path("info").asText(error.path("type").asText(""));
      String reason = "api_error " + (code.isMissingNode() ? "?" : code.asText()) + (info.isEmpty() ? "" : ": " + info);
      return code.canConvertToInt() && authCodes.contains(code.intValue()) ? ApiError.auth(reason) : ApiError.of(reason);
    }

    @Override
    public String toString() {
      return authCodes == null ? "none" : "\"success\": false (key errors " + authCodes + ")";
    }
  }
}
