package org.pipewright.io.files;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** What a finished run leaves in its output folders, and reading them back outside a pipeline. */
public class OutputTidyTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema SCHEMA = Schema.builder().addInt64Field("id").addStringField("name").build();

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  public void emptyTempFoldersOfTheWritersAreRemovedAndTablesReadBack() throws Exception {
    String json = tmp.getRoot() + "/json";
    String parquet = tmp.getRoot() + "/parquet";
    List<Row> rows = List.of(Row.withSchema(SCHEMA).addValues(1L, "a").build(),
        Row.withSchema(SCHEMA).addValues(2L, "b").build());
    pipeline.apply("Rows", Create.of(rows).withRowSchema(SCHEMA))
        .apply("Json", WriteRows.to(json).withNumShards(1));
    pipeline.apply("More rows", Create.of(rows).withRowSchema(SCHEMA))
        .apply("Parquet", WriteRows.to(parquet).withFormat(Format.PARQUET).withNumShards(1));
    pipeline.run().waitUntilFinish();

    OutputDirs.removeEmptyTempDirs(json);
    OutputDirs.removeEmptyTempDirs(parquet);

    assertEquals(List.of("part-00000-of-00001.jsonl"), names(Path.of(json)));
    assertEquals(List.of("part-00000-of-00001.parquet"), names(Path.of(parquet)));
    // Each file's format comes from its suffix; a folder and a single file both work
    List<String> read = new ArrayList<>();
    assertEquals(2, TablePreview.forEach(parquet, null, read::add));
    assertEquals(2, TablePreview.forEach(json + "/part-00000-of-00001.jsonl", null, read::add));
    // Parquet rows in Avro's JSON rendering, JSON lines as written; row order within a file is the
    // runner's
    read.sort(null);
    assertEquals(List.of("{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2, \"name\": \"b\"}",
        "{\"id\":1,\"name\":\"a\"}", "{\"id\":2,\"name\":\"b\"}"), read);
  }

  @Test
  public void aTempFolderThatStillHoldsFilesIsKept() throws Exception {
    Path dir = tmp.newFolder("table").toPath();
    Path emptyNested = Files.createDirectories(dir.resolve(".temp-beam/abc/def"));
    Path kept = Files.createDirectories(dir.resolve(".temp-beam-1234"));
    Files.writeString(kept.resolve("shard"), "left by a failed run");
    Path other = Files.createDirectories(dir.resolve("other"));

    OutputDirs.removeEmptyTempDirs(dir.toString());

    assertFalse(Files.exists(emptyNested.getParent().getParent()));
    assertTrue(Files.exists(kept.resolve("shard")));
    assertTrue(Files.exists(other));
    OutputDirs.removeEmptyTempDirs(tmp.getRoot() + "/missing"); // nothing to do, no error
  }
}
