package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Hive-style partition values in paths: {@code dt} is {@code 2024-01-02} in {@code
 * s3://landing/trends/dt=2024-01-02/0600.json}. Only folder names count (a file named {@code
 * dt=x.json} is not a partition); when a name occurs twice the innermost folder wins; values are
 * unescaped as Hive escapes them ({@code %3A} is {@code :}), and Hive's {@value #HIVE_DEFAULT}
 * (its name for a null value) is null.
 */
public final class Partitions {
  /** The folder value Hive writes for a null partition value. */
  public static final String HIVE_DEFAULT = "__HIVE_DEFAULT_PARTITION__";

  private Partitions() {}

  /**
   * The value of partition {@code name} in {@code path}, or null if no folder of the path is named
   * {@code name=...} (or its value is Hive's null).
   */
  public static @Nullable String value(String path, String name) {
    checkArgument(path != null, "path must not be null");
    checkArgument(name != null && !name.isEmpty() && name.indexOf('/') < 0 && name.indexOf('=') < 0,
        "partition name must be non-empty without '/' or '=', got '%s'", name);
    String prefix = name + "=";
    int end = path.lastIndexOf('/'); // the folders end where the file name starts
    while (end > 0) {
      int start = path.lastIndexOf('/', end - 1) + 1;
      if (path.startsWith(prefix, start)) {
        String value = unescape(path.substring(start + prefix.length(), end));
        return value.equals(HIVE_DEFAULT) ? null : value;
      }
      end = start - 1;
    }
    return null;
  }

  /** Hive's path unescaping: {@code %XX} is the byte XX (UTF-8); anything else is kept as it is. */
  static String unescape(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    int i = 0;
    while (i < value.length()) {
      int hi = i + 2 < value.length() && value.charAt(i) == '%' ? Character.digit(value.charAt(i + 1), 16) : -1;
      int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
      if (lo >= 0) {
        bytes.write(hi * 16 + lo);
        i += 3;
      } else {
        int codePoint = value.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
