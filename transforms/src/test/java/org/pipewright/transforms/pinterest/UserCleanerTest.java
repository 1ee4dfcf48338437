package org.pipewright.transforms.pinterest;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.values.Row;
import org.joda.time.Instant;
import org.junit.Test;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.Timestamps;

public class UserCleanerTest {
  private final UserCleaner cleaner = new UserCleaner();

  private Row clean(String json) {
    return cleaner.clean(RawJson.parseObject(json));
  }

  private BadValueException bad(String json) {
    return assertThrows(BadValueException.class, () -> clean(json));
  }

  static Row user(long ind, String userName, Integer age, Instant dateJoined) {
    return Row.withSchema(PinterestSchemas.USER).addValues(ind, userName, age, dateJoined).build();
  }

  @Test
  public void describesItself() {
    assertEquals("user", cleaner.kind());
    assertEquals(PinterestSchemas.USER, cleaner.cleanSchema());
  }

  @Test
  public void cleansRecord() {
    String json =
        "{\"ind\": 2863, \"first_name\": \" Dylan\", \"last_name\": \"Holmes\\u00a0\","
            + " \"age\": 32, \"date_joined\": \"2016-10-23T14:06:51\"}";
    assertEquals(
        user(2863, "Dylan Holmes", 32, Timestamps.parseUtc("2016-10-23T14:06:51Z")), clean(json));
  }

  @Test
  public void missingLastName() {
    String json =
        "{\"index\": 7, \"first_name\": \"Abigail\", \"age\": \" 20 \","
            + " \"date_joined\": \"2015-10-31 11:13:49\"}";
    assertEquals(
        user(7, "Abigail", 20, Timestamps.parseUtc("2015-10-31T11:13:49Z")), clean(json));
  }

  @Test
  public void missingFirstName() {
    assertEquals(
        user(8, "Holmes", null, null),
        clean("{\"ind\": 8, \"first_name\": \"  \", \"last_name\": \"Holmes\"}"));
  }

  @Test
  public void bothNamesMissing() {
    assertEquals(
        user(9, null, null, null),
        clean("{\"ind\": 9, \"first_name\": null, \"last_name\": \"NULL\", \"age\": \"\"}"));
  }

  @Test
  public void userNameJoining() {
    assertEquals("Ann Lee", UserCleaner.userName("Ann", "Lee"));
    assertEquals("Ann", UserCleaner.userName("Ann", null));
    assertEquals("Lee", UserCleaner.userName(null, "Lee"));
    assertNull(UserCleaner.userName(null, null));
  }

  @Test
  public void missingIdIsBad() {
    assertEquals("missing id 'ind'", bad("{\"first_name\": \"A\", \"age\": 20}").getMessage());
  }

  @Test
  public void nonNumericAgeIsBad() {
    BadValueException e = bad("{\"ind\": 1, \"age\": \"abc\"}");
    assertThat(e.getMessage(), containsString("'age'"));
    assertThat(e.getMessage(), containsString("abc"));
    bad("{\"ind\": 1, \"age\": 20.5}");
  }

  @Test
  public void impossibleAgeIsBad() {
    assertThat(bad("{\"ind\": 1, \"age\": -1}").getMessage(), containsString("age out of range"));
    assertThat(bad("{\"ind\": 1, \"age\": 151}").getMessage(), containsString("age out of range"));
    assertEquals(Integer.valueOf(150), clean("{\"ind\": 1, \"age\": 150}").getInt32("age"));
    assertEquals(Integer.valueOf(0), clean("{\"ind\": 1, \"age\": 0}").getInt32("age"));
  }

  @Test
  public void impossibleJoinDateIsBad() {
    assertThat(
        bad("{\"ind\": 1, \"date_joined\": \"2020-01-01T24:00:00\"}").getMessage(),
        containsString("2020-01-01T24:00:00"));
    bad("{\"ind\": 1, \"date_joined\": \"2020-13-01T00:00:00\"}");
  }
}
