package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.joda.time.ReadableInstant;
import org.pipewright.transforms.core.GroupMedians;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RecordCleaner;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.core.Timestamps;
import org.pipewright.transforms.core.TopTies;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.pinterest.AgeGroups;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.transforms.pinterest.PinterestQueries;

/**
 * The benchmarks' yardstick: the Pinterest batch job as a plain Java program, without Beam, in one
 * pass on one thread, with the project's own cleaning rules and aggregate helpers. It reads the
 * same input as {@code PinterestBatch}, de-duplicates, joins, computes the nine analytics and writes
 * JSON lines (clean tables, analytics, {@code summary.json}) in the same layout, so that {@code
 * benchmarks/run-batch.sh} can check that both did the same work before it compares their times.
 *
 * <p>What it leaves out, as a hand-written program would: Parquet, dead-letter files (refused
 * records are counted), progress lines and every guarantee that needs a runner (parallelism,
 * bounded memory: it holds the clean tables in memory).
 *
 * <pre>java -cp pipelines/target/test-classes:pipelines/target/pipewright-pipelines-bundled.jar \
 *   org.pipewright.pipelines.BatchYardstick IN OUT</pre>
 */
public final class BatchYardstick {
  private BatchYardstick() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BatchYardstick INPUT_DIR OUTPUT_DIR");
    }
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    long start = System.nanoTime();
    ObjectMapper json = new ObjectMapper();
    ObjectNode summary = json.createObjectNode();
    Map<String, Collection<Row>> tables = new HashMap<>();
    for (String kind : CleanPinterest.KINDS) {
      long[] counts = new long[3]; // read, valid, dead letters
      Set<Row> clean = clean(in.resolve(kind), CleanPinterest.recordCleaner(kind), counts);
      tables.put(kind, clean);
      write(out.resolve("clean").resolve(kind), clean);
      ObjectNode table = summary.putObject(kind);
      table.put("read", counts[0]);
      table.put("clean", clean.size());
      table.put("duplicates", counts[1] - clean.size());
      table.put("deadLetter", counts[2]);
    }
    Map<String, List<Row>> analytics = analytics(tables.get("pin"), tables.get("geo"), tables.get("user"));
    for (Map.Entry<String, List<Row>> result : analytics.entrySet()) {
      write(out.resolve("analytics").resolve(result.getKey()), result.getValue());
    }
    Files.writeString(out.resolve("summary.json"), json.writeValueAsString(summary) + "\n");
    System.out.printf("yardstick finished in %.1f s%nsummary: %s%n", (System.nanoTime() - start) / 1e9, summary);
  }

  /** Cleans every line of every file below {@code dir}; exact re-sends are kept once. */
  static Set<Row> clean(Path dir, RecordCleaner cleaner, long[] counts) throws IOException {
    Set<Row> clean = new LinkedHashSet<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      try (InputStream raw = Files.newInputStream(file);
          BufferedReader lines = new BufferedReader(new InputStreamReader(
              file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw,
              StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (Values.isBlank(line)) {
            continue;
          }
          counts[0]++;
          try {
            clean.add(cleaner.clean(RawJson.parseObject(line)));
            counts[1]++;
          } catch (RuntimeException e) { // BadValueException, or a bug: a dead letter either way
            counts[2]++;
          }
        }
      }
    }
    return clean;
  }

  static Map<String, List<Row>> analytics(Collection<Row> pins, Collection<Row> geo, Collection<Row> users) {
    Map<Long, List<Row>> geoById = byId(geo);
    Map<Long, List<Row>> usersById = byId(users);
    // The two joins, as tuples of the columns the queries use
    List<Object[]> postGeo = new ArrayList<>(); // country, category, poster, followers, post year
    List<Object[]> postUser = new ArrayList<>(); // category, followers, age group, join year
    for (Row p : pins) {
      Long id = p.getInt64("ind");
      for (Row g : geoById.getOrDefault(id, List.of())) {
        postGeo.add(new Object[] {g.getString("country"), p.getString("category"), p.getString("poster_name"),
            p.getInt64("follower_count"), year(g.getDateTime("timestamp"))});
      }
      for (Row u : usersById.getOrDefault(id, List.of())) {
        postUser.add(new Object[] {p.getString("category"), p.getInt64("follower_count"),
            AgeGroups.of(u.getInt32("age")), year(u.getDateTime("date_joined"))});
      }
    }
    Map<String, List<Row>> results = new HashMap<>();
    results.put(PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY,
        popular(postGeo, t -> (String) t[0], t -> (String) t[1], PinterestQueries.POPULAR_CATEGORY_BY_COUNTRY));
    results.put(PinterestQueries.POPULAR_CATEGORY_BY_AGE_GROUP,
        popular(postUser, t -> (String) t[2], t -> (String) t[0], PinterestQueries.POPULAR_CATEGORY_BY_AGE_GROUP));
    results.put(PinterestQueries.POSTS_PER_CATEGORY_BY_YEAR, counts(postGeo.stream()
            .filter(t -> in((Integer) t[4], PinterestQueries.POST_YEAR_FROM, PinterestQueries.POST_YEAR_TO))
            .map(t -> List.of(t[4], nullable(t[1]))), PinterestQueries.POSTS_PER_CATEGORY_BY_YEAR));
    List<Object[]> joinYears = new ArrayList<>();
    for (Row u : users) {
      joinYears.add(new Object[] {year(u.getDateTime("date_joined"))});
    }
    results.put(PinterestQueries.USERS_JOINED_BY_YEAR, counts(joinYears.stream()
            .filter(t -> in((Integer) t[0], PinterestQueries.JOIN_YEAR_FROM, PinterestQueries.JOIN_YEAR_TO))
            .map(t -> List.of(t[0])), PinterestQueries.USERS_JOINED_BY_YEAR));

    Map<String, KV<String, Long>> best = new HashMap<>();
    Comparator<KV<String, Long>> order = PinterestQueries.posterOrder();
    for (Object[] t : postGeo) {
      best.merge((String) t[0], KV.of((String) t[2], (Long) t[3]), (a, b) -> order.compare(a, b) >= 0 ? a : b);
    }
    List<Row> topUsers = new ArrayList<>();
    List<KV<String, Long>> top = new ArrayList<>();
    TopTies ties = TopTies.of();
    best.forEach((country, poster) -> {
      topUsers.add(row(PinterestQueries.TOP_USER_BY_COUNTRY, country, poster.getKey(), poster.getValue()));
      ties.addInput(top, KV.of(country, poster.getValue()));
    });
    results.put(PinterestQueries.TOP_USER_BY_COUNTRY, topUsers);
    results.put(PinterestQueries.COUNTRY_WITH_TOP_USER, top.stream()
        .map(kv -> row(PinterestQueries.COUNTRY_WITH_TOP_USER, kv.getKey(), kv.getValue()))
        .collect(Collectors.toList()));

    results.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_AGE_GROUP,
        medians(postUser.stream().map(t -> KV.of(List.of(t[2]), (Long) t[1])),
            PinterestQueries.MEDIAN_FOLLOWERS_BY_AGE_GROUP));
    List<Object[]> joined = postUser.stream()
        .filter(t -> in((Integer) t[3], PinterestQueries.JOIN_YEAR_FROM, PinterestQueries.JOIN_YEAR_TO))
        .collect(Collectors.toList());
    results.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR,
        medians(joined.stream().map(t -> KV.of(List.of(t[3]), (Long) t[1])),
            PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR));
    results.put(PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP,
        medians(joined.stream().map(t -> KV.of(List.of(t[2], t[3]), (Long) t[1])),
            PinterestQueries.MEDIAN_FOLLOWERS_BY_JOIN_YEAR_AND_AGE_GROUP));
    return results;
  }

  private static Map<Long, List<Row>> byId(Collection<Row> rows) {
    Map<Long, List<Row>> index = new HashMap<>();
    for (Row row : rows) {
      index.computeIfAbsent(row.getInt64("ind"), k -> new ArrayList<>(1)).add(row);
    }
    return index;
  }

  private static Integer year(ReadableInstant instant) {
    return instant == null ? null : Timestamps.utcYear(instant);
  }

  private static boolean in(Integer year, int from, int to) {
    return year != null && year >= from && year <= to;
  }

  // List.of refuses nulls; a null key value is its own group, as in the pipeline
  private static Object nullable(Object value) {
    return value == null ? NULL : value;
  }

  private static final Object NULL = new Object();

  private static Object unwrap(Object value) {
    return value == NULL ? null : value;
  }

  /** Rank 1 of category counts per group, ties kept. */
  private static List<Row> popular(List<Object[]> tuples, Function<Object[], String> group,
      Function<Object[], String> category, String name) {
    Map<List<Object>, Long> counts = new HashMap<>();
    for (Object[] t : tuples) {
      counts.merge(List.of(nullable(group.apply(t)), nullable(category.apply(t))), 1L, Long::sum);
    }
    Map<Object, List<KV<String, Long>>> top = new HashMap<>();
    TopTies ties = TopTies.of();
    counts.forEach((key, count) -> ties.addInput(
        top.computeIfAbsent(key.get(0), k -> ties.createAccumulator()), KV.of((String) unwrap(key.get(1)), count)));
    List<Row> rows = new ArrayList<>();
    top.forEach((g, best) -> best.forEach(kv -> rows.add(row(name, unwrap(g), kv.getKey(), kv.getValue()))));
    return rows;
  }

  private static List<Row> counts(Stream<List<Object>> keys, String name) {
    Map<List<Object>, Long> counts = keys.collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    List<Row> rows = new ArrayList<>();
    counts.forEach((key, count) -> {
      List<Object> values = key.stream().map(BatchYardstick::unwrap).collect(Collectors.toCollection(ArrayList::new));
      values.add(count);
      rows.add(row(name, values.toArray()));
    });
    return rows;
  }

  private static List<Row> medians(Stream<KV<List<Object>, Long>> values, String name) {
    Map<List<Object>, Map<Long, Long>> histograms = new HashMap<>();
    values.forEach(kv -> {
      Map<Long, Long> histogram = histograms.computeIfAbsent(kv.getKey(), k -> new HashMap<>());
      if (kv.getValue() != null) {
        histogram.merge(kv.getValue(), 1L, Long::sum);
      }
    });
    List<Row> rows = new ArrayList<>();
    histograms.forEach((key, histogram) -> {
      List<Object> row = new ArrayList<>(key);
      row.add(GroupMedians.lowerMedian(histogram));
      rows.add(row(name, row.toArray()));
    });
    return rows;
  }

  private static Row row(String name, Object... values) {
    Schema schema = PinterestQueries.OUTPUTS.get(name);
    return Row.withSchema(schema).attachValues(values);
  }

  private static void write(Path dir, Collection<Row> rows) throws IOException {
    Files.createDirectories(dir);
    try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("part-00000-of-00001.jsonl"))) {
      for (Row row : rows) {
        out.write(RowJson.format(row));
        out.write('\n');
      }
    }
  }
}
