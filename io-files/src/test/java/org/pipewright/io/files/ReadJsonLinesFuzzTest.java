package org.pipewright.io.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.NastyFiles;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.JsonRowCleaner;

/**
 * The {@link NastyFiles} corpus through {@link ReadJsonLines} and {@link CleanRecords}: every
 * line is a clean row or a dead letter with its file:line, reason and payload, and files that
 * break (a truncated gzip, a directory) keep what came before and become one dead letter each.
 */
public class ReadJsonLinesFuzzTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Schema SCHEMA = Schema.builder().addInt64Field("ind").build();

  private static String describe(Row dead) {
    String source = DeadLetter.source(dead);
    String reason = DeadLetter.reason(dead);
    return source.substring(source.lastIndexOf('/') + 1) + " " + reason.substring(0, Math.min(20, reason.length()));
  }

  private CleanResult readAndClean(String pattern) {
    return p.apply("Read", ReadJsonLines.from(pattern))
        .apply("Clean", CleanRecords.with(JsonRowCleaner.of("rec", SCHEMA)));
  }

  private static PCollection<Long> inds(CleanResult result) {
    return result.output().apply("Ind", MapElements.into(TypeDescriptors.longs()).via((Row r) -> r.getInt64("ind")));
  }

  private static PCollection<String> described(CleanResult result) {
    return result.deadLetters().apply("Describe", MapElements.into(TypeDescriptors.strings())
        .via(ReadJsonLinesFuzzTest::describe));
  }

  @Test
  public void everyLineOfTheCorpusIsCleanOrADeadLetter() throws Exception {
    Path dir = tmp.newFolder("corpus").toPath();
    NastyFiles.writeAll(dir);
    CleanResult result = readAndClean(dir + "/*");

    PAssert.that(inds(result)).containsInAnyOrder(
        1L, 2L, // bom
        1L, 2L, // crlf
        1L, // cr-inside (a bare CR is JSON white space)
        1L, 2L, // no-final-newline
        1L, 3L, // nul-bytes
        1L, 3L, // invalid-utf8
        1L, // truncated-utf8-at-eof
        1L, 2L, // unicode-blank-lines
        3L, // duplicate-keys
        2L, // deep-nesting
        1L, 1L); // big-numbers: lines 2 and 3 only use ind
    PAssert.that(described(result)).containsInAnyOrder(
        "nul-bytes.jsonl:2 unparseable JSON: Il",
        "nul-bytes.jsonl:3 unparseable JSON: Il",
        "invalid-utf8.jsonl:2 invalid UTF-8 at byt",
        "overlong-utf8.jsonl:1 invalid UTF-8 at byt",
        "lone-surrogate-utf8.jsonl:1 invalid UTF-8 at byt",
        "truncated-utf8-at-eof.jsonl:2 invalid UTF-8 at byt",
        "duplicate-keys.jsonl:1 unparseable JSON: Du",
        "deep-nesting.jsonl:1 JSON exceeds a safet",
        "big-numbers.jsonl:1 wrong type for 'ind'");
    PAssert.that(result.deadLetters()).satisfies(letters -> {
      for (Row d : letters) {
        assertEquals("rec", DeadLetter.kind(d));
        assertTrue(DeadLetter.payload(d) != null && !DeadLetter.payload(d).isEmpty());
      }
      return null;
    });
    org.apache.beam.sdk.PipelineResult run = p.run();
    run.waitUntilFinish();
    MetricQueryResults metrics = run.metrics().queryMetrics(MetricsFilter.builder()
        .addNameFilter(MetricNameFilter.inNamespace(CleanRecords.METRICS_NAMESPACE)).build());
    assertEquals(counter(metrics, "rec.read"), counter(metrics, "rec.clean") + counter(metrics, "rec.deadLetter"));
    assertEquals(27, counter(metrics, "rec.read"));
  }

  private static long counter(MetricQueryResults metrics, String name) {
    return StreamSupport.stream(metrics.getCounters().spliterator(), false)
        .filter(c -> c.getName().getName().equals(name))
        .mapToLong(MetricResult::getAttempted).sum();
  }

  @Test
  public void truncatedGzipKeepsTheRecordsBeforeTheCutAndDeadLettersTheFile() throws Exception {
    Path dir = tmp.newFolder("gz").toPath();
    String content = IntStream.range(0, 2000).mapToObj(NastyFiles::record).collect(Collectors.joining("\n", "", "\n"));
    byte[] cut = NastyFiles.truncatedGzip(content.getBytes(StandardCharsets.UTF_8), 0.5);
    Files.write(dir.resolve("cut.jsonl.gz"), cut);
    long recoverable = completeLinesBeforeTheCut(cut);
    assertTrue("the cut must leave some records and lose some", recoverable > 0 && recoverable < 2000);

    String cutFile = dir.resolve("cut.jsonl.gz").toString();
    CleanResult result = readAndClean(dir + "/*");
    PAssert.that(result.deadLetters()).satisfies(letters -> {
      List<Row> all = new ArrayList<>();
      letters.forEach(all::add);
      assertEquals(1, all.size());
      Row d = all.get(0);
      assertEquals(cutFile, DeadLetter.source(d));
      assertTrue(DeadLetter.reason(d), DeadLetter.reason(d).matches(
          "truncated gzip stream after [0-9]+ lines: java.io.EOFException.*"));
      // The payload is the start of the line the cut went through, never more than the excerpt.
      assertTrue(DeadLetter.payload(d), DeadLetter.payload(d).length() < 20);
      return null;
    });
    // The records kept are exactly the first N lines, N as the dead letter says, and all the
    // complete lines the cut stream can give.
    PCollection<Long> inds = inds(result);
    PCollection<Long> kept = inds.apply("Count kept", Count.globally());
    PCollection<Long> said = result.deadLetters().apply("Lines said", MapElements.into(TypeDescriptors.longs())
        .via((Row d) -> Long.parseLong(DeadLetter.reason(d).replaceAll("^truncated gzip stream after ([0-9]+) lines.*", "$1"))));
    PAssert.that(PCollectionList.of(kept).and(said).apply(Flatten.pCollections())).satisfies(counts -> {
      List<Long> both = new ArrayList<>();
      counts.forEach(both::add);
      assertEquals(2, both.size());
      assertEquals(both.get(0), both.get(1));
      assertTrue(both.get(0) > 0);
      return null;
    });
    PAssert.that(inds.apply("Max", Max.longsGlobally()).apply("Plus one",
        MapElements.into(TypeDescriptors.longs()).via((Long max) -> max + 1)))
        .satisfies(n -> {
          long count = n.iterator().next();
          assertEquals(recoverable, count);
          return null;
        });
    p.run().waitUntilFinish();
  }

  /** What plain java.util.zip recovers from the cut stream: the oracle for the reader. */
  private static long completeLinesBeforeTheCut(byte[] gz) throws IOException {
    long lines = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      int b;
      while ((b = in.read()) >= 0) {
        if (b == '\n') {
          lines++;
        }
      }
    } catch (EOFException expected) {
      return lines;
    }
    throw new AssertionError("stream was not truncated");
  }

  @Test
  public void aDirectoryWhereAFileShouldBeIsSkippedNotACrash() throws Exception {
    // Beam's readMatches skips directories (they hold no records); a file that matched but cannot
    // be opened becomes a dead letter instead ("cannot open file: ..."), which root cannot provoke.
    Path dir = tmp.newFolder("dir").toPath();
    String notAFile = Files.createDirectories(dir.resolve("pins.jsonl")).toString();
    CleanResult result = readAndClean(notAFile);
    PAssert.that(result.output()).empty();
    PAssert.that(result.deadLetters()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void fiftyMegabyteLineIsADeadLetterWithAnExcerptAndItsFileAndLine() throws Exception {
    String file = NastyFiles.writeHugeLine(tmp.newFile("huge.jsonl").toPath(), NastyFiles.record(1) + "\n",
        50L << 20, NastyFiles.record(3) + "\n").toString();
    CleanResult result = readAndClean(file);
    PAssert.that(inds(result)).containsInAnyOrder(1L, 3L);
    PAssert.that(result.deadLetters()).satisfies(letters -> {
      Row d = letters.iterator().next();
      assertEquals(file + ":2", DeadLetter.source(d));
      assertEquals("line too long: 52428800 bytes (limit 4194304); payload is the first 4096 bytes", DeadLetter.reason(d));
      assertEquals(4096, DeadLetter.payload(d).length());
      return null;
    });
    p.run().waitUntilFinish();
  }
}
