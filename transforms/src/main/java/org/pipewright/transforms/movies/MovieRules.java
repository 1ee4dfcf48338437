package org.pipewright.transforms.movies;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.Numbers;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.Values;

/**
 * The parsing rules of the movies inputs, without a pipeline ({@link ParseMovies}, {@link
 * ParseLinks}, {@link ParseCpi} and {@link ParseRatings} run them on the rows of {@code
 * ReadCsv}: a {@code source} then the CSV's columns as nullable strings). Every refusal is a
 * {@link BadValueException} whose message is the dead-letter reason: a snake_case code, then
 * {@code ": "} and the refused value in quotes (or {@code missing}), e.g. {@code bad_id:
 * '1997-08-20'}. Surrounding white space is ignored everywhere; an empty or blank field is null
 * ({@code NULL} and {@code null} too in number, date and id fields, as {@link Values#clean} says).
 *
 * <p>Movies ({@code movies_metadata.csv}) become {@link ParseMovies#PARSED} rows:
 *
 * <ul>
 *   <li>{@code id}: required, 1 to 18 ASCII digits ({@code bad_id}; the real file has dates
 *       there, from rows whose overview broke the columns).
 *   <li>{@code adult}: {@code True} or {@code False}, as Python writes them ({@code bad_adult};
 *       required, since {@code is_adult} is not nullable).
 *   <li>{@code budget}, {@code revenue}: whole dollars; a number with only zeros after the point
 *       ({@code 1500.0}) is whole; anything else is {@code bad_budget} / {@code bad_revenue},
 *       below zero {@code negative_budget} / {@code negative_revenue}, over 10^12 ({@link
 *       #MAX_MONEY}) {@code too_large_budget} / {@code too_large_revenue}; {@code 0} means unknown
 *       and becomes null, as does an empty field.
 *   <li>{@code release_date}: {@code yyyy-MM-dd} and a real day ({@code bad_release_date});
 *       empty is null (not yet known), not an error.
 *   <li>{@code popularity}, {@code vote_average}: numbers; {@code vote_count}: a whole number
 *       ({@code 12.0} is 12). Empty is null; text that is not such a number is a dead letter
 *       ({@code bad_popularity}, {@code bad_vote_average}, {@code bad_vote_count}): as everywhere
 *       in Pipewright, a value we cannot read is reported, not silently made "unknown", and in
 *       this file such a value means the row's columns are shifted. Ranges are the quality gate's.
 *   <li>{@code genres}: a Python list literal of dicts with exactly the keys {@code 'id'} (a
 *       whole number {@code >= 0}) and {@code 'name'} (a string), read with {@link PythonLiteral}
 *       ({@code bad_genres}, with the parser's detail); empty is no genres. Order is kept, a
 *       genre repeated in one list is kept once.
 *   <li>{@code original_language}, {@code title}: text as given; the other columns are not part
 *       of the model and are not checked.
 * </ul>
 *
 * <p>Links: {@code movieId} required whole ({@code bad_movie_id}), {@code tmdbId} whole or empty
 * (null: the link exists, the TMDB id is unknown; {@code bad_tmdb_id}), {@code imdbId} text kept
 * as written (its leading zeros matter). CPI: the month is a {@code yyyy-MM-01} date ({@code
 * bad_month}), the value a plain decimal above 0 that a {@code NUMERIC(38, 9)} column holds (at most
 * 29 digits before the point and 9 after it), FRED's {@code .} for "no value" included in the
 * refusals ({@code bad_value}). Ratings: {@code userId}, {@code movieId} whole ({@code
 * bad_user_id}, {@code bad_movie_id}), {@code rating} a number ({@code bad_rating}; its range is
 * the quality gate's to judge, not a parsing rule), {@code timestamp} whole epoch seconds ({@code
 * bad_timestamp}).
 */
public final class MovieRules {
  /** How much of a refused value a reason quotes. */
  private static final int QUOTED_CHARS = 64;
  private static final int MAX_ID_DIGITS = 18;
  /**
   * The largest budget or revenue read, in dollars: a thousand billion, hundreds of times any film's.
   * Sums per genre and period then stay exact in a long for up to 9.2 million movies at the limit.
   */
  static final long MAX_MONEY = 1_000_000_000_000L;

  private MovieRules() {}

  /** One row of {@code movies_metadata.csv} as a {@link ParseMovies#PARSED} row. */
  public static Row movie(Row csv) {
    long id = id("bad_id", csv.getString("id"));
    boolean adult = adult(csv.getString("adult"));
    Long budget = money("budget", csv.getString("budget"));
    Long revenue = money("revenue", csv.getString("revenue"));
    LocalDate releaseDate = date("bad_release_date", csv.getString("release_date"));
    Double popularity = number("bad_popularity", csv.getString("popularity"));
    Double voteAverage = number("bad_vote_average", csv.getString("vote_average"));
    Long voteCount = wholeOrNull("bad_vote_count", csv.getString("vote_count"));
    List<Row> genres = genres(csv.getString("genres"));
    return Row.withSchema(ParseMovies.PARSED)
        .addValues(id, adult, budget, text(csv.getString("original_language")), text(csv.getString("title")),
            popularity, releaseDate, revenue, voteCount, voteAverage, genres, csv.getString("source"))
        .build();
  }

  /**
   * The genres of a movie: {@code [{'id': 16, 'name': 'Animation'}, ...]} as {@link
   * MovieSchemas#GENRE} rows in the literal's order, each id once (its first entry).
   */
  public static List<Row> genres(@Nullable String literal) {
    String text = Values.clean(literal);
    List<Row> genres = new ArrayList<>();
    if (text == null) {
      return genres;
    }
    Object value;
    try {
      value = PythonLiteral.parse(text);
    } catch (BadValueException e) {
      throw new BadValueException("bad_genres: " + e.getMessage());
    }
    if (!(value instanceof List)) {
      throw new BadValueException("bad_genres: not a list: " + quoted(text));
    }
    List<Long> seen = new ArrayList<>();
    for (Object item : (List<?>) value) {
      if (!(item instanceof Map) || ((Map<?, ?>) item).size() != 2) {
        throw new BadValueException("bad_genres: expected {'id': ..., 'name': ...}, got " + quoted(String.valueOf(item)));
      }
      Map<?, ?> genre = (Map<?, ?>) item;
      Object id = genre.get("id");
      Object name = genre.get("name");
      if (!(id instanceof Long) || (Long) id < 0 || !(name instanceof String)) {
        throw new BadValueException("bad_genres: expected {'id': ..., 'name': ...}, got " + quoted(String.valueOf(item)));
      }
      if (!seen.contains(id)) {
        seen.add((Long) id);
        genres.add(Row.withSchema(MovieSchemas.GENRE).addValues(id, name).build());
      }
    }
    return genres;
  }

  /** One row of {@code links.csv} as a {@link MovieSchemas#LINK} row. */
  public static Row link(Row csv) {
    long movieId = id("bad_movie_id", csv.getString("movieId"));
    String tmdb = Values.clean(csv.getString("tmdbId"));
    Long tmdbId = tmdb == null ? null : id("bad_tmdb_id", tmdb);
    return Row.withSchema(MovieSchemas.LINK).addValues(movieId, text(csv.getString("imdbId")), tmdbId).build();
  }

  /** One row of the CPI series (columns {@code dateColumn}, {@code valueColumn}) as a {@link MovieSchemas#CPI} row. */
  public static Row cpi(Row csv, String dateColumn, String valueColumn) {
    LocalDate month = date("bad_month", csv.getString(dateColumn));
    if (month == null || month.getDayOfMonth() != 1) {
      throw new BadValueException("bad_month: " + quoted(csv.getString(dateColumn)));
    }
    String text = Values.clean(csv.getString(valueColumn));
    if (text == null || text.length() > QUOTED_CHARS || !Numbers.isPlainDecimal(text)) {
      throw new BadValueException("bad_value: " + quoted(csv.getString(valueColumn)));
    }
    BigDecimal value = new BigDecimal(text);
    if (!Numbers.isTame(value) || !Numbers.isStorable(value)
        || value.stripTrailingZeros().scale() > Numbers.MAX_STORED_SCALE) {
      // More decimals than the tables keep: the stored CPI would not be the one real revenues used.
      throw new BadValueException("bad_value: " + quoted(csv.getString(valueColumn)));
    }
    if (value.signum() <= 0) {
      // A price index is positive; real revenues divide by it.
      throw new BadValueException("bad_value: " + quoted(csv.getString(valueColumn)) + " is not above 0");
    }
    return Row.withSchema(MovieSchemas.CPI).addValues(month, value).build();
  }

  /** One row of {@code ratings.csv} as a {@link ParseRatings#PARSED} row (MovieLens movie id). */
  public static Row rating(Row csv) {
    long userId = id("bad_user_id", csv.getString("userId"));
    long movieId = id("bad_movie_id", csv.getString("movieId"));
    Double rating = number("bad_rating", csv.getString("rating"));
    if (rating == null) {
      throw new BadValueException("bad_rating: missing");
    }
    // Means of ratings are stored as decimals: one too large for any sink would stop the job there.
    if (!Numbers.isStorable(BigDecimal.valueOf(rating))) {
      throw new BadValueException("bad_rating: " + quoted(csv.getString("rating")));
    }
    Long seconds = wholeOrNull("bad_timestamp", csv.getString("timestamp"));
    if (seconds == null) {
      throw new BadValueException("bad_timestamp: missing");
    }
    if (Math.abs(seconds) > Long.MAX_VALUE / 1000 || !Timestamps.isInRange(seconds * 1000)) {
      throw new BadValueException("bad_timestamp: " + quoted(csv.getString("timestamp")));
    }
    return Row.withSchema(ParseRatings.PARSED)
        .addValues(userId, movieId, rating, Instant.ofEpochMilli(seconds * 1000), csv.getString("source"))
        .build();
  }

  /**
   * The {@link MovieSchemas#RELEASE_DATE} row of {@code date}: {@code week} is the ISO-8601 week
   * number (1..53; the first days of January can be in week 52 or 53 of the previous ISO year,
   * while {@code year} is always the calendar year), {@code quarter} 1..4.
   */
  public static Row releaseDate(LocalDate date) {
    return Row.withSchema(MovieSchemas.RELEASE_DATE)
        .addValues(date, date.getDayOfMonth(), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), date.getMonthValue(),
            (date.getMonthValue() - 1) / 3 + 1, date.getYear())
        .build();
  }

  private static long id(String code, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      throw new BadValueException(code + ": missing");
    }
    if (text.isEmpty() || text.length() > MAX_ID_DIGITS || !allDigits(text)) {
      throw new BadValueException(code + ": " + quoted(text));
    }
    return Long.parseLong(text);
  }

  private static boolean adult(@Nullable String raw) {
    String text = Values.clean(raw);
    if ("True".equals(text)) {
      return true;
    }
    if ("False".equals(text)) {
      return false;
    }
    throw new BadValueException("bad_adult: " + quoted(raw));
  }

  /** Whole dollars, {@code 0} (unknown) and empty as null. */
  private static @Nullable Long money(String field, @Nullable String raw) {
    Long value = wholeOrNull("bad_" + field, raw);
    if (value != null && value < 0) {
      throw new BadValueException("negative_" + field + ": " + quoted(raw));
    }
    if (value != null && value > MAX_MONEY) {
      throw new BadValueException("too_large_" + field + ": " + quoted(raw) + " is over 10^12 dollars");
    }
    return value == null || value == 0 ? null : value;
  }

  /** A whole number, written plainly or with only zeros after the point; empty is null. */
  private static @Nullable Long wholeOrNull(String code, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      return null;
    }
    if (text.length() > QUOTED_CHARS || !Numbers.isPlainDecimal(text)) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
    BigDecimal value = new BigDecimal(text);
    // Range first: stripTrailingZeros of 1e999999999 would be costly to no purpose.
    if (value.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
  }

  /** A finite number; empty is null. */
  private static @Nullable Double number(String code, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      return null;
    }
    if (text.length() > QUOTED_CHARS || !Numbers.isPlainDecimal(text)) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
    return value;
  }

  /** A {@code yyyy-MM-dd} day; empty is null. */
  private static @Nullable LocalDate date(String code, @Nullable String raw) {
    String text = Values.clean(raw);
    if (text == null) {
      return null;
    }
    if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-'
        || !allDigits(text.substring(0, 4) + text.substring(5, 7) + text.substring(8))) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
    try {
      return LocalDate.of(Integer.parseInt(text.substring(0, 4)), Integer.parseInt(text.substring(5, 7)),
          Integer.parseInt(text.substring(8)));
    } catch (DateTimeException e) {
      throw new BadValueException(code + ": " + quoted(raw));
    }
  }

  /** Text as given, without surrounding white space; blank is null (a title "NULL" stays a title). */
  private static @Nullable String text(@Nullable String raw) {
    String text = Values.trim(raw);
    return text == null || text.isEmpty() ? null : text;
  }

  private static boolean allDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** A refused value as a reason shows it: in quotes, cut short. */
  static String quoted(@Nullable String text) {
    if (text == null) {
      return "missing";
    }
    return "'" + (text.length() <= QUOTED_CHARS ? text : text.substring(0, QUOTED_CHARS) + "...") + "'";
  }
}
