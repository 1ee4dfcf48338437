package org.pipewright.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import java.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class ConsoleOptionsTest {
  @Rule public final TemporaryFolder tmp = new TemporaryFolder();

  @Test
  public void defaults() {
    ConsoleOptions o = ConsoleOptions.parse("--jdbcUrl=jdbc:postgresql://127.0.0.1/db");
    assertEquals("127.0.0.1", o.bind);
    assertEquals(8080, o.port);
    assertEquals("pinterest_", o.prefixes.pinterest);
    assertEquals("retail_", o.prefixes.retail);
    assertEquals("movies_", o.prefixes.movies);
    assertNull(ConsoleOptions.parse("--help"));
  }

  @Test
  public void prefixesAreFoldedToLowerCaseAsThePipelinesFoldTableNames() {
    ConsoleOptions o = ConsoleOptions.parse("--jdbcUrl=jdbc:postgresql://127.0.0.1/db", "--retailPrefix=Shop_");
    assertEquals("shop_", o.prefixes.retail);
  }

  @Test
  public void badOptionsSayWhatIsWrong() {
    assertThat(error(), containsString("--jdbcUrl is required"));
    assertThat(error("--jdbcUrl=jdbc:mysql://x/db"), containsString("PostgreSQL URL"));
    assertThat(error("--jdbcUrl=jdbc:postgresql://x/db?password=hunter2"), containsString("must not contain the password"));
    assertThat(error("--jdbcUrl=jdbc:postgresql://x/db", "--port=70000"), containsString("--port must be a whole number"));
    assertThat(error("--jdbcUrl=jdbc:postgresql://x/db", "--retailPrefix=1x"), containsString("--retailPrefix"));
    assertThat(error("--jdbcUrl=jdbc:postgresql://x/db", "--bogus=1"), containsString("unknown option --bogus"));
    assertThat(error("jdbc:postgresql://x/db"), containsString("expected --name=value"));
  }

  @Test
  public void aPasswordFileThatCannotBeReadIsAUsageError() throws Exception {
    String url = "--jdbcUrl=jdbc:postgresql://x/db";
    String missing = tmp.getRoot() + "/no-such-password";
    assertEquals("--jdbcPasswordFile must name a readable file: '" + missing + "' does not exist",
        error(url, "--jdbcPasswordFile=" + missing));
    assertEquals("--jdbcPasswordFile must name a readable file: '" + tmp.getRoot() + "' is not a file",
        error(url, "--jdbcPasswordFile=" + tmp.getRoot()));
    assertEquals("--jdbcPasswordFile must name a readable file: got ''", error(url, "--jdbcPasswordFile="));
    String file = tmp.newFile("password").toString();
    assertEquals(file, ConsoleOptions.parse(url, "--jdbcPasswordFile=" + file).jdbcPasswordFile);
  }

  @Test
  public void eachPrefixIsLimitedByItsOwnPipelinesLongestTable() {
    String url = "--jdbcUrl=jdbc:postgresql://x/db";
    // 24 characters: too long for pinterest_median_followers_by_join_year_and_age_group, fine for retail.
    assertEquals("acme_europe_retail_prod_",
        ConsoleOptions.parse(url, "--retailPrefix=acme_europe_retail_prod_").prefixes.retail);
    assertEquals("m".repeat(45), ConsoleOptions.parse(url, "--moviesPrefix=" + "m".repeat(45)).prefixes.movies);
    assertEquals("r".repeat(45), ConsoleOptions.parse(url, "--retailPrefix=" + "r".repeat(45)).prefixes.retail);
    assertEquals("--retailPrefix must be letters, digits and _, not starting with a digit, at most 45 characters"
        + " (its longest table, <prefix>trending_frequency, must fit PostgreSQL's 63-byte identifier limit); got '"
        + "r".repeat(46) + "'", error(url, "--retailPrefix=" + "r".repeat(46)));
    assertEquals("p".repeat(20), ConsoleOptions.parse(url, "--pinterestPrefix=" + "p".repeat(20)).prefixes.pinterest);
    assertThat(error(url, "--pinterestPrefix=" + "p".repeat(21)), containsString("at most 20 characters (its longest"
        + " table, <prefix>median_followers_by_join_year_and_age_group,"));
    assertThat(error(url, "--moviesPrefix=" + "m".repeat(46)), containsString("at most 45 characters"));
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> ConsoleOptions.parse(args)).getMessage();
  }

  @Test
  public void runDurationsAndCounts() {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    assertEquals("1m 05s", Pages.duration("2026-12-01T10:00:00Z", "2026-12-01T10:01:05Z", now));
    assertEquals("running for 2h 00m 00s", Pages.duration("2026-12-01T10:00:00Z", "", now));
    assertEquals("9s", Pages.duration("2026-12-01T10:00:00Z", "2026-12-01T10:00:09Z", now));
    assertEquals("pin: 10 / 8 / 1 / 1\ngeo: 3 / 3 / 0 / 0", Pages.counts("{\"pin\": {\"read\": 10, \"clean\": 8,"
        + " \"duplicates\": 1, \"deadLetter\": 1}, \"geo\": {\"read\": 3, \"clean\": 3, \"duplicates\": 0, \"deadLetter\": 0}}"));
    // A streaming run's counts: no duplicates figure
    assertEquals("pin: 10 / 8 / - / 2", Pages.counts("{\"pin\": {\"read\": 10, \"clean\": 8, \"deadLetter\": 2}}"));
    assertEquals("not json", Pages.counts("not json"));
  }

  @Test
  public void likeEscapeMatchesLiterally() {
    assertEquals("100\\% bad\\_value \\\\", DeadLetters.likeEscape("100% bad_value \\"));
  }
}
