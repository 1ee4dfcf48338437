package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.joda.time.Instant;
import org.junit.Test;

/** RetailStreaming's naming of landed answers and its option listing. */
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
  public void helpListsTheStreamingOptions() {
    String help = Help.of(RetailStreamingOptions.class);
    for (String option : new String[] {"--pollSeconds", "--sinceDays", "--watchOnly", "--input", "--jdbcUrl",
        "--productsUrl", "--fxUrl", "--currencies", "--maxRateAgeDays", "--progressSeconds", "--rateRefreshSeconds",
        "--mongoUri"}) {
      assertThat(help, containsString(option));
    }
  }
}
