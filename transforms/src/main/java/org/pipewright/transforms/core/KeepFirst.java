package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Keeps one row per key: the first in source order, the row whose {@code file:line} source field
 * comes first (the file name by text, then the line number as a number, so {@code f.csv:9} comes
 * before {@code f.csv:10}). The others are dropped, and a caller who needs the count of dropped
 * rows gets it as {@code input - output}. The counterpart of {@link KeepLatest} for inputs where
 * the first occurrence is the authoritative one (a movie id listed twice in a metadata file).
 *
 * <p>A combiner, so runners pre-combine before the shuffle. A source without a {@code :line}
 * suffix compares by its whole text, before sources of the same file with a line; a null source
 * comes last; rows with equal sources are told apart by their text, so the choice is the same on
 * every runner and every run.
 *
 * <pre>{@code
 * PCollection<Row> movies = parsed.apply(KeepFirst.perKey("movie_id").inSourceOrder("source"));
 * }</pre>
 */
public final class KeepFirst extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final List<String> keyFields;
  private final @Nullable String sourceField;

  private KeepFirst(List<String> keyFields, @Nullable String sourceField) {
    this.keyFields = keyFields;
    this.sourceField = sourceField;
  }

  /** One row per distinct value of {@code keyFields}; set the order with {@link #inSourceOrder}. */
  public static KeepFirst perKey(String... keyFields) {
    checkArgument(keyFields.length > 0, "at least one key field is needed");
    return new KeepFirst(List.of(keyFields), null);
  }

  /** The string field holding each row's {@code file:line}; the smallest wins. */
  public KeepFirst inSourceOrder(String field) {
    checkArgument(field != null && !field.isEmpty(), "source field must not be empty");
    return new KeepFirst(keyFields, field);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> input) {
    checkArgument(sourceField != null, "KeepFirst needs inSourceOrder(field)");
    Schema schema = input.getSchema();
    OnePerKey.checkKeys(schema, keyFields);
    checkArgument(schema.hasField(sourceField)
            && schema.getField(sourceField).getType().getTypeName() == Schema.TypeName.STRING,
        "source field %s is not a string field of the input schema %s", sourceField, schema);
    return OnePerKey.keep(input, keyFields, "First", new First(sourceField));
  }

  /**
   * Compares two {@code file:line} sources: by the text before the last {@code :}, then by the
   * line as a number; a source without a numeric line sorts before the same file with lines; null
   * sorts last.
   */
  public static int compareSources(@Nullable String a, @Nullable String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    int colonA = lineColon(a);
    int colonB = lineColon(b);
    String fileA = colonA < 0 ? a : a.substring(0, colonA);
    String fileB = colonB < 0 ? b : b.substring(0, colonB);
    int byFile = fileA.compareTo(fileB);
    if (byFile != 0) {
      return byFile;
    }
    if (colonA < 0 || colonB < 0) {
      return colonA < 0 ? (colonB < 0 ? 0 : -1) : 1;
    }
    // Line numbers of any length: shorter (without leading zeros) is smaller, then digit by digit.
    String lineA = stripZeros(a.substring(colonA + 1));
    String lineB = stripZeros(b.substring(colonB + 1));
    return lineA.length() != lineB.length() ? Integer.compare(lineA.length(), lineB.length()) : lineA.compareTo(lineB);
  }

  /** The position of the colon before a numeric line suffix, or -1 when there is none. */
  private static int lineColon(String source) {
    int colon = source.lastIndexOf(':');
    if (colon < 0 || colon == source.length() - 1) {
      return -1;
    }
    for (int i = colon + 1; i < source.length(); i++) {
      if (source.charAt(i) < '0' || source.charAt(i) > '9') {
        return -1;
      }
    }
    return colon;
  }

  private static String stripZeros(String digits) {
    int i = 0;
    while (i < digits.length() - 1 && digits.charAt(i) == '0') {
      i++;
    }
    return digits.substring(i);
  }

  private static final class First extends Combine.BinaryCombineFn<Row> {
    private final String sourceField;

    First(String sourceField) {
      this.sourceField = sourceField;
    }

    @Override
    public Row apply(Row left, Row right) {
      int bySource = compareSources(left.getString(sourceField), right.getString(sourceField));
      if (bySource != 0) {
        return bySource < 0 ? left : right;
      }
      return left.toString().compareTo(right.toString()) <= 0 ? left : right;
    }
  }
}
