package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.ReadableInstant;
import org.pipewright.io.files.ReadCsv;
import org.pipewright.io.jdbc.Dialect;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.movies.CpiSeries;
import org.pipewright.transforms.movies.MapRatings;
import org.pipewright.transforms.movies.MovieAnalytics;
import org.pipewright.transforms.movies.MovieRules;
import org.pipewright.transforms.movies.MovieSchemas;
import org.pipewright.transforms.movies.ParseCpi;
import org.pipewright.transforms.movies.ParseLinks;
import org.pipewright.transforms.movies.ParseMovies;
import org.pipewright.transforms.movies.ParseRatings;
import org.pipewright.transforms.movies.TopRated;

/**
 * The movies benchmark's yardstick: {@code MoviesWarehouse}'s job (default options) as a plain Java
 * program, without Beam, on one thread: commons-csv reads the four files (RFC 4180, as {@code
 * ReadCsv}), the project's own rules ({@link MovieRules}, and through it {@code PythonLiteral})
 * parse every row, then the model, the ratings mapped through the links, and the five analytics
 * ({@link CpiSeries} for the inflation adjustment) are computed in memory. It writes the eleven
 * tables and the dead letters as JSON lines and {@code summary.json} in {@code MoviesWarehouse}'s
 * layout, and, given a JDBC URL, loads the same eleven tables and the dead letters into PostgreSQL
 * under a table prefix ({@code CREATE TABLE IF NOT EXISTS} with the pipeline's DDL, then batched
 * multi-row {@code INSERT ... ON CONFLICT DO UPDATE} statements, all in ONE transaction). {@code
 * MoviesYardstickIT} checks that the tables and the summary equal the pipeline's.
 *
 * <p>What it leaves out, as a hand-written program would: staging tables and the quality gate
 * (nothing is audited before it is published; no {@code pipewright_quality} rows), Parquet, retries,
 * and every guarantee that needs a runner (it holds every table in memory). Rules that live in
 * package-private classes of {@code transforms} are written out here: the first row per movie id
 * ({@code KeepFirst}), the latest rating per user and movie ({@code KeepLatest}), the revenue sums
 * ({@code RevenueTotals}), the top-rated order ({@code TopRated}) and a refused row's payload.
 *
 * <p>The user is {@code PIPEWRIGHT_JDBC_USER} (default {@code postgres}, as {@code --jdbcUser}), the
 * password {@code PIPEWRIGHT_JDBC_PASSWORD}.
 *
 * <pre>java -cp pipelines/target/test-classes:pipelines/target/pipewright-pipelines-bundled.jar \
 *   org.pipewright.pipelines.MoviesYardstick IN OUT [JDBC_URL TABLE_PREFIX]</pre>
 */
public final class MoviesYardstick {
  /** As {@code JdbcWriter}: at most 1,000 rows and 32,767 parameters per statement. */
  private static final int MAX_ROWS_PER_STATEMENT = 1000;
  private static final int MAX_PARAMETERS = 32767;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CSVFormat FORMAT = ReadCsv.DEFAULT_FORMAT;

  private MoviesYardstick() {}

  /** Counts of one input kind, as {@code Summary} derives them. */
  private static final class Counts {
    long cleaned;
    long clean;
    long deadLetter;
    long refusedLater;
  }

  /** One table of the load: its rows, schema and key columns. */
  private static final class Table {
    final String name;
    final Schema schema;
    final List<String> keys;
    final Collection<Row> rows;

    Table(String name, Schema schema, Collection<Row> rows, String... keys) {
      this.name = name;
      this.schema = schema;
      this.keys = List.of(keys);
      this.rows = rows;
    }
  }

  /** A (user, movie) pair, the key of the ratings table. */
  private static final class Pair {
    final long user;
    final long movie;

    Pair(long user, long movie) {
      this.user = user;
      this.movie = movie;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pair && ((Pair) o).user == user && ((Pair) o).movie == movie;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(user) * 31 + Long.hashCode(movie);
    }
  }

  /** {@code RevenueTotals}: movies with a known revenue, their revenue, their known real revenue. */
  private static final class Totals {
    long movies;
    long revenue;
    @Nullable BigDecimal real;

    void add(long amount, @Nullable BigDecimal realAmount) {
      movies++;
      revenue = Math.addExact(revenue, amount);
      if (realAmount != null) {
        real = real == null ? realAmount : real.add(realAmount);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2 && args.length != 4) {
      throw new IllegalArgumentException("usage: MoviesYardstick INPUT_DIR OUTPUT_DIR [JDBC_URL TABLE_PREFIX]");
    }
    run(Path.of(args[0]), Path.of(args[1]), args.length == 4 ? args[2] : null, args.length == 4 ? args[3] : null,
        System.getenv().getOrDefault("PIPEWRIGHT_JDBC_USER", "postgres"), System.getenv("PIPEWRIGHT_JDBC_PASSWORD"));
  }

  /** The job: files into {@code out}, and with a {@code url} the tables loaded under {@code prefix}. */
  static void run(Path input, Path out, @Nullable String url, @Nullable String prefix, String user,
      @Nullable String password) throws IOException, SQLException {
    Path in = input.toAbsolutePath();
    long start = System.nanoTime();
    Map<String, Counts> counts = new LinkedHashMap<>();
    for (String kind : MoviesWarehouse.KINDS) {
      counts.put(kind, new Counts());
    }
    List<Row> deadLetters = new ArrayList<>();

    // Movies: the first row of each id in file order; genres, movie_genre and release dates of those.
    Counts movieCounts = counts.get(MoviesWarehouse.MOVIES);
    Map<Long, Row> firstMovies = new LinkedHashMap<>();
    read(in, MoviesWarehouse.MOVIES, MovieSchemas.MOVIES_CSV, movieCounts, deadLetters, csv -> {
      Row parsed = parse(csv, MoviesWarehouse.MOVIES, ParseMovies.STEP, MovieRules::movie, movieCounts, deadLetters);
      if (parsed != null) {
        firstMovies.putIfAbsent(parsed.getInt64("movie_id"), parsed);
      }
    });
    movieCounts.clean = firstMovies.size();
    List<Row> movies = new ArrayList<>(firstMovies.size());
    Map<Long, String> genreNames = new TreeMap<>();
    List<Row> movieGenres = new ArrayList<>();
    Set<LocalDate> days = new TreeSet<>();
    for (Row parsed : firstMovies.values()) {
      movies.add(Row.withSchema(MovieSchemas.MOVIE)
          .attachValues(parsed.getValues().subList(0, MovieSchemas.MOVIE.getFieldCount())));
      for (Row genre : parsed.<Row>getArray("genres")) {
        // One name per id: the smallest, as the pipeline's Min.perKey picks it.
        genreNames.merge(genre.getInt64("genre_id"), genre.getString("name"), (a, b) -> a.compareTo(b) <= 0 ? a : b);
        movieGenres.add(Row.withSchema(MovieSchemas.MOVIE_GENRE)
            .attachValues(parsed.getInt64("movie_id"), genre.getInt64("genre_id")));
      }
      LocalDate released = parsed.getLogicalTypeValue("release_date", LocalDate.class);
      if (released != null) {
        days.add(released);
      }
    }
    List<Row> genres = new ArrayList<>();
    genreNames.forEach((id, name) -> genres.add(Row.withSchema(MovieSchemas.GENRE).attachValues(id, name)));
    List<Row> releaseDates = days.stream().map(MovieRules::releaseDate).collect(Collectors.toList());

    // Links: MovieLens id -> the greatest TMDB id, -1 for a link without one.
    Counts linkCounts = counts.get(MoviesWarehouse.LINKS);
    Map<Long, Long> tmdbIdOf = new HashMap<>();
    read(in, MoviesWarehouse.LINKS, MovieSchemas.LINKS_CSV, linkCounts, deadLetters, csv -> {
      Row link = parse(csv, MoviesWarehouse.LINKS, ParseLinks.STEP, MovieRules::link, linkCounts, deadLetters);
      if (link != null) {
        Long tmdb = link.getInt64("tmdb_id");
        tmdbIdOf.merge(link.getInt64("movie_id"), tmdb == null ? -1L : tmdb, Math::max);
      }
    });
    linkCounts.clean = linkCounts.cleaned;

    // CPI: not de-duplicated, as in the pipeline.
    Counts cpiCounts = counts.get(MoviesWarehouse.CPI);
    List<Row> cpi = new ArrayList<>();
    String valueColumn = ParseCpi.DEFAULT_VALUE_COLUMN;
    read(in, MoviesWarehouse.CPI, List.of(ParseCpi.DATE_COLUMN, valueColumn), cpiCounts, deadLetters, csv -> {
      Row row = parse(csv, MoviesWarehouse.CPI, ParseCpi.STEP,
          r -> MovieRules.cpi(r, ParseCpi.DATE_COLUMN, valueColumn), cpiCounts, deadLetters);
      if (row != null) {
        cpi.add(row);
      }
    });
    cpiCounts.clean = cpiCounts.cleaned;

    // Ratings: mapped to TMDB ids, refused when unmapped or unknown, the latest per user and movie.
    Counts ratingCounts = counts.get(MoviesWarehouse.RATINGS);
    Map<Pair, Row> latest = new HashMap<>();
    read(in, MoviesWarehouse.RATINGS, MovieSchemas.RATINGS_CSV, ratingCounts, deadLetters, csv -> {
      Row rating = parse(csv, MoviesWarehouse.RATINGS, ParseRatings.STEP, MovieRules::rating, ratingCounts,
          deadLetters);
      if (rating == null) {
        return;
      }
      long movieLensId = rating.getInt64("movie_id");
      Long tmdbId = tmdbIdOf.get(movieLensId);
      String reason = tmdbId == null || tmdbId == -1L ? "unmapped_movie: " + movieLensId
          : !firstMovies.containsKey(tmdbId) ? "unknown_movie: " + tmdbId : null;
      if (reason != null) {
        ratingCounts.refusedLater++;
        deadLetters.add(DeadLetter.of(ParseRatings.KIND, MapRatings.STEP, reason, rating.getString("source"),
            RowJson.format(rating)));
        return;
      }
      Row mapped = Row.withSchema(ParseRatings.PARSED).attachValues(rating.getInt64("user_id"), tmdbId,
          rating.getDouble("rating"), rating.getValue("rated_at"), rating.getString("source"));
      latest.merge(new Pair(mapped.getInt64("user_id"), tmdbId), mapped, MoviesYardstick::later);
    });
    ratingCounts.clean = latest.size();
    List<Row> ratings = new ArrayList<>(latest.size());
    for (Row r : latest.values()) {
      ratings.add(Row.withSchema(MovieSchemas.RATING).attachValues(r.getValues().subList(0, 4)));
    }
    latest.clear();

    // Analytics.
    CpiSeries series = CpiSeries.of(cpi);
    List<Row> realRevenue = new ArrayList<>(movies.size());
    Map<Long, Row> realById = new HashMap<>();
    for (Row m : movies) {
      LocalDate released = m.getLogicalTypeValue("release_date", LocalDate.class);
      Long revenue = m.getInt64("revenue");
      Row real = Row.withSchema(MovieAnalytics.REAL_REVENUE_SCHEMA).attachValues(m.getInt64("movie_id"),
          m.getString("title"), released, revenue, series.realValue(revenue, released));
      realRevenue.add(real);
      realById.put(m.getInt64("movie_id"), real);
    }
    Map<String, Totals> byGenre = new TreeMap<>();
    Set<String> counted = new HashSet<>();
    for (Row pair : movieGenres) {
      Row real = realById.get(pair.getInt64("movie_id"));
      String name = genreNames.get(pair.getInt64("genre_id"));
      if (real != null && real.getInt64("revenue") != null && name != null
          && counted.add(pair.getInt64("movie_id") + "\u0000" + name)) {
        byGenre.computeIfAbsent(name, k -> new Totals()).add(real.getInt64("revenue"), real.getDecimal("revenue_real"));
      }
    }
    List<Row> genreRevenue = new ArrayList<>();
    byGenre.forEach((name, t) -> genreRevenue.add(Row.withSchema(MovieAnalytics.GENRE_REVENUE_SCHEMA)
        .attachValues(name, t.movies, t.revenue, t.real)));
    Map<Integer, Totals> byMonth = new TreeMap<>();
    Map<Integer, Totals> byQuarter = new TreeMap<>();
    for (Row real : realRevenue) {
      LocalDate released = real.getLogicalTypeValue("release_date", LocalDate.class);
      Long revenue = real.getInt64("revenue");
      if (released != null && revenue != null) {
        byMonth.computeIfAbsent(released.getYear() * 12 + released.getMonthValue() - 1, k -> new Totals())
            .add(revenue, null);
        byQuarter.computeIfAbsent(released.getYear() * 4 + (released.getMonthValue() - 1) / 3, k -> new Totals())
            .add(revenue, null);
      }
    }
    List<Row> revenueByMonth = new ArrayList<>();
    byMonth.forEach((m, t) -> revenueByMonth.add(Row.withSchema(MovieAnalytics.REVENUE_BY_MONTH_SCHEMA).attachValues(
        String.format("%04d-%02d", Math.floorDiv(m, 12), Math.floorMod(m, 12) + 1), t.movies, t.revenue)));
    List<Row> revenueByQuarter = new ArrayList<>();
    byQuarter.forEach((q, t) -> revenueByQuarter.add(Row.withSchema(MovieAnalytics.REVENUE_BY_QUARTER_SCHEMA)
        .attachValues(Math.floorDiv(q, 4), Math.floorMod(q, 4) + 1, t.movies, t.revenue)));
    List<Row> topRated = topRated(ratings, firstMovies);

    Map<String, Table> tables = new LinkedHashMap<>();
    add(tables, new Table(MoviesTables.MOVIES, MovieSchemas.MOVIE, movies, "movie_id"));
    add(tables, new Table(MoviesTables.RATINGS, MovieSchemas.RATING, ratings, "user_id", "movie_id"));
    add(tables, new Table(MoviesTables.GENRE, MovieSchemas.GENRE, genres, "genre_id"));
    add(tables, new Table(MoviesTables.MOVIE_GENRE, MovieSchemas.MOVIE_GENRE, movieGenres, "movie_id", "genre_id"));
    add(tables, new Table(MoviesTables.RELEASE_DATE, MovieSchemas.RELEASE_DATE, releaseDates, "date"));
    add(tables, new Table(MoviesTables.CPI, MovieSchemas.CPI, cpi, "month"));
    add(tables, new Table(MovieAnalytics.REAL_REVENUE, MovieAnalytics.REAL_REVENUE_SCHEMA, realRevenue, "movie_id"));
    add(tables, new Table(MovieAnalytics.GENRE_REVENUE, MovieAnalytics.GENRE_REVENUE_SCHEMA, genreRevenue, "genre"));
    add(tables, new Table(MovieAnalytics.REVENUE_BY_MONTH, MovieAnalytics.REVENUE_BY_MONTH_SCHEMA, revenueByMonth,
        "month"));
    add(tables, new Table(MovieAnalytics.REVENUE_BY_QUARTER, MovieAnalytics.REVENUE_BY_QUARTER_SCHEMA,
        revenueByQuarter, "year", "quarter"));
    add(tables, new Table(MovieAnalytics.TOP_RATED, MovieAnalytics.TOP_RATED_SCHEMA, topRated, "rank"));
    long computed = System.nanoTime();

    for (Table t : tables.values()) {
      String folder = MoviesTables.ANALYTICS.contains(t.name) ? "analytics" : "clean";
      write(out.resolve(folder).resolve(t.name), t.rows);
    }
    write(out.resolve("dead-letter"), deadLetters);
    ObjectNode summary = JSON.createObjectNode();
    for (Map.Entry<String, Counts> e : counts.entrySet()) {
      Counts c = e.getValue();
      ObjectNode table = summary.putObject(e.getKey());
      table.put("read", c.cleaned + c.deadLetter);
      table.put("clean", c.clean);
      table.put("duplicates", c.cleaned - c.clean - c.refusedLater);
      table.put("deadLetter", c.deadLetter + c.refusedLater);
    }
    Files.writeString(out.resolve("summary.json"), JSON.writeValueAsString(summary) + "\n");
    long written = System.nanoTime();

    long published = 0;
    for (Table t : tables.values()) {
      published += t.rows.size();
    }
    if (url != null) {
      load(url, prefix, user, password, tables.values(), deadLetters);
    }
    long loaded = System.nanoTime();
    System.out.printf("yardstick finished in %.1f s (read and compute %.1f s, files %.1f s, load %.1f s)%n",
        (loaded - start) / 1e9, (computed - start) / 1e9, (written - computed) / 1e9, (loaded - written) / 1e9);
    System.out.println("published rows: " + published + (url != null ? "" : " (files only)")
        + ", dead letters: " + deadLetters.size());
    System.out.println("summary: " + JSON.writeValueAsString(summary));
  }

  private static void add(Map<String, Table> tables, Table table) {
    tables.put(table.name, table);
  }

  /** KeepLatest's rule: the greater {@code rated_at} wins; equal times by the row's text. */
  private static Row later(Row a, Row b) {
    int byTime = ((ReadableInstant) a.getValue("rated_at")).compareTo((ReadableInstant) b.getValue("rated_at"));
    if (byTime != 0) {
      return byTime > 0 ? a : b;
    }
    return a.toString().compareTo(b.toString()) >= 0 ? a : b;
  }

  /** TopRated: movies with enough ratings, by exact mean desc, then ratings desc, then movie id. */
  private static List<Row> topRated(List<Row> ratings, Map<Long, Row> movies) {
    Map<Long, long[]> count = new HashMap<>();
    Map<Long, BigDecimal> sum = new HashMap<>();
    for (Row r : ratings) {
      double value = r.getDouble("rating");
      if (!Double.isFinite(value)) {
        continue;
      }
      long movie = r.getInt64("movie_id");
      count.computeIfAbsent(movie, k -> new long[1])[0]++;
      sum.merge(movie, BigDecimal.valueOf(value), BigDecimal::add);
    }
    List<Object[]> qualified = new ArrayList<>();
    count.forEach((movie, n) -> {
      if (n[0] >= TopRated.DEFAULT_MIN_VOTES) {
        qualified.add(new Object[] {movie, n[0],
            sum.get(movie).divide(BigDecimal.valueOf(n[0]), MovieAnalytics.MEAN_SCALE, RoundingMode.HALF_UP)});
      }
    });
    qualified.sort(Comparator.<Object[], BigDecimal>comparing(q -> (BigDecimal) q[2]).reversed()
        .thenComparing(q -> (Long) q[1], Comparator.reverseOrder())
        .thenComparing(q -> (Long) q[0]));
    List<Row> top = new ArrayList<>();
    for (int i = 0; i < Math.min(TopRated.DEFAULT_TOP_N, qualified.size()); i++) {
      Object[] q = qualified.get(i);
      Row movie = movies.get((Long) q[0]);
      top.add(Row.withSchema(MovieAnalytics.TOP_RATED_SCHEMA).attachValues(i + 1, q[0],
          movie == null ? null : movie.getString("title"), q[1], q[2]));
    }
    return top;
  }

  /** A rule that parses one CSV row. */
  private interface Rule {
    Row apply(Row csv);
  }

  /** {@code ParseCsvRows}: the rule's row, or null with a dead letter (the row's columns as JSON). */
  private static @Nullable Row parse(Row csv, String kind, String step, Rule rule, Counts counts,
      List<Row> deadLetters) {
    try {
      Row parsed = rule.apply(csv);
      counts.cleaned++;
      return parsed;
    } catch (BadValueException e) {
      return refuse(csv, kind, step, e.getMessage(), counts, deadLetters);
    } catch (RuntimeException | StackOverflowError e) {
      return refuse(csv, kind, step, "unexpected error: " + e, counts, deadLetters);
    }
  }

  private static @Nullable Row refuse(Row csv, String kind, String step, String reason, Counts counts,
      List<Row> deadLetters) {
    counts.deadLetter++;
    ObjectNode payload = JSON.createObjectNode();
    Schema schema = csv.getSchema();
    for (int i = 1; i < schema.getFieldCount(); i++) {
      Object value = csv.getValue(i);
      if (value == null) {
        payload.putNull(schema.getField(i).getName());
      } else {
        payload.put(schema.getField(i).getName(), value.toString());
      }
    }
    deadLetters.add(DeadLetter.of(kind, step, reason, csv.getString("source"), payload.toString()));
    return null;
  }

  /**
   * Reads {@code INPUT/<kind file>} (or its {@code .gz}) as {@code ReadCsv} does: the header's
   * columns by name, {@code source} = {@code file:first line of the record}, empty fields null,
   * blank lines skipped; a record with the wrong number of fields is a dead letter (its payload the
   * fields re-joined, not the raw text as in the pipeline).
   */
  private static void read(Path in, String kind, List<String> columns, Counts counts, List<Row> deadLetters,
      Consumer<Row> sink) throws IOException {
    Path file = in.resolve(MoviesFiles.NAMES.get(kind));
    if (!Files.exists(file)) {
      file = in.resolve(MoviesFiles.NAMES.get(kind) + ".gz");
    }
    Schema schema = ReadCsv.schema(columns);
    String name = file.toString();
    try (InputStream raw = Files.newInputStream(file);
        BufferedReader reader = new BufferedReader(new InputStreamReader(
            name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, StandardCharsets.UTF_8), 1 << 16);
        CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get()) {
      Iterator<CSVRecord> records = parser.iterator();
      int[] index = null;
      int headerSize = 0;
      long linesBefore = 0;
      while (records.hasNext()) {
        CSVRecord record = records.next();
        long first = linesBefore + 1;
        linesBefore = parser.getCurrentLineNumber();
        if (record.size() == 1 && (record.get(0) == null || record.get(0).isBlank())) {
          continue;
        }
        if (index == null) {
          List<String> header = new ArrayList<>();
          for (String h : record) {
            header.add(h == null ? "" : h.replace("\uFEFF", "").trim());
          }
          headerSize = header.size();
          index = new int[columns.size()];
          for (int i = 0; i < columns.size(); i++) {
            index[i] = header.indexOf(columns.get(i));
            if (index[i] < 0) {
              throw new IOException(name + " has no column " + columns.get(i));
            }
          }
          continue;
        }
        String source = name + ":" + first;
        if (record.size() != headerSize) {
          counts.deadLetter++;
          deadLetters.add(DeadLetter.of(kind, ReadCsv.STEP, "wrong_field_count: " + record.size() + " of "
              + headerSize, source, String.join(",", record)));
          continue;
        }
        Object[] values = new Object[index.length + 1];
        values[0] = source;
        for (int i = 0; i < index.length; i++) {
          String value = record.get(index[i]);
          values[i + 1] = value == null || value.isEmpty() ? null : value;
        }
        sink.accept(Row.withSchema(schema).attachValues(values));
      }
    }
  }

  private static void write(Path dir, Collection<Row> rows) throws IOException {
    Files.createDirectories(dir);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("part-00000-of-00001.jsonl"), StandardCharsets.UTF_8)) {
      for (Row row : rows) {
        out.write(RowJson.format(row));
        out.write('\n');
      }
    }
  }

  // ---- the load ----------------------------------------------------------------------------

  /**
   * Creates the tables (the pipeline's DDL) and upserts every table and the dead letters (keyed by
   * source) in one transaction, with multi-row statements.
   */
  private static void load(String url, String prefix, String user, @Nullable String password,
      Collection<Table> tables, List<Row> deadLetters) throws SQLException {
    List<Table> all = new ArrayList<>(tables);
    all.add(new Table(WarehouseTables.DEAD_LETTER, DeadLetter.SCHEMA, deadLetters, "source"));
    Dialect dialect = Dialect.POSTGRES;
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      try (Statement s = c.createStatement()) {
        for (Table t : all) {
          s.execute(dialect.createTable(prefix + t.name, t.schema, t.keys));
        }
      }
      c.setAutoCommit(false);
      try {
        for (Table t : all) {
          upsert(c, dialect, prefix + t.name, t);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void upsert(Connection c, Dialect dialect, String table, Table t) throws SQLException {
    Schema schema = t.schema;
    int fields = schema.getFieldCount();
    int chunk = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, MAX_PARAMETERS / fields));
    Iterator<Row> next = t.rows.iterator();
    PreparedStatement full = null;
    try {
      for (int left = t.rows.size(); left > 0; left -= chunk) {
        int n = Math.min(chunk, left);
        PreparedStatement statement;
        if (n == chunk) {
          if (full == null) {
            full = c.prepareStatement(upsertSql(dialect, table, t, n));
          }
          statement = full;
        } else {
          statement = c.prepareStatement(upsertSql(dialect, table, t, n));
        }
        int parameter = 1;
        for (int r = 0; r < n; r++) {
          Row row = next.next();
          for (int i = 0; i < fields; i++) {
            set(statement, parameter++, schema.getField(i).getType(), row.getValue(i));
          }
        }
        statement.executeUpdate();
        if (statement != full) {
          statement.close();
        }
      }
    } finally {
      if (full != null) {
        full.close();
      }
    }
  }

  private static String upsertSql(Dialect dialect, String table, Table t, int rows) {
    List<String> columns = t.schema.getFieldNames();
    String row = "(" + columns.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quoteTable(table)).append(" (")
        .append(columns.stream().map(dialect::quoteIdentifier).collect(Collectors.joining(", "))).append(") VALUES ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append(row);
    }
    List<String> others = columns.stream().filter(x -> !t.keys.contains(x)).collect(Collectors.toList());
    sql.append(" ON CONFLICT (").append(t.keys.stream().map(dialect::quoteIdentifier).collect(Collectors.joining(", ")))
        .append(") DO ");
    sql.append(others.isEmpty() ? "NOTHING" : "UPDATE SET " + others.stream()
        .map(x -> dialect.quoteIdentifier(x) + " = EXCLUDED." + dialect.quoteIdentifier(x))
        .collect(Collectors.joining(", ")));
    return sql.toString();
  }

  private static void set(PreparedStatement s, int index, Schema.FieldType type, @Nullable Object value)
      throws SQLException {
    boolean date = RowJson.isDate(type);
    switch (type.getTypeName()) {
      case INT32:
        if (value == null) {
          s.setNull(index, Types.INTEGER);
        } else {
          s.setInt(index, (Integer) value);
        }
        return;
      case INT64:
        if (value == null) {
          s.setNull(index, Types.BIGINT);
        } else {
          s.setLong(index, (Long) value);
        }
        return;
      case DOUBLE:
        if (value == null) {
          s.setNull(index, Types.DOUBLE);
        } else {
          s.setDouble(index, (Double) value);
        }
        return;
      case BOOLEAN:
        s.setBoolean(index, (Boolean) value);
        return;
      case DECIMAL:
        s.setBigDecimal(index, (BigDecimal) value);
        return;
      case STRING:
        // PostgreSQL text cannot hold U+0000 (JdbcWriter does the same).
        s.setString(index, value == null ? null : ((String) value).replace('\u0000', '\uFFFD'));
        return;
      case DATETIME:
        if (value == null) {
          s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          s.setObject(index, OffsetDateTime.ofInstant(
              java.time.Instant.ofEpochMilli(((ReadableInstant) value).getMillis()), ZoneOffset.UTC));
        }
        return;
      default:
        if (date) {
          s.setObject(index, value, Types.DATE);
          return;
        }
        throw new IllegalArgumentException("no SQL mapping for " + type);
    }
  }
}
