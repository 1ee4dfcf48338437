package org.pipewright.transforms.pinterest;

import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.FollowerCounts;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.RawRowCleaner;
import org.pipewright.transforms.core.Values;

/** Cleansing rules for pin records (see {@code SCOPE.md}, section 1). */
public final class PinCleaner extends RawRowCleaner {
  private static final long serialVersionUID = 1L;

  static final Set<String> TITLE_PLACEHOLDERS = Set.of("No Title Data Available");
  static final Set<String> DESCRIPTION_PLACEHOLDERS =
      Set.of("No description available Story format", "No description available", "Untitled");
  static final Set<String> USER_PLACEHOLDERS = Set.of("User Info Error");
  static final Set<String> TAG_PLACEHOLDERS = Set.of("N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e");
  static final Set<String> IMAGE_PLACEHOLDERS = Set.of("Image src error.");
  static final String SAVE_PREFIX = "Local save in ";

  @Override
  public String kind() {
    return "pin";
  }

  @Override
  public Schema rawSchema() {
    return PinterestSchemas.RAW_PIN;
  }

  @Override
  public Map<String, String> aliases() {
    // Some emulators send img_src, and some records carry the already-renamed ind.
    return Map.of("img_src", "image_src", "ind", "index");
  }

  @Override
  public Schema cleanSchema() {
    return PinterestSchemas.PIN;
  }

  @Override
  public Row cleanRaw(Row raw) {
    return Row.withSchema(PinterestSchemas.PIN).attachValues(
        Numbers.id("index", raw.getString("index")),
        Values.clean(raw.getString("unique_id")),
        Values.clean(raw.getString("title"), TITLE_PLACEHOLDERS),
        Values.clean(raw.getString("description"), DESCRIPTION_PLACEHOLDERS),
        FollowerCounts.parse(Values.clean(raw.getString("follower_count"), USER_PLACEHOLDERS)),
        Values.clean(raw.getString("poster_name"), USER_PLACEHOLDERS),
        Values.clean(raw.getString("tag_list"), TAG_PLACEHOLDERS),
        Values.clean(raw.getString("is_image_or_video")),
        Values.clean(raw.getString("image_src"), IMAGE_PLACEHOLDERS),
        saveLocation(Values.clean(raw.getString("save_location"))),
        Values.clean(raw.getString("category")));
  }

  static String saveLocation(String value) {
    if (value == null || !value.startsWith(SAVE_PREFIX)) {
      return value;
    }
    return Values.clean(value.substring(SAVE_PREFIX.length()));
  }
}
