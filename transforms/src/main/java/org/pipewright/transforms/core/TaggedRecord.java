package org.pipewright.transforms.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link RawRecord} that also says which kind of record it claims to be ({@code pin}, {@code
 * geo}, ...), as streaming sources that carry several kinds deliver them: the kind comes from the
 * topic or stream name, or from the partition key. {@link SplitByKind} routes them to one
 * collection per kind and dead-letters the kinds nobody asked for. Like a raw record, it may be one
 * its source could not deliver whole ({@link #refused}, {@link #decode}), which cleaning turns into
 * a dead letter with the source's reason.
 */
public final class TaggedRecord {
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("kind")
          .addNullableField("source", Schema.FieldType.STRING)
          .addStringField("payload")
          .addNullableField("error", Schema.FieldType.STRING)
          .build();

  private TaggedRecord() {}

  public static Row of(String kind, @Nullable String source, String payload) {
    // attachValues: the values already have the schema's types; build() would check each field again.
    return Row.withSchema(SCHEMA).attachValues(kind, source, payload, null);
  }

  /** A record the source could not deliver whole: {@code excerpt} is what it kept, {@code reason} why. */
  public static Row refused(String kind, @Nullable String source, String excerpt, String reason) {
    return Row.withSchema(SCHEMA).attachValues(kind, source, excerpt, reason);
  }

  /**
   * A record that arrived as bytes (a Kafka or Kinesis value; null is empty): its UTF-8 text, or,
   * when the bytes are not UTF-8, a refused record whose payload shows U+FFFD for the bad bytes.
   * Decoding them with replacement characters instead would change the data without a word.
   */
  public static Row decode(String kind, @Nullable String source, byte @Nullable [] bytes) {
    if (bytes == null) {
      return of(kind, source, "");
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    // The JDK's decoding is fast; only a text with a replacement character needs the strict look.
    if (text.indexOf('\uFFFD') < 0) {
      return of(kind, source, text);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in);
      return of(kind, source, text); // a real U+FFFD in valid UTF-8
    } catch (CharacterCodingException e) {
      return refused(kind, source, text, "invalid UTF-8 at byte " + (in.position() + 1)
          + " of the record; payload shows U+FFFD for the bad bytes");
    }
  }

  public static String kind(Row record) {
    return record.getString(0);
  }

  public static @Nullable String source(Row record) {
    return record.getString(1);
  }

  public static String payload(Row record) {
    return record.getString(2);
  }

  /** Why the source refused this record, or null for a record delivered whole. */
  public static @Nullable String error(Row record) {
    return record.getString(3);
  }

  /** The same record without its kind. */
  public static Row toRaw(Row record) {
    String error = error(record);
    return error == null ? RawRecord.of(source(record), payload(record))
        : RawRecord.refused(source(record), payload(record), error);
  }
}
