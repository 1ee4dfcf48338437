package org.pipewright.io.http;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * A good answer: the request's {@code name} and {@code path}, the full {@code url} with the key
 * masked, the HTTP {@code status}, the {@code body} as returned (valid JSON that passed the API
 * error check) and when it arrived ({@code fetched_at}).
 */
public final class ApiResponse {
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("name", Schema.FieldType.STRING)
          .addStringField("path")
          .addStringField("url")
          .addInt32Field("status")
          .addStringField("body")
          .addDateTimeField("fetched_at")
          .build();

  private ApiResponse() {}

  public static Row of(@Nullable String name, String path, String maskedUrl, int status, String body,
      Instant fetchedAt) {
    return Row.withSchema(SCHEMA).addValues(name, path, maskedUrl, status, body, fetchedAt).build();
  }

  public static @Nullable String name(Row response) {
    return response.getString("name");
  }

  public static String path(Row response) {
    return response.getString("path");
  }

  public static String url(Row response) {
    return response.getString("url");
  }

  public static int status(Row response) {
    return response.getInt32("status");
  }

  public static String body(Row response) {
    return response.getString("body");
  }

  public static Instant fetchedAt(Row response) {
    return response.getDateTime("fetched_at").toInstant();
  }
}
