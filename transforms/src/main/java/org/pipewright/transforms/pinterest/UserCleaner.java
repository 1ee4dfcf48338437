package org.pipewright.transforms.pinterest;

import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.RawRowCleaner;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.Values;

/** Cleansing rules for user records: {@code user_name}, integer age, UTC join date. */
public final class UserCleaner extends RawRowCleaner {
  private static final long serialVersionUID = 1L;
  static final int MAX_AGE = 150;

  @Override
  public String kind() {
    return "user";
  }

  @Override
  public Schema rawSchema() {
    return PinterestSchemas.RAW_USER;
  }

  @Override
  public Map<String, String> aliases() {
    return Map.of("index", "ind");
  }

  @Override
  public Schema cleanSchema() {
    return PinterestSchemas.USER;
  }

  @Override
  public Row cleanRaw(Row raw) {
    Integer age = Numbers.integer("age", Values.clean(raw.getString("age")));
    if (age != null && (age < 0 || age > MAX_AGE)) {
      throw new BadValueException("age out of range [0, " + MAX_AGE + "]: " + age);
    }
    return Row.withSchema(PinterestSchemas.USER).attachValues(
        Numbers.id("ind", raw.getString("ind")),
        userName(Values.clean(raw.getString("first_name")), Values.clean(raw.getString("last_name"))),
        age,
        Timestamps.parseUtc(Values.clean(raw.getString("date_joined"))));
  }

  static String userName(String first, String last) {
    if (first == null) {
      return last;
    }
    return last == null ? first : first + " " + last;
  }
}
