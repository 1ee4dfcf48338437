package org.pipewright.pipelines;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pipewright.io.files.OutputDirs;

/** Where {@link MoviesWarehouse} finds each input file: an explicit option, else a standard name under --input. */
final class MoviesFiles {
  private MoviesFiles() {}

  static final Map<String, String> NAMES = Map.of(MoviesWarehouse.MOVIES, "movies_metadata.csv",
      MoviesWarehouse.RATINGS, "ratings.csv", MoviesWarehouse.LINKS, "links.csv", MoviesWarehouse.CPI, "cpi.csv");

  /** The file (pattern) of each input kind; fails with one line when one is missing. */
  static Map<String, String> resolve(MoviesWarehouseOptions options) {
    Map<String, String> given = Map.of(MoviesWarehouse.MOVIES, nullToEmpty(options.getMoviesFile()),
        MoviesWarehouse.RATINGS, nullToEmpty(options.getRatingsFile()),
        MoviesWarehouse.LINKS, nullToEmpty(options.getLinksFile()),
        MoviesWarehouse.CPI, nullToEmpty(options.getCpiFile()));
    Map<String, String> files = new LinkedHashMap<>();
    for (String kind : MoviesWarehouse.KINDS) {
      String option = given.get(kind);
      String plain = OutputDirs.join(options.getInput(), NAMES.get(kind));
      String file = !option.isEmpty() ? found(option) : found(plain) != null ? plain : found(plain + ".gz");
      if (file == null) {
        throw new UsageException("no " + kind + " input: " + (!option.isEmpty() ? option + " matches no file"
            : "expected " + plain + " or " + plain + ".gz (or --" + kind + "File)"));
      }
      files.put(kind, file);
    }
    return files;
  }

  private static String found(String pattern) {
    try {
      return OutputDirs.exists(pattern) ? pattern : null;
    } catch (IOException | RuntimeException e) {
      throw new UsageException("cannot read input " + pattern + ": " + Cli.rootMessage(e));
    }
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value.trim();
  }
}
