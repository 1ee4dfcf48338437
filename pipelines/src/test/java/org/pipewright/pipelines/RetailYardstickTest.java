package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The retail benchmark's yardstick does RetailDaily's work: on a generated archive with a few bad
 * answers added, it gives the same four tables and the same summary, so {@code
 * benchmarks/run-retail.sh} compares like with like.
 */
public class RetailYardstickTest {
  @ClassRule public static final TemporaryFolder TMP = new TemporaryFolder();

  @Test
  public void theYardstickGivesTheSameTablesAndSummaryAsRetailDaily() throws Exception {
    Path in = TMP.newFolder("archive").toPath();
    // 12 days, two polls a day: 600 trending items, 300 of them repeats of the day's first poll; one
    // day (the 4th) without rates (the day before's are used).
    assertEquals(600, RetailArchive.write(in, LocalDate.parse("2017-03-01"), 12, 2));
    land(in, "trends/dt=2017-03-02/2300.json", "{\"time\": 1, \"items\": [{\"itemId\": 5, \"name\": \"No price\"}, "
        + "{\"itemId\": 6, \"name\": \"Late lamp\", \"msrp\": 10, \"salePrice\": 7.5, \"customerRating\": \"4\"}]}");
    land(in, "trends/dt=2017-03-03/2300.json", "{\"items\": [");
    land(in, "trends/dt=2017-03-04/2300.json", "");
    // The newest rates are of 12 March: none within 3 days of 20 April.
    land(in, "vod/dt=2017-04-20/vod.json", "{\"itemId\": 8, \"name\": \"Desk\", \"salePrice\": 5}");
    land(in, "rates/dt=2017-03-05/late.json", "{\"success\": false, \"error\": {\"code\": 106, \"info\": \"x\"}}");

    Path pipeline = TMP.getRoot().toPath().resolve("pipeline");
    RetailDaily.main(new String[] {"--input=" + in, "--output=" + pipeline, "--outputFormat=json",
        "--progressSeconds=0"});
    Path yard = TMP.getRoot().toPath().resolve("yardstick");
    RetailYardstick.main(new String[] {in.toString(), yard.toString()});

    assertEquals(Outputs.parse("{\"trends\": {\"read\": 604, \"clean\": 301, \"duplicates\": 300, \"deadLetter\": 3},"
        + " \"vod\": {\"read\": 13, \"clean\": 12, \"duplicates\": 0, \"deadLetter\": 1},"
        + " \"rates\": {\"read\": 12, \"clean\": 11, \"duplicates\": 0, \"deadLetter\": 1}}"), Outputs.summary(pipeline));
    assertEquals(Files.readString(pipeline.resolve("summary.json")), Files.readString(yard.resolve("summary.json")));
    for (String table : RetailTables.TABLES) {
      List<String> expected = new ArrayList<>(Outputs.lines(pipeline.resolve(table)));
      List<String> actual = new ArrayList<>(Outputs.lines(yard.resolve(table)));
      expected.sort(null);
      actual.sort(null);
      assertEquals(table, expected, actual);
    }
    assertEquals(25, Outputs.lines(yard.resolve(RetailTables.TOP)).size());
  }

  private static void land(Path root, String name, String body) throws Exception {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, body, StandardCharsets.UTF_8);
  }
}
