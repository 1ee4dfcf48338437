package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.joda.time.Instant;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.enrich.RateTable;

/** RetailStreaming's naming of landed answers, its API options and their listing. */
public class RetailStreamingTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @Test
  public void answersAreNamedByThePollsDayAndTimeSoADaysFilesSortByTime() {
    assertEquals("vod/dt=2026-12-05/090807006.json", RetailStreaming.file("vod", Instant.parse("2026-12-05T09:08:07.006Z")));
    assertEquals("rates/dt=2026-12-06/000000000.json", RetailStreaming.file("rates", Instant.parse("2026-12-06T00:00:00Z")));
    String earlier = RetailStreaming.file("trends", Instant.parse("2026-12-05T09:59:59.999Z"));
    String later = RetailStreaming.file("trends", Instant.parse("2026-12-05T10:00:00.000Z"));
    assertTrue(earlier.compareTo(later) < 0);
  }

  @Test
  public void landedRatesAreReadAsTheWatchParsesThem() throws Exception {
    Path root = TMP.getRoot().toPath();
    land(root, "rates/dt=2026-12-05/000000000.json",
        "\uFEFF{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.123456789012345678901}}");
    // Answers the watch refuses (and dead-letters) value nothing here either.
    land(root, "rates/dt=2026-12-04/000000000.json",
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.5, \"USDEUR\": 0.95}}");
    land(root, "rates/dt=2026-12-03/000000000.json",
        "{\"success\": true, \"source\": \"USD\", \"quotes\": {\"USDEUR\": 0.5}} and more");
    RateTable table = new RetailStreaming.LandedRates(root.toString(), 3).apply(Instant.parse("2026-12-05T12:00:00Z"));
    assertEquals(new BigDecimal("0.123456789012345678901"), table.find("USD", "2026-12-05", 0).rate("EUR"));
    assertEquals(List.of("2026-12-05"), table.dates("USD"));
  }

  private static void land(Path root, String file, String body) throws Exception {
    Path path = root.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, body);
  }

  @Test
  public void theApiPathsAskForTheItemsOfThePollsDayAndTheLiveRates() {
    Instant lastMillisecond = Instant.parse("2026-12-05T23:59:59.999Z");
    assertEquals("/v1/trends?date=2026-12-05", RetailStreaming.path("trends", lastMillisecond));
    assertEquals("/v1/vod?date=2026-12-05", RetailStreaming.path("vod", lastMillisecond));
    assertEquals("/api/live", RetailStreaming.path("rates", lastMillisecond));
  }

  @Test
  public void aFetchedAnswerSortsBeforeEveryPollOfItsDay() {
    String fetched = RetailLanding.file("trends", "2026-12-05");
    assertEquals("trends/dt=2026-12-05/000000000-fetched.json", fetched);
    assertTrue(fetched.compareTo(RetailStreaming.file("trends", Instant.parse("2026-12-05T00:00:00.000Z"))) < 0);
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
