package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.junit.Test;
import org.pipewright.io.http.HttpAuthException;

/** Which failures a main reports as one {@code error:} line without a stack trace. */
public class CliErrorsTest {
  @Test
  public void aRefusedKeyIsOneLineEvenWhenTheRunnerWrappedIt() {
    HttpAuthException refused = new HttpAuthException("products", 401, null,
        "https://host/v1/trends?apiKey=***");
    String line = "products API refused the key (HTTP 401) for GET https://host/v1/trends?apiKey=***";
    assertEquals(line, Cli.userError(refused));
    assertEquals(line, Cli.userError(new PipelineExecutionException(new RuntimeException("bundle", refused))));
  }

  @Test
  public void usageErrorsAreOneLineAndOtherFailuresAreNot() {
    assertEquals("--date must be YYYY-MM-DD", Cli.userError(new UsageException("--date must be YYYY-MM-DD")));
    assertNull(Cli.userError(new PipelineExecutionException(new IllegalStateException("a bug"))));
  }

  @Test
  public void aValueOfTheWrongTypeNamesItsOption() {
    UsageException e = assertThrows(UsageException.class,
        () -> Cli.parse(new String[] {"--input=in", "--output=out", "--topN=many"}, MoviesWarehouseOptions.class));
    assertThat(e.getMessage(), startsWith("--topN: "));
    assertThat(e.getMessage(), containsString("\"many\""));
    assertEquals("", Cli.culprit(new String[] {"--input=in", "--topN=7"}, MoviesWarehouseOptions.class));
  }
}
