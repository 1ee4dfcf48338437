package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pipewright.transforms.core.KeepLatest;

/**
 * The {@code ratings} table ({@link MovieSchemas#RATING}) from mapped ratings ({@link
 * MapRatings}' output): of several ratings of one movie by one user, the latest {@code rated_at}
 * is kept ({@link KeepLatest}, a combiner; equal times are told apart by the row's text, its
 * source included, so the choice is the same on every runner). The others are duplicates, counted
 * by the caller as {@code input - output}.
 *
 * <pre>{@code
 * PCollection<Row> ratings = mapped.output().apply("Latest ratings", LatestRatings.create());
 * }</pre>
 */
public final class LatestRatings extends PTransform<PCollection<Row>, PCollection<Row>> {
  private LatestRatings() {}

  public static LatestRatings create() {
    return new LatestRatings();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> mapped) {
    checkArgument(mapped.getSchema().equals(ParseRatings.PARSED),
        "LatestRatings expects MapRatings' output (ParseRatings.PARSED rows), got schema %s", mapped.getSchema());
    return mapped
        .apply("Latest per user and movie", KeepLatest.perKey("user_id", "movie_id").orderedBy("rated_at"))
        .apply("Ratings", MapElements.into(TypeDescriptors.rows()).via(rating ->
            // PARSED starts with RATING's fields, in RATING's order.
            Row.withSchema(MovieSchemas.RATING).attachValues(
                rating.getValues().subList(0, MovieSchemas.RATING.getFieldCount()))))
        .setRowSchema(MovieSchemas.RATING);
  }
}
