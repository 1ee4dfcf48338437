package org.pipewright.pipelines;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.transforms.movies.MovieSchemas;

/**
 * Generates the four input files of the movies warehouse at any scale, shaped like the real
 * MovieLens / TMDB / FRED files and as dirty as they are, for the demo and the benchmarks. Seeded:
 * the same settings always give byte-identical files (gzip too: Java writes no time in its header).
 *
 * <ul>
 *   <li>{@value #MOVIES_FILE}: the 24 TMDB columns ({@link MovieSchemas#MOVIES_CSV}) with
 *       Python-literal nested fields ({@code [{'id': 16, 'name': 'Animation'}]}), names with
 *       apostrophes and double quotes (Python's {@code repr} quoting, as in the real file), quoted
 *       overviews that hold commas and sometimes line breaks, budgets ({@value #ZERO_BUDGET_SHARE})
 *       and revenues ({@value #ZERO_REVENUE_SHARE}) often 0. Dirt, as shares of the rows: a date in
 *       the {@code id} column with the other columns shifted, as in the real file ({@value
 *       #BAD_ID_SHARE}); an exact copy of an earlier row, same id ({@value #DUPLICATE_SHARE}); an
 *       unparseable {@code release_date} ({@value #BAD_DATE_SHARE}); a negative budget ({@value
 *       #NEGATIVE_BUDGET_SHARE}); a multi-line overview ({@value #MULTI_LINE_SHARE}). The first row
 *       is always clean.
 *   <li>{@value #LINKS_FILE} ({@code movieId,imdbId,tmdbId}): one row per movie with a valid id,
 *       plus, per such movie, a row with an empty {@code tmdbId} ({@value #UNLINKED_SHARE}) or
 *       with a TMDB id that is in no metadata row ({@value #DANGLING_SHARE}).
 *   <li>{@value #RATINGS_FILE} ({@code userId,movieId,rating,timestamp}): ratings 0.5 to 5.0 in
 *       halves over the links' MovieLens ids (popular movies more often), sorted by user then
 *       movie, no user rating a movie twice; the ones on unlinked or dangling links are what the
 *       warehouse must dead-letter.
 *   <li>{@value #CPI_FILE} ({@code DATE,CUSR0000SS62031}): monthly from 1980-01-01 to 2020-12-01.
 * </ul>
 *
 * <pre>
 * java -cp pipewright-pipelines-bundled.jar org.pipewright.pipelines.MoviesGenerator \
 *     --output=/tmp/movies --movies=45000 --ratings=1000000 --seed=7 --gzip
 * </pre>
 */
public final class MoviesGenerator {
  static final String MOVIES_FILE = "movies_metadata.csv";
  static final String LINKS_FILE = "links.csv";
  static final String RATINGS_FILE = "ratings.csv";
  static final String CPI_FILE = "cpi.csv";

  static final double BAD_ID_SHARE = 0.005;
  static final double DUPLICATE_SHARE = 0.005;
  static final double BAD_DATE_SHARE = 0.01;
  static final double NEGATIVE_BUDGET_SHARE = 0.005;
  static final double MULTI_LINE_SHARE = 0.02;
  static final double ZERO_BUDGET_SHARE = 0.5;
  static final double ZERO_REVENUE_SHARE = 0.55;
  static final double UNLINKED_SHARE = 0.05;
  static final double DANGLING_SHARE = 0.05;

  static final LocalDate CPI_FIRST = LocalDate.of(1980, 1, 1);
  static final LocalDate CPI_LAST = LocalDate.of(2020, 12, 1);

  /** The real files' dialect: comma, double quote only where needed, LF line ends. */
  static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();

  /** TMDB's movie genres, id and name. */
  private static final Object[][] GENRES = {{28, "Action"}, {12, "Adventure"}, {16, "Animation"},
      {35, "Comedy"}, {80, "Crime"}, {99, "Documentary"}, {18, "Drama"}, {10751, "Family"},
      {14, "Fantasy"}, {36, "History"}, {27, "Horror"}, {10402, "Music"}, {9648, "Mystery"},
      {10749, "Romance"}, {878, "Science Fiction"}, {10770, "TV Movie"}, {53, "Thriller"},
      {10752, "War"}, {37, "Western"}};
  private static final String[] COMPANIES = {"Northlight Pictures", "Workin' Man Films",
      "Club d'Investissement Média", "The \"Little\" Studio", "Rock 'n' Roll \"Pictures\"", "Studio Babelsberg",
      "Canal+", "Lumière Pictures", "Televisión Española (TVE)", "O'Brien & Sons Entertainment",
      "Blue Harbor Films", "Silver Fern Productions", "Kestrel Media", "Golden Reel Company"};
  private static final String[][] COUNTRIES = {{"US", "United States of America"}, {"GB", "United Kingdom"},
      {"FR", "France"}, {"DE", "Germany"}, {"IT", "Italy"}, {"JP", "Japan"}, {"CA", "Canada"},
      {"ES", "Spain"}, {"CI", "Côte d'Ivoire"}};
  private static final String[][] LANGUAGES = {{"en", "English"}, {"fr", "Français"}, {"de", "Deutsch"},
      {"it", "Italiano"}, {"es", "Español"}, {"ja", "日本語"}, {"zh", "普通话"}, {"ko", "한국어/조선말"},
      {"ru", "Pусский"}, {"sv", "svenska"}};
  private static final String[] TITLE_WORDS = {"Summer", "Night", "River", "Heart", "City", "Ghost",
      "Secret", "Winter", "Road", "Stranger", "Kingdom", "Game", "Dream", "Storm", "Island", "Angel"};
  private static final String[] ADJECTIVES = {"Last", "Long", "Lost", "Silent", "Broken", "Golden",
      "Wild", "Dark", "Little", "Great", "Hidden", "Perfect"};
  private static final String[] NAMES = {"Holland", "Antonia", "Ørnås", "Jack", "Zoë", "O'Hara", "Mary"};
  private static final String[] WORDS = {"a", "young", "family", "town", "war", "love", "detective",
      "finds", "must", "stop", "secret", "journey", "the", "his", "her", "old", "friend", "city", "years",
      "after", "before", "discovers", "mysterious", "\"perfect\"", "life's", "dangerous", "world", "new"};
  private static final String[] BAD_DATES = {"2001-02-30", "TBA", "12/25/1999", "1999", "1987-13-01", "19xx-05-01"};
  private static final String[] STATUS = {"Released", "Released", "Released", "Released", "Released",
      "Released", "Released", "Released", "Rumored", "Post Production", ""};
  private static final String[] RATINGS = {"0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"};
  /** How often each rating is given, as in MovieLens: whole stars and 3-4 most of all. */
  private static final int[] RATING_WEIGHTS = {1, 3, 2, 7, 5, 20, 15, 26, 8, 13};
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  /** Rating times: 1996-01-01 to 2017-08-01, epoch seconds. */
  private static final long FIRST_RATED = 820454400L;
  private static final long LAST_RATED = 1501545600L;

  private final Random random;
  private final MoviesGeneratorOptions options;
  private final Stats stats = new Stats();
  private final int[] ratingCumulative = new int[RATING_WEIGHTS.length];

  private MoviesGenerator(MoviesGeneratorOptions options) {
    this.options = options;
    this.random = new Random(options.getSeed());
    int sum = 0;
    for (int i = 0; i < RATING_WEIGHTS.length; i++) {
      sum += RATING_WEIGHTS[i];
      ratingCumulative[i] = sum;
    }
  }

  /** What was written: rows per file and the dirt in them. */
  public static final class Stats {
    public long movies;
    public long badIds;
    public long duplicates;
    public long badDates;
    public long negativeBudgets;
    public long zeroBudgets;
    public long multiLineOverviews;
    public long links;
    public long unlinked;
    public long dangling;
    public long ratings;
    public long ratingsUnlinked;
    public long ratingsDangling;
    public long cpi;

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "{\"movies\": %d, \"badIds\": %d, \"duplicates\": %d, \"badDates\": %d, "
          + "\"negativeBudgets\": %d, \"zeroBudgets\": %d, \"multiLineOverviews\": %d, \"links\": %d, "
          + "\"unlinked\": %d, \"dangling\": %d, \"ratings\": %d, \"ratingsUnlinked\": %d, "
          + "\"ratingsDangling\": %d, \"cpi\": %d}", movies, badIds, duplicates, badDates, negativeBudgets,
          zeroBudgets, multiLineOverviews, links, unlinked, dangling, ratings, ratingsUnlinked, ratingsDangling, cpi);
    }
  }

  public static void main(String[] args) {
    Cli.main(args, a -> System.out.println("generated: " + run(a)));
  }

  public static Stats run(String[] args) throws IOException {
    MoviesGeneratorOptions options = Cli.parse(args, MoviesGeneratorOptions.class);
    if (options.getMovies() < 1 || options.getRatings() < 0) {
      throw new UsageException("--movies must be >= 1 and --ratings >= 0");
    }
    if (options.getMovies() > Integer.MAX_VALUE / 4) {
      throw new UsageException("--movies must be at most " + Integer.MAX_VALUE / 4);
    }
    return new MoviesGenerator(options).generate();
  }

  private Stats generate() throws IOException {
    List<Integer> tmdbIds;
    try (CSVPrinter out = printer(MOVIES_FILE, MovieSchemas.MOVIES_CSV)) {
      tmdbIds = movies(out);
    }
    List<Integer> linkTmdb;
    try (CSVPrinter out = printer(LINKS_FILE, MovieSchemas.LINKS_CSV)) {
      linkTmdb = links(out, tmdbIds);
    }
    try (CSVPrinter out = printer(RATINGS_FILE, MovieSchemas.RATINGS_CSV)) {
      ratings(out, linkTmdb);
    }
    try (CSVPrinter out = printer(CPI_FILE, MovieSchemas.CPI_CSV)) {
      cpi(out);
    }
    return stats;
  }

  private CSVPrinter printer(String file, List<String> header) throws IOException {
    String name = options.getGzip() ? file + ".gz" : file;
    ResourceId id = FileSystems.matchNewResource(OutputDirs.join(options.getOutput(), name), false);
    OutputStream bytes = Channels.newOutputStream(FileSystems.create(id, options.getGzip() ? MimeTypes.BINARY : MimeTypes.TEXT));
    if (options.getGzip()) {
      bytes = new GZIPOutputStream(bytes, 1 << 16);
    }
    Writer writer = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16);
    CSVPrinter printer = new CSVPrinter(writer, FORMAT);
    printer.printRecord(header);
    return printer;
  }

  /** Writes the metadata rows; returns the TMDB ids of the rows with a valid id, in order, once each. */
  private List<Integer> movies(CSVPrinter out) throws IOException {
    long n = options.getMovies();
    List<Integer> ids = new ArrayList<>();
    // Recent clean rows, the source of exact duplicates.
    List<String[]> recent = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      double dirt = random.nextDouble();
      String[] row;
      if (i > 0 && dirt < DUPLICATE_SHARE) {
        row = recent.get(random.nextInt(recent.size()));
        stats.duplicates++;
      } else if (i > 0 && dirt < DUPLICATE_SHARE + BAD_ID_SHARE) {
        row = shifted();
        stats.badIds++;
      } else {
        // Ids are 1 or 2 modulo 3, increasing: a multiple of 3 is never a movie (see links).
        int id = (int) (3 * (ids.size() + 1) + 1 + random.nextInt(2));
        ids.add(id);
        row = movie(id, i > 0);
        if (recent.size() == 64) {
          recent.set(random.nextInt(64), row);
        } else {
          recent.add(row);
        }
      }
      out.printRecord((Object[]) row);
      stats.movies++;
    }
    return ids;
  }

  private String[] movie(int id, boolean dirty) {
    String title = title();
    String[] row = new String[24];
    row[0] = random.nextInt(200) == 0 ? "True" : "False";
    row[1] = random.nextInt(10) == 0 ? "{'id': " + (id * 7 + 3) + ", 'name': " + py(title + " Collection")
        + ", 'poster_path': " + py(path()) + ", 'backdrop_path': " + py(path()) + "}" : "";
    long budget = random.nextDouble() < ZERO_BUDGET_SHARE ? 0 : 100_000L * (1 + random.nextInt(2000));
    if (dirty && random.nextDouble() < NEGATIVE_BUDGET_SHARE) {
      budget = -100_000L * (1 + random.nextInt(100));
      stats.negativeBudgets++;
    } else if (budget == 0) {
      stats.zeroBudgets++;
    }
    row[2] = Long.toString(budget);
    row[3] = genres();
    row[4] = random.nextInt(7) == 0 ? "http://www.example.com/movies/" + id : "";
    row[5] = Integer.toString(id);
    int imdb = 100_000 + id;
    row[6] = String.format(Locale.ROOT, "tt%07d", imdb);
    String[] language = LANGUAGES[random.nextDouble() < 0.7 ? 0 : random.nextInt(LANGUAGES.length)];
    row[7] = language[0];
    row[8] = random.nextInt(20) == 0 ? title.toUpperCase(Locale.ROOT) : title;
    row[9] = overview(dirty);
    row[10] = String.format(Locale.ROOT, "%.6f", -Math.log(1 - random.nextDouble()) * 5);
    row[11] = path();
    row[12] = companies();
    row[13] = countries();
    if (dirty && random.nextDouble() < BAD_DATE_SHARE) {
      row[14] = BAD_DATES[random.nextInt(BAD_DATES.length)];
      stats.badDates++;
    } else {
      row[14] = random.nextInt(300) == 0 ? "" : releaseDate().toString();
    }
    row[15] = random.nextDouble() < ZERO_REVENUE_SHARE ? "0" : Long.toString(1000L * (1 + random.nextInt(900_000)));
    row[16] = random.nextInt(100) == 0 ? "" : (60 + random.nextInt(130)) + ".0";
    row[17] = "[{'iso_639_1': " + py(language[0]) + ", 'name': " + py(language[1]) + "}]";
    row[18] = STATUS[random.nextInt(STATUS.length)];
    row[19] = random.nextBoolean() ? "" : sentence(4 + random.nextInt(6));
    row[20] = title;
    row[21] = "False";
    row[22] = String.format(Locale.ROOT, "%.1f", random.nextInt(101) / 10.0);
    row[23] = Integer.toString(random.nextInt(10) == 0 ? 0 : random.nextInt(6000));
    return row;
  }

  /**
   * A row as the real file has a few: an overview's stray text first, then the columns shifted so
   * that a release date sits in {@code id}.
   */
  private String[] shifted() {
    String[] row = new String[24];
    Arrays.fill(row, "");
    row[0] = " - Written by " + NAMES[random.nextInt(NAMES.length)];
    row[1] = String.format(Locale.ROOT, "%.6f", random.nextDouble());
    row[2] = path();
    row[3] = companies();
    row[4] = countries();
    row[5] = releaseDate().toString();
    row[6] = "0";
    row[7] = (60 + random.nextInt(130)) + ".0";
    row[8] = "[{'iso_639_1': 'en', 'name': 'English'}]";
    row[9] = "Released";
    row[10] = random.nextBoolean() ? "" : sentence(5);
    row[11] = title();
    row[12] = "False";
    row[13] = String.format(Locale.ROOT, "%.1f", random.nextInt(101) / 10.0);
    row[14] = Integer.toString(random.nextInt(50));
    return row;
  }

  /** Writes the links; returns each link's TMDB id (null when empty), index = MovieLens id - 1. */
  private List<Integer> links(CSVPrinter out, List<Integer> tmdbIds) throws IOException {
    List<Integer> links = new ArrayList<>();
    int maxId = tmdbIds.get(tmdbIds.size() - 1);
    for (int id : tmdbIds) {
      double extra = random.nextDouble();
      if (extra < UNLINKED_SHARE) {
        link(out, links, 200_000 + random.nextInt(800_000), null);
        stats.unlinked++;
      } else if (extra < UNLINKED_SHARE + DANGLING_SHARE) {
        // A multiple of 3 is never a movie id in the metadata.
        link(out, links, 200_000 + random.nextInt(800_000), 3 * (1 + random.nextInt(maxId / 3 + 100)));
        stats.dangling++;
      }
      link(out, links, 100_000 + id, id);
    }
    return links;
  }

  private void link(CSVPrinter out, List<Integer> links, int imdb, Integer tmdb) throws IOException {
    links.add(tmdb);
    out.printRecord(links.size(), String.format(Locale.ROOT, "%07d", imdb), tmdb == null ? "" : tmdb.toString());
    stats.links++;
  }

  private void ratings(CSVPrinter out, List<Integer> links) throws IOException {
    long total = options.getRatings();
    int pool = links.size();
    // About 100 ratings a user, fewer when there are few movies, so that nobody rates one twice.
    int perUser = Math.max(1, Math.min(100, pool / 2));
    long user = 0;
    long written = 0;
    Set<Integer> seen = new HashSet<>();
    int[] movies = new int[Math.min(pool, 2 * perUser)];
    while (written < total) {
      user++;
      int count = (int) Math.min(total - written, 1 + random.nextInt(Math.min(pool, 2 * perUser)));
      seen.clear();
      for (int k = 0; k < count; k++) {
        int movie;
        do {
          // Squaring skews the picks towards the first (popular) movies, as real ratings are.
          double u = random.nextDouble();
          movie = 1 + (int) (u * u * pool);
        } while (!seen.add(movie));
        movies[k] = movie;
      }
      Arrays.sort(movies, 0, count);
      for (int k = 0; k < count; k++) {
        Integer tmdb = links.get(movies[k] - 1);
        if (tmdb == null) {
          stats.ratingsUnlinked++;
        } else if (tmdb % 3 == 0) {
          stats.ratingsDangling++;
        }
        long at = FIRST_RATED + (long) (random.nextDouble() * (LAST_RATED - FIRST_RATED));
        out.printRecord(user, movies[k], rating(), at);
      }
      written += count;
    }
    stats.ratings = written;
  }

  private String rating() {
    int pick = random.nextInt(ratingCumulative[ratingCumulative.length - 1]);
    for (int i = 0; ; i++) {
      if (pick < ratingCumulative[i]) {
        return RATINGS[i];
      }
    }
  }

  private void cpi(CSVPrinter out) throws IOException {
    double value = 64.0;
    for (LocalDate month = CPI_FIRST; !month.isAfter(CPI_LAST); month = month.plusMonths(1)) {
      out.printRecord(month.toString(), String.format(Locale.ROOT, "%.3f", value));
      // About 2.5% a year, never quite smooth.
      value *= 1 + 0.0021 + (random.nextDouble() - 0.5) * 0.006;
      stats.cpi++;
    }
  }

  private LocalDate releaseDate() {
    // Mostly recent, some before the CPI series starts.
    int year = 2017 - (int) Math.min(90, -Math.log(1 - random.nextDouble()) * 18);
    return LocalDate.of(year, 1 + random.nextInt(12), 1 + random.nextInt(28));
  }

  private String title() {
    int shape = random.nextInt(20);
    String word = TITLE_WORDS[random.nextInt(TITLE_WORDS.length)];
    String adjective = ADJECTIVES[random.nextInt(ADJECTIVES.length)];
    if (shape < 3) {
      return NAMES[random.nextInt(NAMES.length)] + "'s " + word;
    } else if (shape == 3) {
      return "The \"" + adjective + "\" " + word;
    } else if (shape == 4) {
      return "Don't Say \"" + word + "\"";
    } else if (shape < 10) {
      return adjective + " " + word + ", " + TITLE_WORDS[random.nextInt(TITLE_WORDS.length)];
    }
    return "The " + adjective + " " + word;
  }

  private String overview(boolean dirty) {
    if (random.nextInt(50) == 0) {
      return "";
    }
    int sentences = 1 + random.nextInt(3);
    boolean multiLine = dirty && random.nextDouble() < MULTI_LINE_SHARE;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < sentences || (multiLine && i < 2); i++) {
      if (i > 0) {
        s.append(multiLine && i == 1 ? (random.nextBoolean() ? "\n" : "\r\n\r\n") : " ");
      }
      s.append(sentence(6 + random.nextInt(12)));
    }
    if (multiLine) {
      stats.multiLineOverviews++;
    }
    return s.toString();
  }

  private String sentence(int words) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < words; i++) {
      String word = WORDS[random.nextInt(WORDS.length)];
      s.append(i == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
      s.append(i == words - 1 ? "." : random.nextInt(8) == 0 ? ", " : " ");
    }
    return s.toString();
  }

  private String genres() {
    int n = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(3);
    StringBuilder s = new StringBuilder("[");
    int first = random.nextInt(GENRES.length);
    for (int i = 0; i < n; i++) {
      Object[] genre = GENRES[(first + i * 5) % GENRES.length];
      s.append(i > 0 ? ", " : "").append("{'id': ").append(genre[0]).append(", 'name': ").append(py((String) genre[1]))
          .append('}');
    }
    return s.append(']').toString();
  }

  private String companies() {
    int n = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
    StringBuilder s = new StringBuilder("[");
    int first = random.nextInt(COMPANIES.length);
    for (int i = 0; i < n; i++) {
      int k = (first + i * 3) % COMPANIES.length;
      s.append(i > 0 ? ", " : "").append("{'name': ").append(py(COMPANIES[k])).append(", 'id': ").append(100 + k * 37)
          .append('}');
    }
    return s.append(']').toString();
  }

  private String countries() {
    String[] country = COUNTRIES[random.nextDouble() < 0.6 ? 0 : random.nextInt(COUNTRIES.length)];
    return "[{'iso_3166_1': " + py(country[0]) + ", 'name': " + py(country[1]) + "}]";
  }

  private String path() {
    StringBuilder s = new StringBuilder("/");
    for (int i = 0; i < 27; i++) {
      s.append(BASE62.charAt(random.nextInt(BASE62.length())));
    }
    return s.append(".jpg").toString();
  }

  /**
   * A string as Python's {@code repr} writes it, as the real file's nested fields hold them: single
   * quotes, or double quotes when the text has an apostrophe and no double quote, else {@code \'}.
   */
  static String py(String text) {
    boolean apostrophe = text.indexOf('\'') >= 0;
    char quote = apostrophe && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder s = new StringBuilder(text.length() + 2).append(quote);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == quote) {
        s.append('\\');
      }
      s.append(c);
    }
    return s.append(quote).toString();
  }
}
