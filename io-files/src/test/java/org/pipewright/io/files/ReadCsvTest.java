package org.pipewright.io.files;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/** Every CSV record is a row with its {@code file:line} or a dead letter with its raw text. */
public class ReadCsvTest {
  @Rule public final transient TemporaryFolder tmp = new TemporaryFolder();
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final List<String> COLUMNS = List.of("id", "name", "note");
  private static final Schema SCHEMA = ReadCsv.schema(COLUMNS);

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.getRoot().toPath().resolve(name), content);
  }

  private Path write(String name, String content) throws IOException {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] gzip(String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  private static Row row(Path file, int line, String id, String name, String note) {
    return Row.withSchema(SCHEMA).addValues(file + ":" + line, id, name, note).build();
  }

  private static Row dead(Path file, int line, String reason, String payload) {
    return DeadLetter.of("things", ReadCsv.STEP, reason, file + ":" + line, payload);
  }

  @Test
  public void readsQuotedFieldsAndReportsEveryBadRecordWithItsLine() throws Exception {
    Path quoted = write("a-quoted.csv", "id,name,note\n"
        + "1,\"Smith, J\",\"say \"\"hi\"\"\"\n"
        + "2,\"two\nlines\",x\n"
        + "3,plain,\n");
    // Columns in another order, an extra one, spaces around the header names; CRLF; a BOM; blank lines.
    Path crlf = write("b-crlf.csv", "\uFEFF note , extra,id,name\r\n"
        + "n1,e,10,ten\r\n"
        + "\r\n"
        + ",e,11,\"eleven\r\nand more\"\r\n"
        + "n2,e,12,twelve");
    Path gz = write("c-zipped.csv.gz", gzip("id,note,name\n20,z,twenty\n"));
    Path missing = write("d-missing.csv", "id,name\n30,thirty\n\n31,\"thirty\none\"\n");
    Path wrongCount = write("e-count.csv", "id,name,note\n40,forty\n41,a,b,c\n42,ok,\"\"\n");
    Path unclosed = write("f-unclosed.csv", "id,name,note\n50,a,b\n\n51,\"open,x\n52,c,d\n");
    write("g-empty.csv", "");
    write("h-header-only.csv", "id,name,note\r\n");

    CleanResult result = p.apply(ReadCsv.from(tmp.getRoot() + "/*.csv*").withColumns(COLUMNS).withKind("things"));

    PAssert.that(result.output()).containsInAnyOrder(
        row(quoted, 2, "1", "Smith, J", "say \"hi\""),
        row(quoted, 3, "2", "two\nlines", "x"),
        row(quoted, 5, "3", "plain", null),
        row(crlf, 2, "10", "ten", "n1"),
        row(crlf, 4, "11", "eleven\r\nand more", null),
        row(crlf, 6, "12", "twelve", "n2"),
        row(gz, 2, "20", "twenty", "z"),
        row(wrongCount, 4, "42", "ok", null),
        row(unclosed, 2, "50", "a", "b"));
    PAssert.that(result.deadLetters()).containsInAnyOrder(
        dead(missing, 2, "missing_columns: note", "30,thirty"),
        dead(missing, 4, "missing_columns: note", "31,\"thirty\none\""),
        dead(wrongCount, 2, "wrong_field_count: 2 of 3", "40,forty"),
        dead(wrongCount, 3, "wrong_field_count: 4 of 3", "41,a,b,c"),
        dead(unclosed, 4, "malformed_csv: (startline 4) EOF reached before encapsulated token finished"
            + " (payload: the rest of the file)", "51,\"open,x\n52,c,d\n"));
    p.run().waitUntilFinish();
  }

  @Test
  public void aDialectIsConfigurable() throws Exception {
    Path semi = write("semi.csv", "# exported\nid;name;note\n1;'a;b';'it''s'\n# two\n# comments\n\n2;x;y\n");
    CleanResult result = p.apply(ReadCsv.from(semi.toString()).withColumns(COLUMNS)
        .withFormat(CSVFormat.RFC4180.builder().setDelimiter(';').setQuote('\'').setCommentMarker('#').get()));
    PAssert.that(result.output()).containsInAnyOrder(row(semi, 3, "1", "a;b", "it's"), row(semi, 7, "2", "x", "y"));
    PAssert.that(result.deadLetters()).empty();
    p.run().waitUntilFinish();
  }

  @Test
  public void bytesThatAreNotUtf8AndACutGzipEndTheirFileAsOneReadError() throws Exception {
    byte[] head = "id,name,note\n1,a,b\n".getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[head.length + 8];
    System.arraycopy(head, 0, bad, 0, head.length);
    System.arraycopy(new byte[] {'2', ',', (byte) 0xC3, '(', ',', 'c', '\n', '3'}, 0, bad, head.length, 8);
    Path latin = write("latin.csv", bad);
    // Cut inside the gzip trailer: every record was inflated, the stream still ends early.
    byte[] zipped = gzip("id,name,note\n" + "4,d,e\n".repeat(2000));
    Path cut = write("cut.csv.gz", java.util.Arrays.copyOf(zipped, zipped.length - 4));
    CleanResult result = p.apply(ReadCsv.from(tmp.getRoot() + "/*").withColumns(COLUMNS));
    PAssert.that(result.output().apply(org.apache.beam.sdk.transforms.Count.globally())).containsInAnyOrder(1L + 2000L);
    PAssert.that(result.deadLetters().apply(org.apache.beam.sdk.transforms.MapElements
        .into(org.apache.beam.sdk.values.TypeDescriptors.strings())
        .via(d -> DeadLetter.kind(d) + " " + DeadLetter.source(d) + " " + DeadLetter.reason(d).replace(" (payload: the rest of the file)", ""))))
        .containsInAnyOrder("csv " + latin + ":3 read_error: not UTF-8: invalid byte at byte 22 of the file",
            "csv " + cut + ":2002 read_error: truncated gzip stream: java.io.EOFException");
    p.run().waitUntilFinish();
  }

  @Test
  public void aZipOfTwoFilesIsOneDeadLetterAndAZipOfOneIsRead() throws Exception {
    List<String> columns = List.of("id", "name");
    Schema schema = ReadCsv.schema(columns);
    Path two = write("two.csv.zip", ZipsTest.zip("a.csv", "id,name\n1,a\n", "b.csv", "id,name\n2,b\n"));
    Path one = write("one.csv.zip", ZipsTest.zip("in/", "", "in/c.csv", "id,name\n3,c\n"));
    CleanResult result = p.apply(ReadCsv.from(tmp.getRoot() + "/*.zip").withColumns(columns));
    PAssert.that(result.output()).containsInAnyOrder(Row.withSchema(schema).addValues(one + ":2", "3", "c").build());
    PAssert.that(result.deadLetters()).containsInAnyOrder(DeadLetter.of("csv", ReadCsv.STEP,
        "read_error: zip with 2 entries: one file per zip expected", two.toString(), null));
    p.run().waitUntilFinish();
  }

  /** Runs the per-file rules directly on a string. */
  private static List<Row> parse(String text, List<Row> dead, int maxRecordChars, int maxPayloadChars) {
    return parse(text, COLUMNS, dead, maxRecordChars, maxPayloadChars);
  }

  private static List<Row> parse(String text, List<String> columns, List<Row> dead, int maxRecordChars,
      int maxPayloadChars) {
    List<Row> out = new ArrayList<>();
    new CsvRecords("f", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), ReadCsv.DEFAULT_FORMAT, columns,
        ReadCsv.schema(columns), "k", "s", maxRecordChars, maxPayloadChars).read(out::add, dead::add);
    return out;
  }

  @Test
  public void onlyAnEmptyLineIsSkippedAQuotedEmptyFieldIsARecord() {
    List<Row> dead = new ArrayList<>();
    Schema names = ReadCsv.schema(List.of("name"));
    List<Row> out = parse("name\nalice\n\"\"\nbob\n\r\n  \n", List.of("name"), dead, 1000, 1000);
    assertEquals(List.of(
        Row.withSchema(names).addValues("f:2", "alice").build(),
        Row.withSchema(names).addValues("f:3", null).build(),
        Row.withSchema(names).addValues("f:4", "bob").build(),
        Row.withSchema(names).addValues("f:6", "  ").build()), out);
    assertEquals(List.of(), dead);

    out = parse("id,name,note\n\"\"\n\n1,a,b\n", dead, 1000, 1000);
    assertEquals(List.of(Row.withSchema(SCHEMA).addValues("f:4", "1", "a", "b").build()), out);
    assertEquals(List.of(DeadLetter.of("k", "s", "wrong_field_count: 1 of 3", "f:2", "\"\"")), dead);
  }

  @Test
  public void aMalformedRestIsCappedAndARunawayRecordStopsTheFileWithBoundedMemory() {
    List<Row> dead = new ArrayList<>();
    String rest = "2,\"never closed," + "x".repeat(500) + "\n3,a,b\n";
    List<Row> out = parse("id,name,note\n1,a,b\n" + rest, dead, 100, 50);
    assertEquals(1, out.size());
    assertEquals(1, dead.size());
    Row letter = dead.get(0);
    assertEquals("f:3", DeadLetter.source(letter));
    assertEquals(rest.substring(0, 50), DeadLetter.payload(letter));
    assertThat(DeadLetter.reason(letter), startsWith("malformed_csv: record longer than 100 characters"));
    assertThat(DeadLetter.reason(letter), org.hamcrest.Matchers.endsWith("(payload: the rest of the file, first 50 characters)"));
  }

  @Test
  public void aDeclaredColumnTwiceInTheHeaderRefusesTheFile() {
    List<Row> dead = new ArrayList<>();
    List<String> columns = List.of("a", "b");
    assertEquals(List.of(), parse("a,a,b\n1,2,3\n", columns, dead, 1000, 1000));
    assertEquals(List.of(DeadLetter.of("k", "s", "ambiguous_columns: a", "f:2", "1,2,3")), dead);

    dead.clear();
    assertEquals(List.of(), parse("a, a\n1,2\n", columns, dead, 1000, 1000));
    assertEquals(List.of(DeadLetter.of("k", "s", "missing_columns: b; ambiguous_columns: a", "f:2", "1,2")), dead);

    dead.clear();
    List<Row> out = parse("a,x,x,b\n1,2,3,4\n", columns, dead, 1000, 1000);
    assertEquals(List.of(Row.withSchema(ReadCsv.schema(columns)).addValues("f:2", "1", "4").build()), out);
    assertEquals(List.of(), dead);
  }

  @Test
  public void aStrayQuoteAfterAClosingQuoteIsOneDeadLetterAndTheNextLineIsReadOn() {
    List<Row> dead = new ArrayList<>();
    List<Row> out = parse("id,name,note\r\n1,a,b\r\n2,\"a\"x,c\r\n3,d,e\r\n\"4\",\"x\"\"y\"z\r\n5,\"two\nlines\",f\r\n",
        dead, 1000, 1000);
    assertEquals(List.of(Row.withSchema(SCHEMA).addValues("f:2", "1", "a", "b").build(),
        Row.withSchema(SCHEMA).addValues("f:4", "3", "d", "e").build(),
        Row.withSchema(SCHEMA).addValues("f:6", "5", "two\nlines", "f").build()), out);
    assertEquals(List.of("f:3 2,\"a\"x,c", "f:5 \"4\",\"x\"\"y\"z"),
        dead.stream().map(d -> DeadLetter.source(d) + " " + DeadLetter.payload(d)).collect(Collectors.toList()));
    for (Row d : dead) {
      assertThat(DeadLetter.reason(d), startsWith("malformed_csv: "));
      assertThat(DeadLetter.reason(d), not(containsString("rest of the file")));
    }
  }

  @Test
  public void aStrayQuoteFarIntoALongFileCostsOnlyItsRecord() {
    // Lines longer than the parser's read-ahead blocks: the bad line's end is not read yet when it fails.
    String filler = "x".repeat(3000);
    StringBuilder text = new StringBuilder("id,name,note\n");
    for (int i = 0; i < 50; i++) {
      text.append(i).append(',').append(filler).append(",n\n");
    }
    text.append("50,\"q\"").append(filler).append(",n\n");
    for (int i = 51; i < 100; i++) {
      text.append(i).append(',').append(filler).append(",n\n");
    }
    List<Row> dead = new ArrayList<>();
    List<Row> out = parse(text.toString(), dead, 100_000, 1000);
    assertEquals(99, out.size());
    assertEquals(1, dead.size());
    assertEquals("f:52", DeadLetter.source(dead.get(0)));
    assertThat(DeadLetter.payload(dead.get(0)), startsWith("50,\"q\"xxx"));
    assertThat(DeadLetter.reason(dead.get(0)), org.hamcrest.Matchers.endsWith("(payload: the first 1000 characters)"));
    Row last = out.get(out.size() - 1);
    assertEquals(List.of("f:101", "99"), List.of(last.getString("source"), last.getString("id")));
  }

  @Test
  public void aStrayQuoteInTheLastLineIsTheMalformedRestOfTheFile() {
    List<Row> dead = new ArrayList<>();
    List<Row> out = parse("id,name,note\n1,a,b\n2,\"a\"x,c", dead, 1000, 1000);
    assertEquals(1, out.size());
    assertEquals("2,\"a\"x,c", DeadLetter.payload(dead.get(0)));
    assertThat(DeadLetter.reason(dead.get(0)), org.hamcrest.Matchers.endsWith("(payload: the rest of the file)"));
  }

  /**
   * Random records written by commons-csv's printer (quotes, delimiters, LF and CRLF inside fields,
   * blank lines between records), across several tape buffers: every value and every first line
   * comes back exactly.
   */
  @Test
  public void randomRecordsComeBackWithTheirValuesAndFirstLines() throws IOException {
    String[] pieces = {"a", "b c", ",", "\"", "\"\"", "\n", "\r\n", "é", "🎄", " ", "x".repeat(300)};
    for (long seed = 1; seed <= 5; seed++) {
      java.util.Random random = new java.util.Random(seed);
      StringBuilder text = new StringBuilder();
      List<Row> expected = new ArrayList<>();
      String lineEnd = seed % 2 == 0 ? "\r\n" : "\n";
      org.apache.commons.csv.CSVFormat format = CSVFormat.RFC4180.builder().setRecordSeparator(lineEnd).get();
      org.apache.commons.csv.CSVPrinter printer = new org.apache.commons.csv.CSVPrinter(text, format);
      printer.printRecord("note", "id", "name");
      for (int i = 0; i < 2000; i++) {
        if (random.nextInt(10) == 0) {
          printer.println();
        }
        long line = text.chars().filter(c -> c == '\n').count() + 1;
        String[] values = new String[3];
        for (int k = 0; k < 3; k++) {
          StringBuilder value = new StringBuilder();
          for (int n = random.nextInt(4); n > 0; n--) {
            value.append(pieces[random.nextInt(pieces.length)]);
          }
          values[k] = value.toString();
        }
        printer.printRecord((Object[]) values);
        expected.add(Row.withSchema(SCHEMA).addValues("f:" + line, nullIfEmpty(values[1]), nullIfEmpty(values[2]),
            nullIfEmpty(values[0])).build());
      }
      List<Row> dead = new ArrayList<>();
      List<Row> out = parse(text.toString(), dead, 1 << 20, 1 << 20);
      assertEquals(List.of(), dead);
      assertEquals("seed " + seed, expected, out);
    }
  }

  private static String nullIfEmpty(String value) {
    return value.isEmpty() ? null : value;
  }

  @Test
  public void badConfigurationIsRefusedWhenBuilt() {
    assertThrows(IllegalArgumentException.class, () -> ReadCsv.from(""));
    assertThrows(IllegalArgumentException.class, () -> ReadCsv.from("x").withColumns(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> ReadCsv.from("x").withColumns(List.of("source")));
    assertThrows(IllegalArgumentException.class,
        () -> ReadCsv.from("x").withFormat(CSVFormat.DEFAULT.builder().setHeader("a").get()));
  }
}
