package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.NastyFiles;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.core.Values;

/**
 * A file read in ranges gives exactly the records of reading it whole, each with its own line
 * number: the ranges start at line starts, cover the file once, and know where they start.
 */
public class ReadJsonLinesSplitTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final int MAX_LINE_BYTES = 300;

  /** A byte order mark, CRLF and LF ends, blank lines, bad UTF-8, over-long lines, no final newline. */
  private static byte[] messyFile(long seed, int lines) throws IOException {
    Random random = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    for (int i = 0; i < lines; i++) {
      int kind = random.nextInt(10);
      if (kind == 0) {
        out.write(NastyFiles.utf8("   "));
      } else if (kind == 1) {
        out.write(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
      } else if (kind == 2) {
        out.write(NastyFiles.utf8("x".repeat(MAX_LINE_BYTES + 1 + random.nextInt(400))));
      } else {
        out.write(NastyFiles.utf8(NastyFiles.record(i)));
      }
      if (i < lines - 1 || random.nextBoolean()) {
        out.write(NastyFiles.utf8(kind == 3 ? "\r\n" : "\n"));
      }
    }
    return out.toByteArray();
  }

  /** What reading the whole stream line by line gives, as source|payload|error strings. */
  private static List<String> readWhole(String name, byte[] content) throws IOException {
    List<String> records = new ArrayList<>();
    BoundedLines lines = new BoundedLines(new ByteArrayInputStream(content), MAX_LINE_BYTES);
    while (lines.next()) {
      if (lines.refusal() != null || !Values.isBlank(lines.text())) {
        records.add(name + ":" + lines.number() + "|" + lines.text() + "|" + lines.refusal());
      }
    }
    return records;
  }

  private static String describe(Row record) {
    return RawRecord.source(record) + "|" + RawRecord.payload(record) + "|" + RawRecord.error(record);
  }

  @Test
  public void rangesStartAtLineStartsCoverTheFileOnceAndKnowTheirFirstLine() throws IOException {
    for (long seed = 0; seed < 200; seed++) {
      byte[] content = messyFile(seed, 1 + (int) (seed % 40));
      long splitBytes = 1 + new Random(seed).nextInt(200);
      List<Row> ranges = ReadJsonLines.lineAlignedRanges(new ByteArrayInputStream(content), splitBytes);
      long expectedStart = 0;
      for (int i = 0; i < ranges.size(); i++) {
        Row range = ranges.get(i);
        long start = range.getInt64("start");
        long end = range.getInt64("end");
        assertEquals("seed " + seed, expectedStart, start);
        long newlinesBefore = 0;
        for (int b = 0; b < start; b++) {
          newlinesBefore += content[b] == '\n' ? 1 : 0;
        }
        assertEquals("seed " + seed + " range " + i, newlinesBefore + 1, (long) range.getInt64("firstLine"));
        if (start > 0) {
          assertEquals("seed " + seed + ": a range starts right after a newline", '\n', content[(int) start - 1]);
        }
        assertEquals("seed " + seed + ": only the last range runs to the end", i == ranges.size() - 1, end == -1);
        expectedStart = end;
      }
    }
  }

  @Test
  public void aFileReadInRangesGivesTheRecordsOfReadingItWhole() throws IOException {
    byte[] content = messyFile(42, 1500);
    Path file = Files.write(tmp.newFolder("in").toPath().resolve("big.jsonl"), content);
    List<String> expected = readWhole(file.toString(), content);

    PCollection<Row> split = p.apply("Read in ranges",
        ReadJsonLines.from(file.toString()).withMaxLineBytes(MAX_LINE_BYTES).withSplitBytes(499));
    PCollection<Row> whole = p.apply("Read whole",
        ReadJsonLines.from(file.toString()).withMaxLineBytes(MAX_LINE_BYTES).withSplitBytes(0));
    PAssert.that(split.apply("Describe split", MapElements.into(TypeDescriptors.strings())
        .via(ReadJsonLinesSplitTest::describe))).containsInAnyOrder(expected);
    PAssert.that(whole.apply("Describe whole", MapElements.into(TypeDescriptors.strings())
        .via(ReadJsonLinesSplitTest::describe))).containsInAnyOrder(expected);
    p.run().waitUntilFinish();
    assertEquals("the file must really be cut in many ranges", true,
        ReadJsonLines.lineAlignedRanges(new ByteArrayInputStream(content), 499).size() > 50);
  }
}
