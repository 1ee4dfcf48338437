package org.pipewright.io.files;

import java.util.Locale;

/** File formats of the table sinks and sources. */
public enum Format {
  JSON(".jsonl"),
  PARQUET(".parquet");

  private final String suffix;

  Format(String suffix) {
    this.suffix = suffix;
  }

  public String suffix() {
    return suffix;
  }

  /** Parses {@code json} or {@code parquet}, case-insensitively, with a clear error otherwise. */
  public static Format parse(String name) {
    for (Format f : values()) {
      if (f.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown format '" + name + "': use json or parquet");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
