package org.pipewright.pipelines;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.Test;

/** How the landing writes the records that are not plain JSON lines. */
public class PinterestLandingTest {
  @Test
  public void anExtraTopicOfAKindTheBatchJobDoesNotReadIsAUsageError() {
    // Checked before any broker is asked: this one does not exist.
    UsageException e = org.junit.Assert.assertThrows(UsageException.class, () -> PinterestLanding.run(new String[] {
        "--kafkaBootstrapServers=127.0.0.1:9", "--kafkaTopicPrefix=t", "--output=" + System.getProperty("java.io.tmpdir"),
        "--kafkaExtraTopics=legacy.pin=pin,legacy.pins=pins"}));
    assertEquals("--kafkaExtraTopics: legacy.pins=pins names a kind PinterestBatch does not read;"
        + " expected one of [pin, geo, user]", e.getMessage());
  }

  @Test
  public void aRefusedRecordIsOneJsonStringLineHoldingTheReasonAndWhatWasRead() throws Exception {
    String line = PinterestLanding.refusedLine("invalid UTF-8 at byte 15 of the record",
        "{\"title\": \"caf\uFFFD\",\n \"x\": 1}");
    assertEquals(-1, line.indexOf('\n'));
    // Read back as the batch job's cleaner reads a line: a string, not an object, so it is refused.
    assertEquals("invalid UTF-8 at byte 15 of the record: {\"title\": \"caf\uFFFD\",\n \"x\": 1}",
        new ObjectMapper().readTree(line).textValue());
    assertEquals("\"\"", PinterestLanding.line(""));
    assertEquals("{\"a\": 1,  \"b\": 2}", PinterestLanding.line("{\"a\": 1,\n \"b\": 2}"));
  }

  @Test
  public void aLineBreakInsideAStringKeepsTheRecordWholeAsAStringInsteadOfMakingItValid() throws Exception {
    String broken = "{\"title\": \"two\nlines\", \"a\": 1}";
    String line = PinterestLanding.line(broken);
    assertEquals(broken, new ObjectMapper().readTree(line).textValue());
    // An escaped quote or backslash does not end the string; a break after the string is white space.
    org.junit.Assert.assertTrue(PinterestLanding.breaksInsideAString("{\"t\": \"say \\\"hi\nthere\\\"\"}"));
    org.junit.Assert.assertFalse(PinterestLanding.breaksInsideAString("{\"t\": \"a\\\\\",\n \"u\": 1}"));
    assertEquals("{\"t\": \"a\\\\\",  \"u\": 1}", PinterestLanding.line("{\"t\": \"a\\\\\",\n \"u\": 1}"));
  }
}
