package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** End to end: emulated raw records through {@code PinterestBatch.main}, every output checked. */
public class PinterestBatchTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  private static final Pattern ISO_UTC = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  private static final Set<String> PLACEHOLDERS = Set.of("No Title Data Available",
      "No description available Story format", "No description available", "Untitled",
      "User Info Error", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e", "Image src error.", "null", "NULL", "");

  private static Path input;
  private static Path out;
  private static Emulator.Stats stats;

  @BeforeClass
  public static void runBatch() throws Exception {
    input = TMP.newFolder("in").toPath();
    out = TMP.newFolder("out").toPath();
    stats = Emulator.run(new String[] {"--output=" + input, "--posts=400", "--seed=7",
        "--duplicateRate=0.3", "--malformedRate=0.03"});
    PinterestBatch.main(new String[] {"--input=" + input, "--output=" + out, "--outputFormat=json",
        "--progressSeconds=0"});
  }

  /**
   * The benchmarks' plain-Java yardstick does the same work: on the same input it gives the same
   * clean tables, analytics and summary, so the benchmarks compare like with like.
   */
  @Test
  public void theYardstickGivesTheSameOutputs() throws Exception {
    Path yard = TMP.newFolder("yardstick").toPath();
    BatchYardstick.main(new String[] {input.toString(), yard.toString()});
    assertEquals(Outputs.summary(out), Outputs.summary(yard));
    List<String> tables = new java.util.ArrayList<>();
    for (String kind : PinterestBatch.KINDS) {
      tables.add("clean/" + kind);
    }
    for (String name : org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS.keySet()) {
      tables.add("analytics/" + name);
    }
    for (String table : tables) {
      List<String> expected = new java.util.ArrayList<>(Outputs.lines(out.resolve(table)));
      List<String> actual = new java.util.ArrayList<>(Outputs.lines(yard.resolve(table)));
      expected.sort(null);
      actual.sort(null);
      assertEquals(table, expected, actual);
    }
  }

  @Test
  public void qualityResultsAreWarningsThatAgreeWithTheSummary() throws Exception {
    JsonNode summary = Outputs.summary(out);
    List<String> expected = new ArrayList<>();
    for (String kind : PinterestBatch.KINDS) {
      long clean = summary.get(kind).get("clean").asLong();
      long read = summary.get(kind).get("read").asLong();
      long dead = summary.get(kind).get("deadLetter").asLong();
      List<JsonNode> rows = Outputs.rows(out.resolve("clean").resolve(kind));
      long repeatedIds = rows.size() - rows.stream().map(r -> r.get("ind").asLong()).distinct().count();
      String ratio = dead + " of " + read + " records ("
          + new BigDecimal(dead).divide(new BigDecimal(read), 4, RoundingMode.HALF_UP)
              .movePointRight(2).stripTrailingZeros().toPlainString() + "%)";
      expected.add(kind + " | not_null(ind) | warn | pass | 0 of " + clean + " rows | 0");
      expected.add(kind + " | row_count | warn | pass | " + clean + " rows | >= 1");
      // With de-duplication (the default) every id is kept once, so there is no unique(ind) check.
      assertEquals(0, repeatedIds);
      expected.add(kind + "_read | dead_letter_ratio <= 1% | warn | " + (100 * dead <= read ? "pass" : "fail")
          + " | " + ratio + " | <= 1%");
      expected.add(kind + "_read | dead_letter_ratio <= 5% | warn | " + (100 * dead <= 5 * read ? "pass" : "fail")
          + " | " + ratio + " | <= 5%");
    }
    expected.sort(null);
    assertEquals(expected, Outputs.quality(out, "pinterest"));
    assertThat(summary.get("pin").get("deadLetter").asLong(), greaterThan(0L));
    // Warnings never fail the daily gate.
    assertEquals(List.of(), DailyCheck.run(new String[] {"--summary=" + out.resolve("summary.json")}));
  }

  @Test
  public void summaryAccountsForEveryRecord() throws Exception {
    JsonNode summary = Outputs.summary(out);
    for (String kind : PinterestBatch.KINDS) {
      JsonNode table = summary.get(kind);
      long read = table.get("read").asLong();
      assertEquals(kind, stats.records(kind), read);
      assertEquals(kind, stats.duplicates(kind), table.get("duplicates").asLong());
      assertEquals(kind, stats.malformed(kind), table.get("deadLetter").asLong());
      assertEquals(kind, read, table.get("clean").asLong() + table.get("duplicates").asLong()
          + table.get("deadLetter").asLong());
      assertEquals(kind, table.get("clean").asLong(), Outputs.rows(out.resolve("clean").resolve(kind)).size());
    }
    assertThat(stats.malformed("pin") + stats.malformed("geo") + stats.malformed("user"), greaterThan(10L));
  }

  @Test
  public void cleanTablesHaveNoDuplicatesPlaceholdersOrDirtyValues() {
    for (String kind : PinterestBatch.KINDS) {
      List<String> lines = Outputs.lines(out.resolve("clean").resolve(kind));
      assertEquals(kind + " has exact duplicates", lines.size(), new HashSet<>(lines).size());
      for (String line : lines) {
        JsonNode row = Outputs.parse(line);
        assertTrue(row.get("ind").isIntegralNumber());
        row.fields().forEachRemaining(f -> {
          if (f.getValue().isTextual()) {
            String v = f.getValue().asText();
            assertTrue(kind + "." + f.getKey() + " kept a placeholder: " + v, !PLACEHOLDERS.contains(v));
            assertEquals(kind + "." + f.getKey() + " not trimmed",
                v.replaceAll("^[\\s\\u00a0]+|[\\s\\u00a0]+$", ""), v);
          }
        });
      }
    }
  }

  @Test
  public void cleanRowsHaveTheScopeColumnsAndTypes() {
    List<JsonNode> pins = Outputs.rows(out.resolve("clean/pin"));
    assertEquals(List.of("ind", "unique_id", "title", "description", "follower_count", "poster_name",
        "tag_list", "is_image_or_video", "image_src", "save_location", "category"), fieldNames(pins.get(0)));
    for (JsonNode pin : pins) {
      JsonNode count = pin.get("follower_count");
      assertTrue("follower_count " + count, count.isNull() || count.isIntegralNumber());
      JsonNode save = pin.get("save_location");
      assertTrue(save.isNull() || save.asText().equals("/data/" + pin.get("category").asText()));
    }
    assertTrue("some counts had a k or M suffix",
        pins.stream().anyMatch(p -> p.get("follower_count").asLong() >= 1000));

    List<JsonNode> geo = Outputs.rows(out.resolve("clean/geo"));
    assertEquals(List.of("ind", "country", "coordinates", "timestamp"), fieldNames(geo.get(0)));
    for (JsonNode g : geo) {
      assertTrue(ISO_UTC.matcher(g.get("timestamp").asText()).matches());
      assertEquals(2, g.get("coordinates").size());
      assertTrue(Math.abs(g.get("coordinates").get(0).asDouble()) <= 90);
    }

    List<JsonNode> users = Outputs.rows(out.resolve("clean/user"));
    assertEquals(List.of("ind", "user_name", "age", "date_joined"), fieldNames(users.get(0)));
    for (JsonNode u : users) {
      assertTrue(ISO_UTC.matcher(u.get("date_joined").asText()).matches());
      assertTrue(u.get("age").isInt());
      assertThat(u.get("user_name").asText(), containsString(" "));
    }
  }

  @Test
  public void deadLettersCarryReasonStepAndTheOriginalLine() throws Exception {
    List<JsonNode> dead = Outputs.rows(out.resolve("dead-letter"));
    assertEquals(stats.malformed("pin") + stats.malformed("geo") + stats.malformed("user"), dead.size());
    Map<String, String> steps = Map.of("pin", "CleanPins", "geo", "CleanGeo", "user", "CleanUsers");
    for (JsonNode letter : dead) {
      String kind = letter.get("kind").asText();
      assertEquals(steps.get(kind), letter.get("step").asText());
      assertThat(letter.get("reason").asText().length(), greaterThan(5));
      // source is file:line; the payload must be that exact line of that file.
      String source = letter.get("source").asText();
      int colon = source.lastIndexOf(':');
      Path file = Path.of(source.substring(0, colon));
      int line = Integer.parseInt(source.substring(colon + 1));
      assertThat(file.toString(), containsString("/" + kind + "/"));
      assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8).get(line - 1),
          letter.get("payload").asText());
    }
  }

  @Test
  public void analyticsAgreeWithTheCleanTables() {
    List<JsonNode> users = Outputs.rows(out.resolve("clean/user"));
    Map<Integer, Long> joinedByYear = new TreeMap<>();
    for (JsonNode u : users) {
      int year = Integer.parseInt(u.get("date_joined").asText().substring(0, 4));
      if (year >= 2015 && year <= 2020) {
        joinedByYear.merge(year, 1L, Long::sum);
      }
    }
    Map<Integer, Long> reported = new TreeMap<>();
    for (JsonNode row : Outputs.rows(out.resolve("analytics/users_joined_by_year"))) {
      reported.put(row.get("post_year").asInt(), row.get("number_users_joined").asLong());
    }
    assertEquals(joinedByYear, reported);

    // Most popular category per country, recomputed from the clean pin and geo tables.
    Map<Long, String> category = new HashMap<>();
    for (JsonNode p : Outputs.rows(out.resolve("clean/pin"))) {
      category.put(p.get("ind").asLong(), p.get("category").asText());
    }
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (JsonNode g : Outputs.rows(out.resolve("clean/geo"))) {
      String c = category.get(g.get("ind").asLong());
      if (c != null) {
        counts.computeIfAbsent(g.get("country").asText(), k -> new TreeMap<>()).merge(c, 1L, Long::sum);
      }
    }
    Set<String> expected = new HashSet<>();
    counts.forEach((country, byCategory) -> {
      long max = byCategory.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      byCategory.forEach((c, n) -> {
        if (n == max) {
          expected.add(country + "|" + c + "|" + n);
        }
      });
    });
    Set<String> actual = Outputs.rows(out.resolve("analytics/popular_category_by_country")).stream()
        .map(r -> r.get("country").asText() + "|" + r.get("category").asText() + "|"
            + r.get("category_count").asLong())
        .collect(Collectors.toSet());
    assertEquals(expected, actual);

    for (String name : List.of("popular_category_by_country", "posts_per_category_by_year",
        "top_user_by_country", "country_with_top_user", "popular_category_by_age_group",
        "median_followers_by_age_group", "users_joined_by_year", "median_followers_by_join_year",
        "median_followers_by_join_year_and_age_group")) {
      assertThat(name, Outputs.rows(out.resolve("analytics").resolve(name)), is(org.hamcrest.Matchers.not(empty())));
    }
  }

  @Test
  public void rerunReplacesOutputAndParquetRoundTripsThroughPinterestAnalytics() throws Exception {
    // Re-running into an output folder that already holds a run's JSON must leave exactly one
    // run's rows: the runner may pick other shard counts, so stale files would add rows.
    Path rerun = TMP.newFolder("rerun").toPath();
    String[] json = {"--input=" + input, "--output=" + rerun, "--outputFormat=json", "--progressSeconds=0"};
    PinterestBatch.main(json);
    PinterestBatch.main(json);
    for (String table : List.of("clean/pin", "clean/geo", "clean/user", "dead-letter",
        "analytics/popular_category_by_country")) {
      List<String> again = Outputs.lines(rerun.resolve(table));
      List<String> once = Outputs.lines(out.resolve(table));
      assertEquals(table, once.size(), again.size());
      assertEquals(table, new HashSet<>(once), new HashSet<>(again));
    }

    Path parquet = TMP.newFolder("parquet").toPath();
    PinterestBatch.main(new String[] {"--input=" + input, "--output=" + parquet, "--progressSeconds=0"});
    assertThat(listFiles(parquet).stream().filter(f -> f.endsWith(".parquet")).count(), greaterThan(11L));

    Path analytics = TMP.newFolder("analytics").toPath();
    PinterestAnalytics.main(new String[] {"--input=" + parquet.resolve("clean"), "--inputFormat=parquet",
        "--output=" + analytics, "--outputFormat=json", "--progressSeconds=0"});
    for (String name : org.pipewright.transforms.pinterest.PinterestQueries.OUTPUTS.keySet()) {
      assertEquals(name, asSet(out.resolve("analytics").resolve(name)),
          asSet(analytics.resolve("analytics").resolve(name)));
    }
  }

  @Test
  public void dedupeCanBeSwitchedOff() throws Exception {
    Path noDedupe = TMP.newFolder("no-dedupe").toPath();
    PinterestBatch.main(new String[] {"--input=" + input, "--output=" + noDedupe, "--outputFormat=json",
        "--dedupe=false", "--progressSeconds=0"});
    JsonNode summary = Outputs.summary(noDedupe);
    List<String> quality = Outputs.quality(noDedupe, "pinterest");
    for (String kind : PinterestBatch.KINDS) {
      assertEquals(0, summary.get(kind).get("duplicates").asLong());
      long clean = summary.get(kind).get("clean").asLong();
      assertEquals(stats.records(kind) - stats.malformed(kind), clean);
      // Without de-duplication the unique check runs, and the re-sent records make it fail (a warning).
      List<JsonNode> rows = Outputs.rows(noDedupe.resolve("clean").resolve(kind));
      long repeatedIds = rows.size() - rows.stream().map(r -> r.get("ind").asLong()).distinct().count();
      assertThat(repeatedIds, greaterThan(0L));
      assertThat(quality, hasItem(kind + " | unique(ind) | warn | fail | " + repeatedIds + " of " + clean + " rows | 0"));
    }
  }

  @Test
  public void badOptionsGiveOneClearMessage() throws Exception {
    Path missing = TMP.getRoot().toPath().resolve("does-not-exist");
    UsageException noInput = assertThrows(UsageException.class, () -> PinterestBatch.run(
        new String[] {"--input=" + missing, "--output=" + TMP.newFolder().toPath()}));
    assertThat(noInput.getMessage(), containsString("no input files at " + missing));

    UsageException format = assertThrows(UsageException.class, () -> PinterestBatch.run(
        new String[] {"--input=" + input, "--output=" + TMP.newFolder().toPath(), "--outputFormat=csv"}));
    assertThat(format.getMessage(), containsString("unknown format 'csv'"));

    Path file = TMP.newFile("not-a-folder").toPath();
    UsageException unwritable = assertThrows(UsageException.class, () -> PinterestBatch.run(
        new String[] {"--input=" + input, "--output=" + file.resolve("out")}));
    assertThat(unwritable.getMessage(), containsString("cannot write to output"));

    UsageException required = assertThrows(UsageException.class, () -> PinterestBatch.run(
        new String[] {"--output=" + TMP.newFolder().toPath()}));
    assertThat(required.getMessage(), containsString("--input"));
  }

  private static List<String> fieldNames(JsonNode row) {
    List<String> names = new ArrayList<>();
    row.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> listFiles(Path root) throws Exception {
    try (var files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
          .collect(Collectors.toList());
    }
  }

  private static Set<JsonNode> asSet(Path dir) {
    return new HashSet<>(Outputs.rows(dir));
  }
}
