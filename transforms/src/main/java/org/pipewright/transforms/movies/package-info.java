/**
 * The movies domain: TMDB's {@code movies_metadata.csv}, MovieLens' {@code ratings.csv} and
 * {@code links.csv}, and a monthly CPI series, parsed into the normalised warehouse model of
 * {@link org.pipewright.transforms.movies.MovieSchemas} and the inflation-adjusted analytics.
 * Reading CSV files is {@code io-files}' job; data-quality checks are the generic {@code quality}
 * package's.
 */
package org.pipewright.transforms.movies;
