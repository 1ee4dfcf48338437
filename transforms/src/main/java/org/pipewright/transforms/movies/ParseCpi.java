package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.CleanResult;

/**
 * Parses a monthly CPI series as FRED publishes it ({@code ReadCsv} rows with a {@code DATE}
 * column and one value column, {@value #DEFAULT_VALUE_COLUMN} by default) into {@link
 * MovieSchemas#CPI} rows. The month must be the first day of a month; a value that is not a plain
 * decimal, FRED's {@code .} for "no value" included, is a dead letter ({@code kind} {@value
 * #KIND}, {@code step} {@value #STEP}, reasons {@code bad_month}, {@code bad_value}, payload the
 * row's columns as JSON). Counters {@code cpi.read}, {@code cpi.clean}, {@code cpi.deadLetter}.
 *
 * <pre>{@code
 * CleanResult cpi = rows.apply("Parse CPI", ParseCpi.create().withValueColumn("CPIAUCSL"));
 * }</pre>
 */
public final class ParseCpi extends PTransform<PCollection<Row>, CleanResult> {
  public static final String KIND = "cpi";
  public static final String STEP = "ParseCpi";
  public static final String DATE_COLUMN = "DATE";
  public static final String DEFAULT_VALUE_COLUMN = "CUSR0000SS62031";

  private final String valueColumn;

  private ParseCpi(String valueColumn) {
    this.valueColumn = valueColumn;
  }

  public static ParseCpi create() {
    return new ParseCpi(DEFAULT_VALUE_COLUMN);
  }

  /** Returns a copy that reads the index from {@code column} (FRED names it after the series). */
  public ParseCpi withValueColumn(String column) {
    checkArgument(column != null && !column.isEmpty() && !column.equals(DATE_COLUMN) && !column.equals("source"),
        "value column must be a non-empty column name other than %s and source, got '%s'", DATE_COLUMN, column);
    return new ParseCpi(column);
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    String value = valueColumn;
    return input.apply(STEP, new ParseCsvRows(KIND, STEP, List.of(DATE_COLUMN, value), MovieSchemas.CPI,
        csv -> MovieRules.cpi(csv, DATE_COLUMN, value)));
  }
}
