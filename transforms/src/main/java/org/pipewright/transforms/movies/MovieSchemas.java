package org.pipewright.transforms.movies;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;

/**
 * The movies warehouse model: the columns of each table, and the CSV columns each input file must
 * have. Calendar dates are Beam's {@code SqlTypes.DATE} ({@code java.time.LocalDate}); money is
 * whole dollars ({@code INT64}), as the source publishes it.
 */
public final class MovieSchemas {
  private MovieSchemas() {}

  public static final FieldType DATE = FieldType.logicalType(SqlTypes.DATE);

  /** {@code movies}, keyed by {@code movie_id} (the TMDB id). */
  public static final Schema MOVIE =
      Schema.builder()
          .addInt64Field("movie_id")
          .addBooleanField("is_adult")
          .addNullableField("budget", FieldType.INT64)
          .addNullableField("original_language", FieldType.STRING)
          .addNullableField("title", FieldType.STRING)
          .addNullableField("popularity", FieldType.DOUBLE)
          .addNullableField("release_date", DATE)
          .addNullableField("revenue", FieldType.INT64)
          .addNullableField("vote_count", FieldType.INT64)
          .addNullableField("vote_average", FieldType.DOUBLE)
          .build();

  /** {@code ratings}, keyed by {@code (user_id, movie_id)}; {@code movie_id} is the TMDB id. */
  public static final Schema RATING =
      Schema.builder()
          .addInt64Field("user_id")
          .addInt64Field("movie_id")
          .addDoubleField("rating")
          .addDateTimeField("rated_at")
          .build();

  /** {@code genre}, keyed by {@code genre_id}. */
  public static final Schema GENRE =
      Schema.builder().addInt64Field("genre_id").addStringField("name").build();

  /** {@code movie_genre}, keyed by {@code (movie_id, genre_id)}. */
  public static final Schema MOVIE_GENRE =
      Schema.builder().addInt64Field("movie_id").addInt64Field("genre_id").build();

  /** {@code release_date}, the date dimension of release dates, keyed by {@code date}. */
  public static final Schema RELEASE_DATE =
      Schema.builder()
          .addField("date", DATE)
          .addInt32Field("day")
          .addInt32Field("week")
          .addInt32Field("month")
          .addInt32Field("quarter")
          .addInt32Field("year")
          .build();

  /** {@code cpi}, keyed by {@code month} (the first day of the month). */
  public static final Schema CPI =
      Schema.builder().addField("month", DATE).addDecimalField("value").build();

  /** A MovieLens-to-TMDB link: {@code movie_id} is the MovieLens id, {@code tmdb_id} null when unknown. */
  public static final Schema LINK =
      Schema.builder()
          .addInt64Field("movie_id")
          .addNullableField("imdb_id", FieldType.STRING)
          .addNullableField("tmdb_id", FieldType.INT64)
          .build();

  /** The 24 columns of {@code movies_metadata.csv}. */
  public static final List<String> MOVIES_CSV = List.of("adult", "belongs_to_collection", "budget", "genres",
      "homepage", "id", "imdb_id", "original_language", "original_title", "overview", "popularity",
      "poster_path", "production_companies", "production_countries", "release_date", "revenue", "runtime",
      "spoken_languages", "status", "tagline", "title", "video", "vote_average", "vote_count");

  /** The columns of MovieLens' {@code ratings.csv}. */
  public static final List<String> RATINGS_CSV = List.of("userId", "movieId", "rating", "timestamp");

  /** The columns of MovieLens' {@code links.csv}. */
  public static final List<String> LINKS_CSV = List.of("movieId", "imdbId", "tmdbId");

  /** The columns of the CPI series as FRED publishes it: the month and the index value. */
  public static final List<String> CPI_CSV = List.of("DATE", "CUSR0000SS62031");
}
