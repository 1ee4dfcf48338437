package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.values.Row;
import org.junit.Test;

public class TaggedRecordTest {
  @Test
  public void utf8BytesAreTheirText() {
    Row record = TaggedRecord.decode("pin", "t/0@1", "{\"title\": \"Zoë ✨ 𝄞\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(TaggedRecord.of("pin", "t/0@1", "{\"title\": \"Zoë ✨ 𝄞\"}"), record);
    assertNull(TaggedRecord.error(record));
    // A replacement character the producer really sent is text like any other.
    assertEquals(TaggedRecord.of("pin", "t/0@2", "a\uFFFDb"),
        TaggedRecord.decode("pin", "t/0@2", "a\uFFFDb".getBytes(StandardCharsets.UTF_8)));
    assertEquals(TaggedRecord.of("pin", "t/0@3", ""), TaggedRecord.decode("pin", "t/0@3", null));
  }

  @Test
  public void bytesThatAreNotUtf8AreRefusedNotAltered() {
    // "café" in Latin-1, and a truncated 3-byte sequence at the end.
    byte[] latin1 = {'{', '"', 'c', 'a', 'f', (byte) 0xE9, '"', '}'};
    Row record = TaggedRecord.decode("pin", "t/0@4", latin1);
    assertEquals(TaggedRecord.refused("pin", "t/0@4", "{\"caf\uFFFD\"}",
        "invalid UTF-8 at byte 6 of the record; payload shows U+FFFD for the bad bytes"), record);
    assertEquals(RawRecord.refused("t/0@4", "{\"caf\uFFFD\"}",
        "invalid UTF-8 at byte 6 of the record; payload shows U+FFFD for the bad bytes"), TaggedRecord.toRaw(record));
    byte[] cut = {'{', '}', (byte) 0xE2, (byte) 0x9C};
    assertEquals("invalid UTF-8 at byte 3 of the record; payload shows U+FFFD for the bad bytes",
        TaggedRecord.error(TaggedRecord.decode("geo", "t/0@5", cut)));
  }

  @Test
  public void aRefusedRecordBecomesADeadLetterWithTheSourcesReason() {
    Row raw = TaggedRecord.toRaw(TaggedRecord.decode("pin", "t/0@4", new byte[] {'{', (byte) 0xFF, '}'}));
    CleanRecords.Outcome outcome = CleanRecords.cleanOne(
        org.pipewright.transforms.pinterest.CleanPinterest.recordCleaner("pin"), "CleanPins", 1000, raw);
    assertNull(outcome.clean);
    assertEquals("invalid UTF-8 at byte 2 of the record; payload shows U+FFFD for the bad bytes",
        DeadLetter.reason(outcome.deadLetter));
    assertEquals("{\uFFFD}", DeadLetter.payload(outcome.deadLetter));
    assertEquals("t/0@4", DeadLetter.source(outcome.deadLetter));
  }
}
