package org.pipewright.transforms.pinterest;

import org.checkerframework.checker.nullness.qual.Nullable;

/** The analytics' age groups: 18-24, 25-35, 36-50 (inclusive) and 50+ for every other age. */
public final class AgeGroups {
  private AgeGroups() {}

  public static String of(@Nullable Integer age) {
    if (age == null) {
      return "50+";
    }
    if (age >= 18 && age <= 24) {
      return "18-24";
    }
    if (age >= 25 && age <= 35) {
      return "25-35";
    }
    if (age >= 36 && age <= 50) {
      return "36-50";
    }
    return "50+";
  }
}
