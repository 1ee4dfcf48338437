package org.pipewright.transforms.core;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link RawRecord} that also says which kind of record it claims to be ({@code pin}, {@code
 * geo}, ...), as streaming sources that carry several kinds deliver them: the kind comes from the
 * topic or stream name, or from the partition key. {@link SplitByKind} routes them to one
 * collection per kind and dead-letters the kinds nobody asked for.
 */
public final class TaggedRecord {
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("kind")
          .addNullableField("source", Schema.FieldType.STRING)
          .addStringField("payload")
          .build();

  private TaggedRecord() {}

  public static Row of(String kind, @Nullable String source, String payload) {
    // attachValues: the values already have the schema's types; build() would check each field again.
    return Row.withSchema(SCHEMA).attachValues(kind, source, payload);
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

  /** The same record without its kind. */
  public static Row toRaw(Row record) {
    return RawRecord.of(source(record), payload(record));
  }
}
