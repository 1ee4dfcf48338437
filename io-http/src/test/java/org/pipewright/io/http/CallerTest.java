package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;

import java.util.Map;
import org.junit.Test;

/** How a request's URL is built and printed; no network. */
public class CallerTest {
  private static Caller caller(ApiKey key) {
    return new Caller(new Caller.Config(CallJsonApi.at("https://api.example").withApiKey(key)), Map.of("K", "s3cret/+"),
        millis -> {});
  }

  @Test
  public void aQueryKeyIsAppendedEncodedAndMaskedInPrint() {
    Caller caller = caller(ApiKey.fromEnv("K").inQuery("access_key"));
    String url = caller.url("/api/historical?date=2017-03-02");
    assertEquals("https://api.example/api/historical?date=2017-03-02&access_key=s3cret%2F%2B", url);
    assertEquals("https://api.example/api/historical?date=2017-03-02&access_key=***", caller.mask(url));
    assertEquals("https://api.example/api/live?access_key=s3cret%2F%2B", caller.url("/api/live"));
  }

  @Test
  public void aHeaderKeyLeavesTheUrlAloneButIsStillScrubbedFromText() {
    Caller caller = caller(ApiKey.fromEnv("K").inHeader("X-Api-Key"));
    assertEquals("https://api.example/v1/vod", caller.url("/v1/vod"));
    assertEquals("error for *** (***)", caller.mask("error for s3cret/+ (s3cret%2F%2B)"));
  }

  @Test
  public void aBodyIsMaskedBeforeItIsCutToAnExcerpt() {
    Caller caller = caller(ApiKey.fromEnv("K").inQuery("access_key"));
    // The key straddles the cut: cut first, "s3c" would be left in the dead letter.
    String body = "x".repeat(CallJsonApi.EXCERPT_CHARS - 3) + "s3cret/+ echoed";
    assertEquals("x".repeat(CallJsonApi.EXCERPT_CHARS - 3) + "***", caller.excerpt(body));
    assertEquals("short ***", caller.excerpt("short s3cret/+"));
    assertEquals(null, caller.excerpt(null));
  }

  @Test
  public void withoutAKeyNothingIsAddedOrMasked() {
    Caller caller = caller(ApiKey.none());
    assertEquals("https://api.example/v1/vod?apiKey=given", caller.url("/v1/vod?apiKey=given"));
    assertEquals("https://api.example/v1/vod?apiKey=given", caller.mask(caller.url("/v1/vod?apiKey=given")));
  }
}
