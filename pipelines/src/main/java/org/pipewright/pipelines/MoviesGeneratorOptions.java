package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.pipewright.io.files.S3AccessOptions;

/** Options of the {@link MoviesGenerator}. */
public interface MoviesGeneratorOptions extends S3AccessOptions {
  @Description("Output folder (local path or s3://bucket/prefix) for movies_metadata.csv, links.csv, "
      + "ratings.csv and cpi.csv (each with .gz added under --gzip).")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Number of rows of movies_metadata.csv, dirty ones included.")
  @Default.Long(1000)
  long getMovies();

  void setMovies(long value);

  @Description("Number of rows of ratings.csv.")
  @Default.Long(100000)
  long getRatings();

  void setRatings(long value);

  @Description("Random seed; the same seed and settings give byte-identical files.")
  @Default.Long(42)
  long getSeed();

  void setSeed(long value);

  @Description("Write gzip-compressed files (movies_metadata.csv.gz, ...).")
  @Default.Boolean(false)
  boolean getGzip();

  void setGzip(boolean value);
}
