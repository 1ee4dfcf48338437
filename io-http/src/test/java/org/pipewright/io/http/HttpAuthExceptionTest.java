package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.junit.Test;

public class HttpAuthExceptionTest {
  private static final HttpAuthException REFUSED =
      new HttpAuthException("products", 401, null, "https://host/v1/trends?apiKey=***");

  @Test
  public void saysWhichApiRefusedWhichRequest() {
    assertEquals("products API refused the key (HTTP 401) for GET https://host/v1/trends?apiKey=***",
        REFUSED.getMessage());
    assertEquals("fx API refused the key (api_error 101: invalid key) for GET https://h/api/live?access_key=***",
        new HttpAuthException("fx", 200, "api_error 101: invalid key", "https://h/api/live?access_key=***")
            .getMessage());
  }

  @Test
  public void isFoundInsideTheRunnersWrappers() {
    assertEquals(REFUSED.getMessage(),
        HttpAuthException.find(new PipelineExecutionException(new RuntimeException("bundle failed", REFUSED))));
    // Spark and Flink may keep only the text of a worker's exception
    RuntimeException asText = new RuntimeException("Job aborted due to stage failure: Task 0 failed: "
        + REFUSED + "\n\tat org.pipewright.io.http.Caller.call(Caller.java:1)");
    assertEquals(REFUSED.getMessage(), HttpAuthException.find(new IllegalStateException("run failed", asText)));
    assertNull(HttpAuthException.find(new RuntimeException("something else", new IllegalStateException())));
    assertNull(HttpAuthException.find(null));
  }
}
