package org.pipewright.transforms.internal;

/** Argument checks for {@code withX} methods and {@code expand()}; messages use {@code %s}. */
public final class Checks {
  private Checks() {}

  public static void checkArgument(boolean condition, String message, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(message, args));
    }
  }

  public static <T> T checkNotNull(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }
}
