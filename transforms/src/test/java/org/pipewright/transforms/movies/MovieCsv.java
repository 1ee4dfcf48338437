package org.pipewright.transforms.movies;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.values.Row;

/** Test rows shaped as ReadCsv gives them: {@code source}, then the columns as nullable strings. */
final class MovieCsv {
  static final Schema MOVIES = schema(MovieSchemas.MOVIES_CSV);
  static final Schema RATINGS = schema(MovieSchemas.RATINGS_CSV);
  static final Schema LINKS = schema(MovieSchemas.LINKS_CSV);
  static final Schema CPI = schema(MovieSchemas.CPI_CSV);

  private MovieCsv() {}

  /** The same shape as {@code ReadCsv.schema(columns)}, which is not in this module. */
  static Schema schema(List<String> columns) {
    Schema.Builder builder = Schema.builder().addStringField("source");
    for (String column : columns) {
      builder.addNullableField(column, FieldType.STRING);
    }
    return builder.build();
  }

  /** A row of {@code schema}: {@code source} then values in column order (empty string = null, as ReadCsv does). */
  static Row row(Schema schema, String source, String... values) {
    Object[] all = new Object[schema.getFieldCount()];
    all[0] = source;
    for (int i = 0; i < values.length; i++) {
      all[i + 1] = values[i] == null || values[i].isEmpty() ? null : values[i];
    }
    return Row.withSchema(schema).addValues(all).build();
  }

  /** Toy Story as in movies_metadata.csv, with {@code changes} (column -> value; null or "" for empty). */
  static Row movie(String source, String... changes) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String column : MovieSchemas.MOVIES_CSV) {
      values.put(column, null);
    }
    values.put("adult", "False");
    values.put("belongs_to_collection", "{'id': 10194, 'name': 'Toy Story Collection'}");
    values.put("budget", "30000000");
    values.put("genres", "[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]");
    values.put("id", "862");
    values.put("imdb_id", "tt0114709");
    values.put("original_language", "en");
    values.put("original_title", "Toy Story");
    values.put("overview", "Led by Woody, Andy's toys live happily in his room.");
    values.put("popularity", "21.946943");
    values.put("release_date", "1995-10-30");
    values.put("revenue", "373554033");
    values.put("runtime", "81.0");
    values.put("status", "Released");
    values.put("title", "Toy Story");
    values.put("video", "False");
    values.put("vote_average", "7.7");
    values.put("vote_count", "5415");
    for (int i = 0; i < changes.length; i += 2) {
      if (!values.containsKey(changes[i])) {
        throw new IllegalArgumentException("no column " + changes[i]);
      }
      values.put(changes[i], changes[i + 1]);
    }
    return row(MOVIES, source, values.values().toArray(new String[0]));
  }
}
