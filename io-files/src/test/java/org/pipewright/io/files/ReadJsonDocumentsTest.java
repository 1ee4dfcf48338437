package org.pipewright.io.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.core.RawRecord;

/** One record per file, whole, with its path; every file that cannot be delivered is a refused record. */
public class ReadJsonDocumentsTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final String PRETTY = "{\n  \"time\": 1704067200000,\n  \"items\": [\n    {\"itemId\": 1, "
      + "\"name\": \"Zoë ✨\"}\n  ]\n}\n";

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  public void eachFileIsOneRecordWithItsPathOrARefusalSayingWhy() throws Exception {
    Path day1 = Files.createDirectories(tmp.getRoot().toPath().resolve("trends/dt=2024-01-01"));
    Path day2 = Files.createDirectories(tmp.getRoot().toPath().resolve("trends/dt=2024-01-02"));
    String big = "{\"pad\":\"" + "x".repeat(300) + "\"}";
    Path pretty = Files.write(day1.resolve("0600.json"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(PRETTY)));
    Path gz = Files.write(day1.resolve("0700.json.gz"), gzip(utf8("{\"time\":2,\"items\":[]}")));
    Path empty = Files.write(day2.resolve("empty.json"), new byte[0]);
    Path blank = Files.write(day2.resolve("blank.json"), utf8(" \r\n\t"));
    Path tooBig = Files.write(day2.resolve("big.json"), utf8(big));
    Path tooBigGz = Files.write(day2.resolve("big.json.gz"), gzip(utf8(big)));
    Path notUtf8 = Files.write(day2.resolve("latin1.json"), new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'});

    PCollection<Row> records = p.apply(ReadJsonDocuments.from(tmp.getRoot() + "/trends/dt=*/*").withMaxDocumentBytes(200));
    PAssert.that(records).containsInAnyOrder(
        RawRecord.of(pretty.toString(), PRETTY),
        RawRecord.of(gz.toString(), "{\"time\":2,\"items\":[]}"),
        RawRecord.refused(empty.toString(), "", "empty file: no document"),
        RawRecord.refused(blank.toString(), " \r\n\t", "blank file: no document"),
        RawRecord.refused(tooBig.toString(), big.substring(0, 200),
            "document too large: 310 bytes (limit 200); payload is the first 200 bytes"),
        RawRecord.refused(tooBigGz.toString(), big.substring(0, 200),
            "document too large: more than 200 bytes after decompression (limit 200); payload is the first 200 bytes"),
        RawRecord.refused(notUtf8.toString(), "{\"a\":\"\uFFFD(\"}",
            "invalid UTF-8 at byte 7 of the file; payload shows U+FFFD for the bad bytes"));
    p.run().waitUntilFinish();
    assertEquals("2024-01-01", Partitions.value(pretty.toString(), "dt"));
  }

  @Test
  public void aCutOffGzipIsOneRefusedRecordWithWhatCameBefore() throws Exception {
    StringBuilder doc = new StringBuilder("[");
    for (int i = 0; i < 20_000; i++) {
      doc.append(i).append(',');
    }
    byte[] whole = gzip(utf8(doc.append("0]").toString()));
    Path cut = Files.write(tmp.newFolder("vod").toPath().resolve("cut.json.gz"), Arrays.copyOf(whole, whole.length / 2));
    String full = doc.toString();
    String name = cut.toString(); // the check is serialized: it may hold strings, not a Path

    PCollection<Row> records = p.apply(ReadJsonDocuments.from(cut.toString()));
    PAssert.that(records).satisfies(all -> {
      Row record = all.iterator().next();
      assertEquals(name, RawRecord.source(record));
      assertThat(RawRecord.error(record), containsString("truncated gzip stream after "));
      assertThat(RawRecord.error(record), containsString("java.io.EOFException"));
      assertEquals(ReadJsonDocuments.EXCERPT_BYTES, RawRecord.payload(record).length());
      assertTrue(full.startsWith(RawRecord.payload(record)));
      return null;
    });
    PAssert.thatSingleton(records.apply(Count.globally())).isEqualTo(1L);
    p.run().waitUntilFinish();
  }

  @Test
  public void aGzipNameOnPlainBytesIsOneRefusedRecord() throws Exception {
    Path notGzip = Files.write(tmp.newFolder("plain").toPath().resolve("a.json.gz"), utf8("{\"time\":1}"));
    String name = notGzip.toString();
    PCollection<Row> records = p.apply(ReadJsonDocuments.from(name));
    PAssert.that(records).satisfies(all -> {
      Row record = all.iterator().next();
      assertEquals(name, RawRecord.source(record));
      assertThat(RawRecord.error(record), containsString("Not in GZIP format"));
      return null;
    });
    PAssert.thatSingleton(records.apply(Count.globally())).isEqualTo(1L);
    p.run().waitUntilFinish();
  }

  @Test
  public void aZipOfTwoFilesIsOneRefusedRecordAndAZipOfOneIsRead() throws Exception {
    Path dir = tmp.newFolder("zips").toPath();
    Path two = Files.write(dir.resolve("two.json.zip"), ZipsTest.zip("a.json", "{\"a\":1}", "b.json", "{\"b\":2}"));
    Path one = Files.write(dir.resolve("one.json.zip"), ZipsTest.zip("c.json", PRETTY));
    PCollection<Row> records = p.apply(ReadJsonDocuments.from(dir + "/*"));
    PAssert.that(records).containsInAnyOrder(
        RawRecord.refused(two.toString(), "", "zip with 2 entries: one file per zip expected"),
        RawRecord.of(one.toString(), PRETTY));
    p.run().waitUntilFinish();
  }

  @Test
  public void aPatternThatMatchesNothingFailsTheRun() {
    p.apply(ReadJsonDocuments.from(tmp.getRoot() + "/nothing/dt=*/*.json"));
    Pipeline.PipelineExecutionException e = assertThrows(Pipeline.PipelineExecutionException.class,
        () -> p.run().waitUntilFinish());
    assertThat(e.getMessage(), containsString("No files matched spec: " + tmp.getRoot() + "/nothing/dt=*/*.json"));
  }

  @Test
  public void limitsAreChecked() {
    assertEquals("maxDocumentBytes must be in [1, 2147483639), got 0", assertThrows(IllegalArgumentException.class,
        () -> ReadJsonDocuments.from("x").withMaxDocumentBytes(0)).getMessage());
    assertEquals(16L << 20, ReadJsonDocuments.DEFAULT_MAX_DOCUMENT_BYTES);
  }
}
