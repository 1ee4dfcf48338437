package org.pipewright.io.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawRecord;

/** The file source and sinks against the local file system, through real pipelines. */
public class FileIoTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline write = TestPipeline.create();
  @Rule public final transient TestPipeline read = TestPipeline.create();

  private static final Schema SCHEMA = Schema.builder()
      .addInt64Field("ind")
      .addNullableField("name", FieldType.STRING)
      .addNullableField("coordinates", FieldType.array(FieldType.DOUBLE))
      .addNullableField("timestamp", FieldType.DATETIME)
      .addNullableField("age", FieldType.INT32)
      .build();

  private static final List<Row> ROWS = List.of(
      Row.withSchema(SCHEMA).addValues(1L, "Zoë ✨", Arrays.asList(-42.0773, -163.698),
          Instant.parse("2020-08-28T03:52:47Z"), 28).build(),
      Row.withSchema(SCHEMA).addValues(2L, null, null, null, null).build());

  @Test
  public void readJsonLinesKeepsFileAndLineAndSkipsBlankLines() throws Exception {
    Path dir = tmp.newFolder("pin").toPath();
    Path plain = Files.writeString(dir.resolve("a.jsonl"), "{\"a\":1}\n\n   \n{\"a\":2}\n");
    Path gz = dir.resolve("b.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("not json\n".getBytes(StandardCharsets.UTF_8));
    }
    PCollection<Row> records = read.apply(ReadJsonLines.from(dir + "/*"));
    PAssert.that(records).containsInAnyOrder(
        RawRecord.of(plain + ":1", "{\"a\":1}"),
        RawRecord.of(plain + ":4", "{\"a\":2}"),
        RawRecord.of(gz + ":1", "not json"));
    read.run().waitUntilFinish();
  }

  @Test
  public void readJsonLinesRefusesAZipOfTwoFilesWholeAndReadsAZipOfOne() throws Exception {
    Path dir = tmp.newFolder("zips").toPath();
    Path two = Files.write(dir.resolve("two.jsonl.zip"), ZipsTest.zip("a.jsonl", "{\"a\":1}\n", "b.jsonl", "{\"b\":2}\n"));
    Path one = Files.write(dir.resolve("one.jsonl.zip"), ZipsTest.zip("c.jsonl", "{\"c\":3}\n{\"c\":4}\n"));
    PCollection<Row> records = read.apply(ReadJsonLines.from(dir + "/*"));
    PAssert.that(records).containsInAnyOrder(
        RawRecord.refused(two.toString(), "", "zip with 2 entries: one file per zip expected"),
        RawRecord.of(one + ":1", "{\"c\":3}"),
        RawRecord.of(one + ":2", "{\"c\":4}"));
    read.run().waitUntilFinish();
  }

  @Test
  public void jsonTablesRoundTrip() throws Exception {
    String dir = tmp.getRoot() + "/json";
    write.apply(Create.of(ROWS).withRowSchema(SCHEMA)).apply(WriteRows.to(dir).withNumShards(2));
    write.run().waitUntilFinish();

    List<String> lines = TablePreview.rows(dir, Format.JSON);
    assertThat(lines, containsInAnyOrder(
        "{\"ind\":1,\"name\":\"Zoë ✨\",\"coordinates\":[-42.0773,-163.698],"
            + "\"timestamp\":\"2020-08-28T03:52:47Z\",\"age\":28}",
        "{\"ind\":2,\"name\":null,\"coordinates\":null,\"timestamp\":null,\"age\":null}"));
    // Fixed sharding names files part-SSSSS-of-00002 (a shard that got no rows is not written).
    try (var files = Files.list(Path.of(dir))) {
      assertTrue(files.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith("."))
          .allMatch(f -> f.matches("part-0000[01]-of-00002\\.jsonl")));
    }

    CleanResult back = read.apply(ReadRows.of("thing", SCHEMA).from(dir + "/*"));
    PAssert.that(back.output()).containsInAnyOrder(ROWS);
    PAssert.that(back.deadLetters()).empty();
    read.run().waitUntilFinish();
  }

  @Test
  public void decimalsAreExactNumbersInParquet() throws Exception {
    Schema money = Schema.builder().addStringField("id").addDecimalField("price")
        .addNullableField("discount", FieldType.DECIMAL).build();
    String dir = tmp.getRoot() + "/money";
    write.apply(Create.of(
            Row.withSchema(money).addValues("a", new java.math.BigDecimal("42.95"), new java.math.BigDecimal("28.404734")).build(),
            Row.withSchema(money).addValues("b", new java.math.BigDecimal("7"), null).build(),
            Row.withSchema(money).addValues("c", new java.math.BigDecimal("0.1234567895"), new java.math.BigDecimal("-1E+3")).build())
            .withRowSchema(money))
        .apply(WriteRows.to(dir).withFormat(Format.PARQUET).withNumShards(1));
    write.run().waitUntilFinish();

    assertEquals("decimal(38,9)", ParquetRecords.schema(money).getField("price").schema().getLogicalType().getName()
        + "(" + ((org.apache.avro.LogicalTypes.Decimal) ParquetRecords.schema(money).getField("price").schema()
        .getLogicalType()).getPrecision() + "," + ParquetRecords.SCALE + ")");
    List<String> preview = TablePreview.rows(dir, Format.PARQUET);
    assertThat(preview.toString(), preview, containsInAnyOrder(
        "{\"id\": \"a\", \"price\": 42.950000000, \"discount\": 28.404734000}",
        "{\"id\": \"b\", \"price\": 7.000000000, \"discount\": null}",
        // More than 9 decimals: rounded half up.
        "{\"id\": \"c\", \"price\": 0.123456790, \"discount\": -1000.000000000}"));

    // Read back as rows: the same numbers, at the files' scale.
    CleanResult back = read.apply(ReadRows.of("money", money).from(dir + "/*").withFormat(Format.PARQUET));
    PAssert.that(back.output()).containsInAnyOrder(
        Row.withSchema(money).addValues("a", new java.math.BigDecimal("42.950000000"),
            new java.math.BigDecimal("28.404734000")).build(),
        Row.withSchema(money).addValues("b", new java.math.BigDecimal("7.000000000"), null).build(),
        Row.withSchema(money).addValues("c", new java.math.BigDecimal("0.123456790"),
            new java.math.BigDecimal("-1000.000000000")).build());
    read.run().waitUntilFinish();
  }

  private static final Schema DATED = Schema.builder()
      .addStringField("id")
      .addField("month", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("released", FieldType.logicalType(SqlTypes.DATE))
      .build();

  private static final List<Row> DATED_ROWS = List.of(
      Row.withSchema(DATED).addValues("a", LocalDate.of(2017, 1, 1), LocalDate.of(1895, 12, 28)).build(),
      Row.withSchema(DATED).addValues("b", LocalDate.of(2024, 2, 29), null).build());

  @Test
  public void calendarDatesRoundTripThroughJsonAsIsoDates() throws Exception {
    String dir = tmp.getRoot() + "/dated-json";
    write.apply(Create.of(DATED_ROWS).withRowSchema(DATED)).apply(WriteRows.to(dir).withNumShards(1));
    write.run().waitUntilFinish();

    assertThat(TablePreview.rows(dir, Format.JSON), containsInAnyOrder(
        "{\"id\":\"a\",\"month\":\"2017-01-01\",\"released\":\"1895-12-28\"}",
        "{\"id\":\"b\",\"month\":\"2024-02-29\",\"released\":null}"));
    CleanResult back = read.apply(ReadRows.of("dated", DATED).from(dir + "/*"));
    PAssert.that(back.output()).containsInAnyOrder(DATED_ROWS);
    PAssert.that(back.deadLetters()).empty();
    read.run().waitUntilFinish();
  }

  @Test
  public void calendarDatesAreAvroDatesInParquetAndRoundTrip() throws Exception {
    String dir = tmp.getRoot() + "/dated-parquet";
    write.apply(Create.of(DATED_ROWS).withRowSchema(DATED))
        .apply(WriteRows.to(dir).withFormat(Format.PARQUET).withNumShards(1));
    write.run().waitUntilFinish();

    org.apache.avro.Schema avro = ParquetRecords.schema(DATED);
    assertEquals("date", avro.getField("month").schema().getLogicalType().getName());
    assertThat(TablePreview.rows(dir, Format.PARQUET), containsInAnyOrder(
        "{\"id\": \"a\", \"month\": \"2017-01-01\", \"released\": \"1895-12-28\"}",
        "{\"id\": \"b\", \"month\": \"2024-02-29\", \"released\": null}"));
    CleanResult back = read.apply(ReadRows.of("dated", DATED).from(dir + "/*").withFormat(Format.PARQUET));
    PAssert.that(back.output()).containsInAnyOrder(DATED_ROWS);
    read.run().waitUntilFinish();
  }

  @Test
  public void parquetTablesRoundTrip() throws Exception {
    String dir = tmp.getRoot() + "/parquet";
    write.apply(Create.of(ROWS).withRowSchema(SCHEMA))
        .apply(WriteRows.to(dir).withFormat(Format.PARQUET).withNumShards(1));
    write.run().waitUntilFinish();

    assertTrue(Files.exists(Path.of(dir, "part-00000-of-00001.parquet")));
    List<String> preview = TablePreview.rows(dir, Format.PARQUET);
    assertEquals(2, preview.size());
    assertThat(preview.toString(), containsString("Zoë ✨"));

    CleanResult back = read.apply(ReadRows.of("thing", SCHEMA).from(dir + "/*").withFormat(Format.PARQUET));
    PAssert.that(back.output()).containsInAnyOrder(ROWS);
    read.run().waitUntilFinish();
  }

  @Test
  public void aFileThatIsNotParquetStopsAParquetReadNamingIt() throws Exception {
    String dir = tmp.getRoot() + "/parquet-and-notes";
    write.apply(Create.of(ROWS).withRowSchema(SCHEMA))
        .apply(WriteRows.to(dir).withFormat(Format.PARQUET).withNumShards(1));
    write.run().waitUntilFinish();
    Path notes = Files.writeString(Path.of(dir, "part-notes.txt"), "notes\n");

    read.apply(ReadRows.of("thing", SCHEMA).from(dir + "/*").withFormat(Format.PARQUET));
    Exception e = assertThrows(org.apache.beam.sdk.Pipeline.PipelineExecutionException.class,
        () -> read.run().waitUntilFinish());
    assertThat(e.getMessage(), containsString(notes + " is not a Parquet file (6 bytes, fewer than any Parquet"
        + " file's 12): every file matching " + dir + "/* must be Parquet"));
  }

  @Test
  public void jsonLinesAndCutParquetAreToldFromParquet() throws Exception {
    String dir = tmp.getRoot() + "/json-and-parquet";
    write.apply(Create.of(ROWS).withRowSchema(SCHEMA))
        .apply(WriteRows.to(dir).withFormat(Format.PARQUET).withNumShards(1));
    write.run().waitUntilFinish();
    Path parquet = Path.of(dir, "part-00000-of-00001.parquet");
    byte[] bytes = Files.readAllBytes(parquet);
    Path cut = Files.write(Path.of(dir, "cut.parquet"), Arrays.copyOf(bytes, bytes.length - 1));
    Path json = Files.writeString(Path.of(dir, "t.jsonl"), "{\"ind\":1,\"name\":\"a\"}\n");

    assertEquals(null, ReadRows.whyNotParquet(FileSystems.matchSingleFileSpec(parquet.toString())));
    assertEquals("it does not end with PAR1: cut short?",
        ReadRows.whyNotParquet(FileSystems.matchSingleFileSpec(cut.toString())));
    assertEquals("it does not start with PAR1", ReadRows.whyNotParquet(FileSystems.matchSingleFileSpec(json.toString())));
  }

  @Test
  public void readRowsDeadLettersRecordsOfTheWrongShape() throws Exception {
    Path dir = tmp.newFolder("bad").toPath();
    Path file = Files.writeString(dir.resolve("t.jsonl"),
        "{\"ind\":3,\"age\":\"x\"}\n{\"name\":\"no id\"}\n{\"ind\":4}\n");
    CleanResult result = read.apply(ReadRows.of("thing", SCHEMA).from(dir + "/*"));
    PAssert.that(result.output()).containsInAnyOrder(
        Row.withSchema(SCHEMA).addValues(4L, null, null, null, null).build());
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        DeadLetter.of("thing", "ReadThing",
            "wrong type for 'age': expected a whole number, got STRING", file + ":1", "{\"ind\":3,\"age\":\"x\"}"),
        DeadLetter.of("thing", "ReadThing", "missing required field 'ind'", file + ":2",
            "{\"name\":\"no id\"}"));
    read.run().waitUntilFinish();
  }

  @Test
  public void deadLetterSinkGathersEveryStep() throws Exception {
    String dir = tmp.getRoot() + "/dead";
    Row a = DeadLetter.of("pin", "CleanPins", "bad", "f:1", "{");
    Row b = DeadLetter.of("geo", "CleanGeo", "worse", "f:2", "[]");
    PCollection<Row> pins = write.apply("pins", Create.of(List.of(a)).withRowSchema(DeadLetter.SCHEMA));
    PCollection<Row> geo = write.apply("geo", Create.of(List.of(b)).withRowSchema(DeadLetter.SCHEMA));
    PCollectionList.of(pins).and(geo).apply(DeadLetterSink.to(dir));
    write.run().waitUntilFinish();
    assertThat(TablePreview.rows(dir, Format.JSON), containsInAnyOrder(
        "{\"kind\":\"pin\",\"step\":\"CleanPins\",\"reason\":\"bad\",\"source\":\"f:1\",\"payload\":\"{\"}",
        "{\"kind\":\"geo\",\"step\":\"CleanGeo\",\"reason\":\"worse\",\"source\":\"f:2\",\"payload\":\"[]\"}"));
  }

  @Test
  public void replaceDeletesOnlyTheFilesOfThatFolder() throws Exception {
    Path dir = tmp.newFolder("table").toPath();
    Files.writeString(dir.resolve("part-00000-of-00002.jsonl"), "old");
    Files.writeString(dir.resolve("part-00001-of-00002.jsonl"), "old");
    Path nested = Files.createDirectories(dir.resolve("keep"));
    Files.writeString(nested.resolve("x"), "kept");
    Path sibling = Files.writeString(tmp.getRoot().toPath().resolve("sibling.txt"), "kept");

    OutputDirs.replace(dir.toString());

    assertFalse(Files.exists(dir.resolve("part-00000-of-00002.jsonl")));
    assertFalse(Files.exists(dir.resolve("part-00001-of-00002.jsonl")));
    assertTrue(Files.exists(nested.resolve("x")));
    assertTrue(Files.exists(sibling));
    OutputDirs.replace(tmp.getRoot() + "/does-not-exist"); // missing folder is fine
    assertTrue(OutputDirs.exists(dir + "/keep/*"));
    assertFalse(OutputDirs.exists(dir + "/*.jsonl"));
  }

  @Test
  public void formatsParseCaseInsensitivelyWithAClearError() {
    assertEquals(Format.PARQUET, Format.parse(" Parquet "));
    assertEquals(Format.JSON, Format.parse("json"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Format.parse("csv"));
    assertEquals("unknown format 'csv': use json or parquet", e.getMessage());
    assertEquals("a/b/c", OutputDirs.join("a/", "b", "c"));
    assertEquals("s3://bucket/x/y", OutputDirs.join("s3://bucket/x", "y"));
  }
}
