package org.pipewright.transforms.core;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A record that could not be processed: what it was ({@code kind}), which step refused it, why,
 * where it came from and the original payload, unchanged.
 *
 * <p>Beam's {@link BadRecord} has no field for the record's source coordinates or its kind, which
 * our dead-letter tables need, so this is our own schema; {@link #fromBadRecord} folds bad records
 * from Beam IOs into the same shape so that everything lands in one place.
 */
public final class DeadLetter {
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("kind")
          .addStringField("step")
          .addStringField("reason")
          .addNullableField("source", Schema.FieldType.STRING)
          .addNullableField("payload", Schema.FieldType.STRING)
          .build();

  /** Where {@link #shortReason} cuts a reason: a sink's error message may quote the whole failing row. */
  public static final int MAX_REASON_CHARS = 2000;

  private DeadLetter() {}

  /**
   * {@code reason} cut to {@link #MAX_REASON_CHARS} characters and marked with "..." where cut; never
   * between the two halves of a surrogate pair, which a database would store as '?'.
   */
  public static String shortReason(String reason) {
    if (reason.length() <= MAX_REASON_CHARS) {
      return reason;
    }
    int end = Character.isHighSurrogate(reason.charAt(MAX_REASON_CHARS - 1)) ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
    return reason.substring(0, end) + "...";
  }

  public static Row of(
      String kind, String step, String reason, @Nullable String source, @Nullable String payload) {
    return Row.withSchema(SCHEMA).addValues(kind, step, reason, source, payload).build();
  }

  /** A dead letter for a {@link RawRecord} that failed in {@code step}. */
  public static Row of(String kind, String step, String reason, Row rawRecord) {
    return of(kind, step, reason, RawRecord.source(rawRecord), RawRecord.payload(rawRecord));
  }

  /**
   * The value of a row's {@code source} string field, where its schema has one (records that carry
   * their origin along, such as items parsed from a landed file), else null: what a step that refuses
   * an already-parsed row puts in its dead letter's {@code source}.
   */
  public static @Nullable String sourceField(Row row) {
    Schema schema = row.getSchema();
    return schema.hasField("source") && schema.getField("source").getType().getTypeName() == Schema.TypeName.STRING
        ? row.getString("source") : null;
  }

  /**
   * {@code where#k1,k2}: the source of a row that a sink refused, {@code where} (a table or
   * collection) and the values of its key fields; unique per row, as a dead letter's source is meant
   * to be (dead-letter tables are keyed by it: {@code where} alone would fold every refused row into one).
   */
  public static String keySource(String where, Row row, java.util.List<String> keys) {
    StringBuilder s = new StringBuilder(where).append('#');
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      s.append(i == 0 ? "" : ",").append(row.getSchema().hasField(key) ? String.valueOf((Object) row.getValue(key)) : "");
    }
    return s.toString();
  }

  /** Converts a bad record reported by a Beam IO (for example KafkaIO) to a dead letter. */
  public static Row fromBadRecord(String kind, String step, BadRecord bad) {
    BadRecord.Failure failure = bad.getFailure();
    String reason = failure.getDescription();
    if (failure.getException() != null) {
      reason = reason + ": " + failure.getException();
    }
    return of(kind, step, reason, null, bad.getRecord().getHumanReadableJsonRecord());
  }

  public static String kind(Row deadLetter) {
    return deadLetter.getString("kind");
  }

  public static String step(Row deadLetter) {
    return deadLetter.getString("step");
  }

  public static String reason(Row deadLetter) {
    return deadLetter.getString("reason");
  }

  public static @Nullable String source(Row deadLetter) {
    return deadLetter.getString("source");
  }

  public static @Nullable String payload(Row deadLetter) {
    return deadLetter.getString("payload");
  }
}
