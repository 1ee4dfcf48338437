package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class WriteDocumentsTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline first = TestPipeline.create();
  @Rule public final transient TestPipeline second = TestPipeline.create();

  @Test
  public void eachDocumentIsOneFileAndARerunReplacesIt() throws IOException {
    String root = tmp.getRoot().getPath();
    PCollection<String> written = first
        .apply(Create.of(KV.of("rates/dt=2017-03-03/live.json", "{\"a\": \"é\"}"),
            KV.of("trends/dt=2017-03-03/trends.json", "{\"items\": []}")))
        .apply(WriteDocuments.to(root));
    PAssert.that(written).containsInAnyOrder(root + "/rates/dt=2017-03-03/live.json",
        root + "/trends/dt=2017-03-03/trends.json");
    first.run().waitUntilFinish();
    assertEquals("{\"a\": \"é\"}", read(root, "rates/dt=2017-03-03/live.json"));

    second.apply(Create.of(KV.of("rates/dt=2017-03-03/live.json", "{\"b\": 2}"))).apply(WriteDocuments.to(root));
    second.run().waitUntilFinish();
    assertEquals("{\"b\": 2}", read(root, "rates/dt=2017-03-03/live.json"));
    assertEquals("{\"items\": []}", read(root, "trends/dt=2017-03-03/trends.json"));
    try (Stream<Path> files = Files.walk(tmp.getRoot().toPath())) {
      assertEquals("no temporary file is left", 2, files.filter(Files::isRegularFile).count());
    }
  }

  @Test
  public void namesMustStayBelowTheRoot() {
    for (String name : List.of("/etc/passwd", "../x.json", "a/../../x.json", "a//b.json", "s3://b/x", " ")) {
      assertThrows(name, IllegalArgumentException.class, () -> WriteDocuments.path("/tmp/root", name));
    }
    assertEquals("/tmp/root/a/dt=1/b.json", WriteDocuments.path("/tmp/root/", "a/dt=1/b.json"));
  }

  private static String read(String root, String name) throws IOException {
    return Files.readString(Path.of(root, name), StandardCharsets.UTF_8);
  }
}
