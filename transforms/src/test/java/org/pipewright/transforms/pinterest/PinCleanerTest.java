package org.pipewright.transforms.pinterest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.values.Row;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.RawJson;

public class PinCleanerTest {
  private final PinCleaner cleaner = new PinCleaner();

  private Row clean(String json) {
    return cleaner.clean(RawJson.parseObject(json));
  }

  private BadValueException bad(String json) {
    return assertThrows(BadValueException.class, () -> clean(json));
  }

  static Row pin(
      long ind,
      String uniqueId,
      String title,
      String description,
      Long followerCount,
      String posterName,
      String tagList,
      String isImageOrVideo,
      String imageSrc,
      String saveLocation,
      String category) {
    return Row.withSchema(PinterestSchemas.PIN)
        .addValues(
            ind, uniqueId, title, description, followerCount, posterName, tagList, isImageOrVideo,
            imageSrc, saveLocation, category)
        .build();
  }

  @Test
  public void describesItself() {
    assertEquals("pin", cleaner.kind());
    assertEquals(PinterestSchemas.PIN, cleaner.cleanSchema());
    assertEquals(PinterestSchemas.RAW_PIN, cleaner.rawSchema());
  }

  @Test
  public void cleansDirtyRecordWithPlaceholders() {
    String json =
        "{\"index\": 7528, \"unique_id\": \" fbe53c66-3442-4773-b19e-d3ec6f54dddf \","
            + " \"title\": \"No Title Data Available\","
            + " \"description\": \"No description available Story format\","
            + " \"poster_name\": \"\\u00a0Maggie & Co \\u00a0\", \"follower_count\": \"43k\","
            + " \"tag_list\": \"N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e\","
            + " \"is_image_or_video\": \"multi-video(story page format)\","
            + " \"image_src\": \"Image src error.\", \"downloaded\": 0,"
            + " \"save_location\": \"Local save in /data/mens-fashion\","
            + " \"category\": \"mens-fashion\"}";
    assertEquals(
        pin(7528, "fbe53c66-3442-4773-b19e-d3ec6f54dddf", null, null, 43_000L, "Maggie & Co",
            null, "multi-video(story page format)", null, "/data/mens-fashion", "mens-fashion"),
        clean(json));
  }

  @Test
  public void cleansRecordWithAliasesAndRealValues() {
    // img_src instead of image_src, ind instead of index, a JSON integer follower count,
    // inner text (emoji, Cyrillic, ellipsis) untouched.
    String json =
        "{\"ind\": 2863, \"unique_id\": \"9bf39437-42a6-4f02-99a0-9a0383d8cd70\","
            + " \"title\": \" 25 Super Fun Summer Crafts for Kids 😀 \","
            + " \"description\": \"Привет… Keep the kids busy\","
            + " \"poster_name\": \"Of Life & Lisa | Lifestyle Blog\", \"follower_count\": 124,"
            + " \"tag_list\": \"Summer Crafts For Kids,Fun Crafts For Kids\","
            + " \"is_image_or_video\": \"image\","
            + " \"img_src\": \"https://i.pinimg.com/originals/b3/bc/e2/b3bce2964e8c8975387b39f1aed2a2fd.png\","
            + " \"downloaded\": 1, \"save_location\": \"Local save in /data/diy-and-crafts\","
            + " \"category\": \"diy-and-crafts\"}";
    assertEquals(
        pin(2863, "9bf39437-42a6-4f02-99a0-9a0383d8cd70", "25 Super Fun Summer Crafts for Kids 😀",
            "Привет… Keep the kids busy", 124L, "Of Life & Lisa | Lifestyle Blog",
            "Summer Crafts For Kids,Fun Crafts For Kids", "image",
            "https://i.pinimg.com/originals/b3/bc/e2/b3bce2964e8c8975387b39f1aed2a2fd.png",
            "/data/diy-and-crafts", "diy-and-crafts"),
        clean(json));
  }

  @Test
  public void userInfoErrorNullsPosterAndFollowers() {
    String json =
        "{\"index\": 5, \"title\": \"Untitled\", \"description\": \"No description available\","
            + " \"poster_name\": \"User Info Error\", \"follower_count\": \" User Info Error \","
            + " \"category\": \"art\", \"save_location\": \"  \"}";
    assertEquals(
        pin(5, null, "Untitled", null, null, null, null, null, null, null, "art"), clean(json));
  }

  @Test
  public void olderSchemaWithoutPosterName() {
    String json =
        "{\"index\": \"10\", \"unique_id\": \"NULL\", \"follower_count\": \"1.5k\","
            + " \"description\": \"Untitled\", \"category\": \"null\","
            + " \"save_location\": \"/data/travel\"}";
    assertEquals(
        pin(10, null, null, null, 1_500L, null, null, null, null, "/data/travel", null), clean(json));
  }

  @Test
  public void millionsAndRounding() {
    assertEquals(Long.valueOf(1_000_000), clean("{\"index\": 1, \"follower_count\": \"1M\"}").getInt64("follower_count"));
    assertEquals(Long.valueOf(2_500_000), clean("{\"index\": 1, \"follower_count\": \"2.5M\"}").getInt64("follower_count"));
    assertEquals(Long.valueOf(1_235), clean("{\"index\": 1, \"follower_count\": \"1.2345k\"}").getInt64("follower_count"));
  }

  @Test
  public void saveLocationPrefixIsDroppedOnlyAtTheStart() {
    assertEquals("/data/quotes", PinCleaner.saveLocation("Local save in /data/quotes"));
    assertEquals("/data/quotes", PinCleaner.saveLocation("Local save in   /data/quotes"));
    assertEquals("/data/Local save in x", PinCleaner.saveLocation("/data/Local save in x"));
    assertEquals(null, PinCleaner.saveLocation(null));
  }

  @Test
  public void missingIdIsBad() {
    BadValueException e = bad("{\"title\": \"x\", \"follower_count\": \"5\"}");
    assertEquals("missing id 'index'", e.getMessage());
  }

  @Test
  public void nonNumericIdIsBad() {
    BadValueException e = bad("{\"index\": \"abc\", \"title\": \"x\"}");
    assertThat(e.getMessage(), containsString("'index'"));
    assertThat(e.getMessage(), containsString("'abc'"));
    bad("{\"index\": 1.5}");
    bad("{\"index\": -3}");
  }

  @Test
  public void unreadableFollowerCountIsBad() {
    BadValueException e = bad("{\"index\": 1, \"follower_count\": \"lots\"}");
    assertThat(e.getMessage(), containsString("lots"));
    e = bad("{\"index\": 1, \"follower_count\": \"-5\"}");
    assertThat(e.getMessage(), containsString("-5"));
    e = bad("{\"index\": 1, \"follower_count\": -5}");
    assertThat(e.getMessage(), containsString("-5"));
  }

  @Test
  public void containerValueIsBad() {
    BadValueException e = bad("{\"index\": 1, \"title\": {\"en\": \"x\"}}");
    assertThat(e.getMessage(), containsString("'title'"));
    e = bad("{\"index\": 1, \"tag_list\": [\"a\", \"b\"]}");
    assertThat(e.getMessage(), containsString("'tag_list'"));
  }
}
