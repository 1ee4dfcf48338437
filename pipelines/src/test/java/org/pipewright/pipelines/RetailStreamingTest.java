package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.joda.time.Instant;
import org.junit.Test;

/** RetailStreaming's naming of landed answers, its API options and their listing. */
public class RetailStreamingTest {
  @Test
  public void answersAreNamedByThePollsDayAndTimeSoADaysFilesSortByTime() {
    assertEquals("vod/dt=2026-12-05/090807006.json", RetailStreaming.file("vod", Instant.parse("2026-12-05T09:08:07.006Z")));
    assertEquals("rates/dt=2026-12-06/000000000.json", RetailStreaming.file("rates", Instant.parse("2026-12-06T00:00:00Z")));
    String earlier = RetailStreaming.file("trends", Instant.parse("2026-12-05T09:59:59.999Z"));
    String later = RetailStreaming.file("trends", Instant.parse("2026-12-05T10:00:00.000Z"));
    assertTrue(earlier.compareTo(later) < 0);
  }

  @Test
  public void theApiPathsAreTheLiveOnes() {
    assertEquals("/v1/trends", RetailStreaming.path("trends"));
    assertEquals("/v1/vod", RetailStreaming.path("vod"));
    assertEquals("/api/live", RetailStreaming.path("rates"));
  }

  @Test
  public void aBadApiUrlIsOneClearMessageThatDoesNotEchoAQuery() {
    UsageException e = org.junit.Assert.assertThrows(UsageException.class, () -> RetailLanding.checkCalls(
        apiOptions("--productsUrl=localhost:8080", "--fxUrl=http://127.0.0.1:8090")));
    assertEquals("--productsUrl: base URL must start with http:// or https://, got 'localhost:8080'", e.getMessage());
    e = org.junit.Assert.assertThrows(UsageException.class, () -> RetailLanding.checkCalls(
        apiOptions("--productsUrl=http://127.0.0.1:8090", "--fxUrl=http://127.0.0.1:8090/?access_key=s3cret")));
    assertThat(e.getMessage(), containsString("--fxUrl: base URL must not have a query or fragment"));
    assertThat(e.getMessage(), org.hamcrest.Matchers.not(containsString("s3cret")));
    RetailLanding.checkCalls(apiOptions("--productsUrl=https://api.example.com/", "--fxUrl=http://127.0.0.1:8090"));
  }

  private static RetailApiOptions apiOptions(String... args) {
    return org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs(args).as(RetailApiOptions.class);
  }

  @Test
  public void helpListsTheStreamingOptions() {
    String help = Help.of(RetailStreamingOptions.class);
    for (String option : new String[] {"--pollSeconds", "--sinceDays", "--watchOnly", "--input", "--jdbcUrl",
        "--productsUrl", "--fxUrl", "--currencies", "--maxRateAgeDays", "--progressSeconds", "--rateRefreshSeconds",
        "--mongoUri"}) {
      assertThat(help, containsString(option));
    }
  }
}
