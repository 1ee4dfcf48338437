package org.pipewright.transforms.pinterest;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;

/**
 * Beam schemas of the Pinterest records. Raw schemas hold every field as the nullable string the
 * emulator sends; clean schemas are typed, in the column order of the published tables.
 */
public final class PinterestSchemas {
  private PinterestSchemas() {}

  public static final Schema RAW_PIN =
      rawSchema(
          "index", "unique_id", "title", "description", "poster_name", "follower_count", "tag_list",
          "is_image_or_video", "image_src", "downloaded", "save_location", "category");

  public static final Schema RAW_GEO =
      rawSchema("ind", "timestamp", "latitude", "longitude", "country");

  public static final Schema RAW_USER =
      rawSchema("ind", "first_name", "last_name", "age", "date_joined");

  public static final Schema PIN =
      Schema.builder()
          .addInt64Field("ind")
          .addNullableField("unique_id", FieldType.STRING)
          .addNullableField("title", FieldType.STRING)
          .addNullableField("description", FieldType.STRING)
          .addNullableField("follower_count", FieldType.INT64)
          .addNullableField("poster_name", FieldType.STRING)
          .addNullableField("tag_list", FieldType.STRING)
          .addNullableField("is_image_or_video", FieldType.STRING)
          .addNullableField("image_src", FieldType.STRING)
          .addNullableField("save_location", FieldType.STRING)
          .addNullableField("category", FieldType.STRING)
          .build();

  public static final Schema GEO =
      Schema.builder()
          .addInt64Field("ind")
          .addNullableField("country", FieldType.STRING)
          .addNullableField("coordinates", FieldType.array(FieldType.DOUBLE))
          .addNullableField("timestamp", FieldType.DATETIME)
          .build();

  public static final Schema USER =
      Schema.builder()
          .addInt64Field("ind")
          .addNullableField("user_name", FieldType.STRING)
          .addNullableField("age", FieldType.INT32)
          .addNullableField("date_joined", FieldType.DATETIME)
          .build();

  private static Schema rawSchema(String... fields) {
    Schema.Builder builder = Schema.builder();
    for (String field : fields) {
      builder.addNullableField(field, FieldType.STRING);
    }
    return builder.build();
  }
}
