package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.Test;

public class RetryPolicyTest {
  @Test
  public void retriesOnlyWhatCanPassByItself() {
    assertEquals(RetryPolicy.SUCCESS, RetryPolicy.ofStatus(200));
    assertEquals(RetryPolicy.SUCCESS, RetryPolicy.ofStatus(204));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofStatus(429));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofStatus(500));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofStatus(502));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofStatus(503));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofStatus(504));
    assertEquals(RetryPolicy.AUTH, RetryPolicy.ofStatus(401));
    assertEquals(RetryPolicy.AUTH, RetryPolicy.ofStatus(403));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofStatus(400));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofStatus(404));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofStatus(408));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofStatus(302));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofStatus(100));
  }

  @Test
  public void retriesTimeoutsAndConnectionErrors() {
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofException(new HttpTimeoutException("request timed out")));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofException(new HttpConnectTimeoutException("connect timed out")));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofException(new ConnectException()));
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofException(new EOFException("EOF reached while reading")));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofException(new IllegalArgumentException("bad URI")));
    // A handshake cut off is retried; a certificate the client does not trust is final.
    assertEquals(RetryPolicy.RETRY, RetryPolicy.ofException(new javax.net.ssl.SSLHandshakeException("closed")));
    javax.net.ssl.SSLHandshakeException untrusted = new javax.net.ssl.SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new java.security.cert.CertificateException("unable to find valid certification path"));
    assertEquals(RetryPolicy.FAIL, RetryPolicy.ofException(untrusted));
    assertEquals("untrusted_certificate", RetryPolicy.describe(untrusted));

    assertEquals("timeout", RetryPolicy.describe(new HttpTimeoutException("x")));
    assertEquals("connect_timeout", RetryPolicy.describe(new HttpConnectTimeoutException("x")));
    assertEquals("connection_refused", RetryPolicy.describe(new ConnectException("x")));
    assertEquals("connection_error", RetryPolicy.describe(new IOException("x")));
  }
}
