package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.pipewright.testing.LocalS3;
import org.pipewright.testing.ServiceRule;
import org.pipewright.transforms.core.RawRecord;

/** ReadJsonDocuments over s3:// against a real S3-compatible server (S3Mock, its own process). */
public class ReadJsonDocumentsS3IT {
  @ClassRule public static final ServiceRule<LocalS3> S3 =
      ServiceRule.of("s3", dir -> LocalS3.start(dir, LocalS3.jarFromSystemProperty(), "landing"));

  private static S3AccessOptions options;

  @BeforeClass
  public static void pointBeamAtTheServer() {
    // Beam's S3 file system takes credentials from the AWS default chain; S3Mock accepts any.
    System.setProperty("aws.accessKeyId", "pipewright-it");
    System.setProperty("aws.secretAccessKey", "pipewright-it");
    List<String> args = new ArrayList<>(S3.get().options());
    options = PipelineOptionsFactory.fromArgs(args.toArray(new String[0])).as(S3AccessOptions.class);
    S3AccessOptions.apply(options);
    FileSystems.setDefaultPipelineOptions(options);
  }

  @AfterClass
  public static void forgetCredentials() {
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  /**
   * Puts an object with a plain HTTP PUT (S3Mock takes unsigned requests): Beam's S3 channel always
   * makes a multipart upload, which S3Mock refuses for an empty object.
   */
  private static void put(String key, byte[] content, boolean gzip) throws Exception {
    byte[] body = content;
    if (gzip) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out = new GZIPOutputStream(bytes)) {
        out.write(content);
      }
      body = bytes.toByteArray();
    }
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(S3.get().endpoint() + "/" + S3.get().bucket() + "/" + key))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(response.body(), 200, response.statusCode());
  }

  @Test
  public void readsEachObjectWholeWithItsS3Path() throws Exception {
    String root = "s3://" + S3.get().bucket() + "/retail";
    String pretty = "{\n  \"success\": true,\n  \"source\": \"USD\",\n  \"quotes\": {\"USDEUR\": 0.91}\n}\n";
    put("retail/rates/dt=2024-01-01/live.json", pretty.getBytes(StandardCharsets.UTF_8), false);
    put("retail/rates/dt=2024-01-02/live.json.gz", "{\"success\":false}".getBytes(StandardCharsets.UTF_8), true);
    put("retail/rates/dt=2024-01-02/empty.json", new byte[0], false);

    Pipeline p = Pipeline.create(options);
    PCollection<Row> records = p.apply(ReadJsonDocuments.from(root + "/rates/dt=*/*"));
    PAssert.that(records).containsInAnyOrder(
        RawRecord.of(root + "/rates/dt=2024-01-01/live.json", pretty),
        RawRecord.of(root + "/rates/dt=2024-01-02/live.json.gz", "{\"success\":false}"),
        RawRecord.refused(root + "/rates/dt=2024-01-02/empty.json", "", "empty file: no document"));
    p.run().waitUntilFinish();
    assertEquals("2024-01-02", Partitions.value(root + "/rates/dt=2024-01-02/live.json.gz", "dt"));
  }
}
