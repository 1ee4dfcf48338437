package org.pipewright.io.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

/**
 * What to do with one answer or one failed attempt. Only what can pass by itself is retried: 429,
 * 5xx, timeouts and connection errors. 401 and 403 mean the key is wrong, which no retry fixes and
 * which would fail every other request too, so they stop the job. Any other status is a final
 * answer about this one request.
 */
enum RetryPolicy {
  /** A 2xx answer: parse it. */
  SUCCESS,
  /** Worth another attempt if any are left. */
  RETRY,
  /** The key was refused: stop the job. */
  AUTH,
  /** A final failure of this request: a dead letter. */
  FAIL;

  static RetryPolicy ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return SUCCESS;
    }
    if (status == 401 || status == 403) {
      return AUTH;
    }
    if (status == 429 || (status >= 500 && status < 600)) {
      return RETRY;
    }
    return FAIL;
  }

  /**
   * An attempt that got no answer: timeouts and I/O errors (refused, reset, cut off) are retried;
   * a certificate the client does not trust is not, no retry would change it.
   */
  static RetryPolicy ofException(Throwable e) {
    return e instanceof IOException && !isCertificateError(e) ? RETRY : FAIL;
  }

  private static boolean isCertificateError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        return true;
      }
    }
    return false;
  }

  /** A short reason for a failed attempt, without the exception's message (it may name the host). */
  static String describe(Throwable e) {
    if (e instanceof HttpTimeoutException) {
      return e.getClass().getSimpleName().contains("Connect") ? "connect_timeout" : "timeout";
    }
    if (e instanceof ConnectException) {
      return "connection_refused";
    }
    if (isCertificateError(e)) {
      return "untrusted_certificate";
    }
    return e instanceof IOException ? "connection_error" : "error";
  }
}
