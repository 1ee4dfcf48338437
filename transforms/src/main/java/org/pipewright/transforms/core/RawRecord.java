package org.pipewright.transforms.core;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One record as it arrived: the undecoded payload and where it came from ({@code file:line},
 * {@code topic/partition@offset}). Every source emits these, so every cleansing step can put the
 * original payload and its coordinates into a dead letter.
 *
 * <p>A source that could not deliver a record whole (a line over the size limit, bytes that are
 * not UTF-8, a file cut off mid-stream) still emits one, made with {@link #refused}: the payload
 * is what could be kept (a bounded excerpt) and {@code error} says why. {@link CleanRecords} turns
 * such a record into a dead letter without parsing it, so the source never needs a second output
 * and {@code read = clean + duplicates + dead letters} holds from the source on.
 */
public final class RawRecord {
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("source", Schema.FieldType.STRING)
          .addStringField("payload")
          .addNullableField("error", Schema.FieldType.STRING)
          .build();

  private RawRecord() {}

  public static Row of(@Nullable String source, String payload) {
    // attachValues: the values already have the schema's types; build() would check each field again.
    return Row.withSchema(SCHEMA).attachValues(source, payload, null);
  }

  /** A record the source could not deliver whole: {@code excerpt} is what it kept, {@code reason} why. */
  public static Row refused(@Nullable String source, String excerpt, String reason) {
    return Row.withSchema(SCHEMA).attachValues(source, excerpt, reason);
  }

  public static @Nullable String source(Row record) {
    return record.getString(0);
  }

  public static String payload(Row record) {
    return record.getString(1);
  }

  /** Why the source refused this record, or null for a record delivered whole. */
  public static @Nullable String error(Row record) {
    return record.getString(2);
  }
}
