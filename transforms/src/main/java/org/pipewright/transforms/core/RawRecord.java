package org.pipewright.transforms.core;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One record as it arrived: the undecoded payload and where it came from ({@code file:line},
 * {@code topic/partition@offset}). Every source emits these, so every cleansing step can put the
 * original payload and its coordinates into a dead letter.
 */
public final class RawRecord {
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("source", Schema.FieldType.STRING)
          .addStringField("payload")
          .build();

  private RawRecord() {}

  public static Row of(@Nullable String source, String payload) {
    return Row.withSchema(SCHEMA).addValues(source, payload).build();
  }

  public static @Nullable String source(Row record) {
    return record.getString(0);
  }

  public static String payload(Row record) {
    return record.getString(1);
  }
}
