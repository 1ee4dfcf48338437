package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.testing.NastyFiles;

/**
 * What a new user hit: one truncated {@code .gz} among the inputs killed the whole batch with a
 * stack trace naming no file. Now the records before the cut are kept, the file is one dead
 * letter with its name and reason, and the summary still adds up.
 */
public class PinterestBatchBadFilesTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void truncatedGzipAndAStrayDirectoryDoNotStopTheBatch() throws Exception {
    Path in = tmp.newFolder("in").toPath();
    Path out = tmp.newFolder("out").toPath();
    Path pin = Files.createDirectories(in.resolve("pin"));
    Files.writeString(pin.resolve("good.jsonl"), "{\"index\": 100000}\n{\"index\": 100001}\n");
    String pins = IntStream.range(0, 3000).mapToObj(i -> "{\"index\": " + i + ", \"title\": \"t" + i + "\"}")
        .collect(Collectors.joining("\n", "", "\n"));
    Path cut = pin.resolve("day2.jsonl.gz");
    Files.write(cut, NastyFiles.truncatedGzip(pins.getBytes(StandardCharsets.UTF_8), 0.5));
    // A directory inside the input folder: skipped, its files read.
    Files.createDirectories(pin.resolve("sub.jsonl"));
    Files.writeString(pin.resolve("sub.jsonl").resolve("more.jsonl"), "{\"index\": 100002}\n");
    Files.createDirectories(in.resolve("geo"));
    Files.writeString(in.resolve("geo/g.jsonl"), "{\"ind\": 1}\n");
    Files.createDirectories(in.resolve("user"));
    Files.writeString(in.resolve("user/u.jsonl"), "{\"ind\": 1}\n");

    PinterestBatch.run(new String[] {"--input=" + in, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0"});

    List<JsonNode> dead = Outputs.rows(out.resolve("dead-letter"));
    assertEquals(1, dead.size());
    JsonNode letter = dead.get(0);
    assertEquals(cut.toString(), letter.get("source").asText());
    assertEquals("pin", letter.get("kind").asText());
    assertThat(letter.get("reason").asText(),
        matchesPattern("truncated gzip stream after [0-9]+ lines: java\\.io\\.EOFException.*"));
    long kept = Long.parseLong(letter.get("reason").asText().replaceAll("^truncated gzip stream after ([0-9]+) lines.*", "$1"));

    JsonNode summary = Outputs.summary(out).get("pin");
    // The file counts as one read record, refused: read = clean + duplicates + deadLetter.
    assertEquals(3 + kept + 1, summary.get("read").asLong());
    assertEquals(3 + kept, summary.get("clean").asLong());
    assertEquals(0, summary.get("duplicates").asLong());
    assertEquals(1, summary.get("deadLetter").asLong());
    assertEquals(3 + kept, Outputs.rows(out.resolve("clean/pin")).size());
  }
}
