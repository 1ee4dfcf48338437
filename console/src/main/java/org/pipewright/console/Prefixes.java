package org.pipewright.console;

/** Where each pipeline's tables are: its table prefix (the pipelines' {@code --tablePrefix}). */
final class Prefixes {
  static final String PINTEREST = "pinterest_";
  static final String RETAIL = "retail_";
  static final String MOVIES = "movies_";
  /** The tables every pipeline shares, without prefix. */
  static final String RUNS = "pipewright_runs";
  static final String QUALITY = "pipewright_quality";

  final String pinterest;
  final String retail;
  final String movies;

  Prefixes(String pinterest, String retail, String movies) {
    this.pinterest = pinterest;
    this.retail = retail;
    this.movies = movies;
  }

  static Prefixes defaults() {
    return new Prefixes(PINTEREST, RETAIL, MOVIES);
  }

  /** The prefix of {@code pipeline} (pinterest, retail or movies). */
  String of(String pipeline) {
    switch (pipeline) {
      case "pinterest":
        return pinterest;
      case "retail":
        return retail;
      case "movies":
        return movies;
      default:
        throw new IllegalArgumentException("unknown pipeline '" + pipeline + "'");
    }
  }
}
