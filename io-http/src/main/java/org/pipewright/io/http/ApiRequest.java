package org.pipewright.io.http;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One call to make: {@code path} is relative to the API's base URL and carries the query
 * ({@code /api/historical?date=2017-03-02}), without the key; {@code name} is the caller's own tag,
 * copied to the response unchanged (a landing date, a file name).
 */
public final class ApiRequest {
  public static final Schema SCHEMA =
      Schema.builder()
          .addNullableField("name", Schema.FieldType.STRING)
          .addStringField("path")
          .build();

  private ApiRequest() {}

  public static Row of(@Nullable String name, String path) {
    return Row.withSchema(SCHEMA).addValues(name, path).build();
  }

  public static @Nullable String name(Row request) {
    return request.getString(0);
  }

  public static String path(Row request) {
    return request.getString(1);
  }
}
