package org.pipewright.io.http;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;
import org.junit.Test;

public class UrlMaskTest {
  @Test
  public void masksTheNamedParameterWhereverItIs() {
    assertEquals("https://h/api/live?access_key=***",
        UrlMask.mask("https://h/api/live?access_key=abc123", List.of("access_key"), null));
    assertEquals("https://h/api/historical?date=2017-03-02&access_key=***&currencies=EUR",
        UrlMask.mask("https://h/api/historical?date=2017-03-02&access_key=abc123&currencies=EUR",
            List.of("access_key"), null));
    assertEquals("https://h/v1/trends?apiKey=***#top",
        UrlMask.mask("https://h/v1/trends?apiKey=abc#top", List.of("apiKey"), null));
    // Every occurrence, an empty value too; names are matched exactly, not as suffixes
    assertEquals("https://h/x?apiKey=***&apiKey=***&myapiKey=v",
        UrlMask.mask("https://h/x?apiKey=a&apiKey=&myapiKey=v", List.of("apiKey"), null));
  }

  @Test
  public void scrubsTheSecretItselfRawAndUrlEncoded() {
    String secret = "k3y/with+odd=chars";
    assertEquals("https://h/***/x?apiKey=***&echo=***",
        UrlMask.mask("https://h/" + secret + "/x?apiKey=k3y%2Fwith%2Bodd%3Dchars&echo=k3y%2Fwith%2Bodd%3Dchars",
            List.of("apiKey"), secret));
    assertEquals("{\"error\": \"key *** is not valid\"}", UrlMask.scrub("{\"error\": \"key " + secret + " is not valid\"}", secret));
    assertEquals("nothing to do", UrlMask.scrub("nothing to do", null));
    assertEquals("nothing to do", UrlMask.scrub("nothing to do", ""));
    assertNull(UrlMask.scrub(null, secret));
  }

  @Test
  public void leavesUrlsWithoutTheParameterAlone() {
    assertEquals("https://h/v1/vod?date=2017-03-02", UrlMask.mask("https://h/v1/vod?date=2017-03-02",
        List.of("apiKey"), "abc"));
  }
}
