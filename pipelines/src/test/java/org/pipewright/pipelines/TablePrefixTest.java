package org.pipewright.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** Table prefixes are SQL identifiers, checked before anything runs. */
public class TablePrefixTest {
  static final String HOSTILE = "x; DROP TABLE y; --";

  private static JdbcOptions options(String... args) {
    return PipelineOptionsFactory.fromArgs(args).as(JdbcOptions.class);
  }

  @Test
  public void theDefaultAndPlainPrefixesAreAccepted() {
    PinterestTables tables = PinterestTables.of(options("--jdbcUrl=jdbc:postgresql://db/x"));
    assertEquals("pinterest_pin", tables.name("pin"));
    assertEquals("x_pin", PinterestTables.of(options("--jdbcUrl=jdbc:postgresql://db/x", "--tablePrefix=x_")).name("pin"));
    for (String prefix : new String[] {"pinterest_", "", "Wh_", "_x1", "p".repeat(20)}) {
      PinterestTables.validate(options("--tablePrefix=" + prefix));
    }
  }

  @Test
  public void hostileOrTooLongPrefixesAndPasswordsInTheUrlAreRefused() {
    // The longest table name after the prefix has 43 characters, so 20 are left of the 63.
    for (String prefix : new String[] {HOSTILE, "1x_", "a-b", "p".repeat(21)}) {
      UsageException e = assertThrows(UsageException.class,
          () -> PinterestTables.validate(options("--tablePrefix=" + prefix)));
      assertEquals("--tablePrefix must be letters, digits and _, not starting with a digit, at most 20 characters "
          + "(table names are SQL identifiers), got '" + prefix + "'", e.getMessage());
    }
    UsageException e = assertThrows(UsageException.class, () -> PinterestTables.validate(
        options("--jdbcUrl=jdbc:postgresql://db/x?user=etl&password=S3CRET-jdbc-4711")));
    assertEquals("--jdbcUrl must not contain the password: set PIPEWRIGHT_JDBC_PASSWORD or --jdbcPasswordFile",
        e.getMessage());
  }

  @Test
  public void aUrlThatIsNotJdbcAndAnUnknownDialectAreUsageErrorsBeforeAnyServiceIsAsked() {
    UsageException url = assertThrows(UsageException.class,
        () -> PinterestTables.validate(options("--jdbcUrl=postgresql://db:5432/x")));
    assertEquals("--jdbcUrl: JDBC URL must start with jdbc:, got 'postgresql://db:5432/x'", url.getMessage());
    UsageException dialect = assertThrows(UsageException.class,
        () -> PinterestTables.validate(options("--jdbcUrl=jdbc:postgresql://db/x", "--jdbcDialect=postgresql")));
    assertEquals("--jdbcDialect: unknown JDBC dialect 'postgresql': use postgres or redshift", dialect.getMessage());
  }

  @Test
  public void aMongoUriWithAUserButNoPasswordIsAUsageError() {
    org.junit.Assume.assumeTrue("the password variable is not set here",
        System.getenv(org.pipewright.io.mongodb.MongoConnection.PASSWORD_ENV) == null);
    UsageException e = assertThrows(UsageException.class, () -> RetailTables.checkMongo(
        org.pipewright.io.mongodb.MongoConnection.to("mongodb://etl@127.0.0.1:1/")));
    assertThat(e.getMessage(), startsWith("the MongoDB URI "));
  }

  @Test
  public void aKinesisEndpointWithoutASchemeIsAUsageError() {
    PinterestStreamingOptions options = PipelineOptionsFactory
        .fromArgs("--source=kinesis", "--kinesisEndpoint=127.0.0.1:4567").as(PinterestStreamingOptions.class);
    UsageException e = assertThrows(UsageException.class, () -> PinterestStreaming.kinesisRead(options));
    assertEquals("Kinesis endpoint must be an http:// or https:// URL with a host, got '127.0.0.1:4567'", e.getMessage());
  }

  @Test
  public void batchMainRefusesAHostilePrefixWithOneErrorLineAndExitCode2() throws Exception {
    assertRefused("org.pipewright.pipelines.PinterestBatch", "--input=/nonexistent", "--output=/nonexistent",
        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/x");
  }

  @Test
  public void streamingMainRefusesAHostilePrefixWithOneErrorLineAndExitCode2() throws Exception {
    assertRefused("org.pipewright.pipelines.PinterestStreaming", "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/x",
        "--kafkaBootstrapServers=127.0.0.1:1");
  }

  @Test
  public void moviesMainRefusesAHostilePrefixWithOneErrorLineAndExitCode2() throws Exception {
    assertRefused("org.pipewright.pipelines.MoviesWarehouse", "--input=/nonexistent", "--output=/nonexistent",
        "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/x");
  }

  @Test
  public void moviesTablesAcceptPlainPrefixesAndRefuseHostileOnes() {
    MoviesTables.validate(options("--tablePrefix=movies_"));
    MoviesTables.validate(options("--tablePrefix=x_"));
    UsageException e = assertThrows(UsageException.class,
        () -> MoviesTables.validate(options("--tablePrefix=" + HOSTILE)));
    assertThat(e.getMessage(), startsWith("--tablePrefix must be letters, digits and _"));
  }

  /** Runs {@code main} in its own JVM (it calls System.exit) on this test's class path. */
  private static void assertRefused(String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(BundledJar.javaBin(), "-cp",
        System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    command.add("--tablePrefix=" + HOSTILE);
    BundledJar.Result result = BundledJar.finish(new ProcessBuilder(command).redirectErrorStream(true).start(), 2);
    assertEquals(result.output, 2, result.exitCode);
    List<String> lines = result.output.strip().lines().toList();
    assertEquals(result.output, 1, lines.size());
    assertThat(lines.get(0), startsWith("error: --tablePrefix must be letters, digits and _"));
  }

  @Test
  public void aDeadLetterTooLongForRedshiftIsCutAtAWholeCharacterAndMarked() {
    // 1-, 2-, 3- and 4-byte characters, and NULs, which the sink stores as U+FFFD (3 bytes).
    String text = "ab" + "é€😀\u0000".repeat(12) + "x"; // 3 + 12 * (2 + 3 + 4 + 3) = 147 bytes as stored
    assertEquals(text, WarehouseTables.fit(text, 200));
    assertEquals(null, WarehouseTables.fit(null, 10));
    String stored = text.replace('\u0000', '\uFFFD');
    assertEquals(stored, WarehouseTables.fit(text, 147));
    String mark = " [cut from 147 bytes]";
    for (int max = mark.length() + 2; max < 147; max++) {
      String cut = WarehouseTables.fit(text, max);
      assertTrue(cut, cut.endsWith(mark));
      String kept = cut.substring(0, cut.length() - mark.length());
      assertTrue(cut, stored.startsWith(kept));
      int bytes = cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      assertTrue(max + ": " + bytes, bytes <= max && bytes > max - 4);
      assertTrue(cut, kept.isEmpty() || !Character.isHighSurrogate(kept.charAt(kept.length() - 1)));
    }
  }
}
