package org.pipewright.pipelines;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/** Options of {@link MoviesWarehouse}. */
public interface MoviesWarehouseOptions extends OutputOptions, JdbcOptions {
  @Description("Folder holding movies_metadata.csv, ratings.csv, links.csv and cpi.csv (each may be gzipped: "
      + "name.csv.gz). Local path or s3://bucket/prefix.")
  @Validation.Required
  String getInput();

  void setInput(String value);

  @Description("The movies file (file or pattern), instead of INPUT/movies_metadata.csv[.gz].")
  String getMoviesFile();

  void setMoviesFile(String value);

  @Description("The ratings file (file or pattern), instead of INPUT/ratings.csv[.gz].")
  String getRatingsFile();

  void setRatingsFile(String value);

  @Description("The links file (file or pattern), instead of INPUT/links.csv[.gz].")
  String getLinksFile();

  void setLinksFile(String value);

  @Description("The CPI file (file or pattern), instead of INPUT/cpi.csv[.gz].")
  String getCpiFile();

  void setCpiFile(String value);

  @Description("Column of the CPI file holding the index value (the FRED series id).")
  @Default.String("CUSR0000SS62031")
  String getCpiColumn();

  void setCpiColumn(String value);

  @Description("top_rated ranks only movies with at least this many mapped ratings.")
  @Default.Integer(50)
  int getMinVotes();

  void setMinVotes(int value);

  @Description("How many movies top_rated ranks.")
  @Default.Integer(25)
  int getTopN();

  void setTopN(int value);

  @Description("Share of an input's records refused as dead letters above which the quality report warns, 0..1.")
  @Default.Double(0.01)
  double getDeadLetterWarn();

  void setDeadLetterWarn(double value);

  @Description("Share of an input's records refused as dead letters above which the quality gate fails "
      + "the run (and, with --jdbcUrl, nothing is published), 0..1.")
  @Default.Double(0.05)
  double getDeadLetterError();

  void setDeadLetterError(double value);
}
