package org.pipewright.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

public class LocalS3Test {
  @Test
  public void putsAndListsAnObject() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "s3-test");
    try (LocalS3 s3 = LocalS3.start(dir, LocalS3.jarFromSystemProperty(), "pipewright")) {
      HttpClient http = HttpClient.newHttpClient();
      // Path-style URLs: S3Mock accepts unsigned requests, so plain HTTP is a real round trip
      String object = s3.endpoint() + "/" + s3.bucket() + "/raw/pin/part-0.json";
      HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(object))
          .PUT(HttpRequest.BodyPublishers.ofString("{\"id\":1}")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(put.body(), 200, put.statusCode());

      HttpResponse<String> list = http.send(HttpRequest.newBuilder(
          URI.create(s3.endpoint() + "/" + s3.bucket() + "?list-type=2&prefix=raw/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, list.statusCode());
      assertThat(list.body(), containsString("<Key>raw/pin/part-0.json</Key>"));

      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(object)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("{\"id\":1}", get.body());
    }
  }
}
