package org.pipewright.console;

import static org.pipewright.console.Warehouse.quote;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every dataset the console shows, by name ({@code pinterest/posts_per_minute}...): which table it
 * reads and the one query that reads it. The page's tables and charts and the {@code /api/<name>}
 * JSON come from the same query, so what a chart draws is what the API serves.
 */
final class Datasets {
  /** At most this many rows per dataset: the analytics are small, the detail tables are not. */
  static final int LIMIT = 500;
  /** The live chart shows this many most recent minutes. */
  static final int LIVE_WINDOWS = 180;

  /** One named query over one table. */
  static final class Dataset {
    final String name;
    final String table;
    final Query query;

    Dataset(String name, String table, Query query) {
      this.name = name;
      this.table = table;
      this.query = query;
    }
  }

  @FunctionalInterface
  interface Query {
    Warehouse.Table run(Warehouse.Session session, String table) throws SQLException;
  }

  /** A dataset's rows, or the fact that its table does not exist (a pipeline never run). */
  static final class Result {
    final String name;
    final String table;
    final boolean exists;
    final Warehouse.Table data;

    Result(String name, String table, boolean exists, Warehouse.Table data) {
      this.name = name;
      this.table = table;
      this.exists = exists;
      this.data = data;
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("dataset", name);
      json.put("table", table);
      json.put("exists", exists);
      json.put("columns", data.columns);
      json.put("rows", data.rows);
      return json;
    }
  }

  private final Map<String, Dataset> all = new LinkedHashMap<>();

  Datasets(Prefixes prefixes) {
    String p = prefixes.pinterest;
    ordered("pinterest", p, "popular_category_by_country", "country, category");
    ordered("pinterest", p, "posts_per_category_by_year", "post_year, category");
    ordered("pinterest", p, "top_user_by_country", "follower_count DESC, country");
    ordered("pinterest", p, "country_with_top_user", "country");
    ordered("pinterest", p, "popular_category_by_age_group", "age_group, category");
    ordered("pinterest", p, "median_followers_by_age_group", "age_group");
    ordered("pinterest", p, "users_joined_by_year", "post_year");
    ordered("pinterest", p, "median_followers_by_join_year", "post_year");
    ordered("pinterest", p, "median_followers_by_join_year_and_age_group", "age_group, post_year");
    // Summed over countries and categories: one point per minute, the latest LIVE_WINDOWS of them.
    add("pinterest/posts_per_minute", p + "posts_per_minute", (s, t) -> s.query(
        "SELECT window_start, posts FROM (SELECT window_start, SUM(posts) AS posts FROM " + quote(t)
            + " GROUP BY window_start ORDER BY window_start DESC LIMIT " + LIVE_WINDOWS + ") w ORDER BY window_start"));

    String r = prefixes.retail;
    // The day's value of every valued item, in each currency the table has a value_<CUR> column for.
    add("retail/value_by_day", r + "valuation", (s, t) -> {
      List<String> currencies = s.columns(t).stream().filter(c -> c.startsWith("value_"))
          .collect(Collectors.toList());
      StringBuilder sql = new StringBuilder("SELECT date");
      for (String c : currencies) {
        sql.append(", SUM(").append(quote(c)).append(") AS ").append(quote(c.substring("value_".length())));
      }
      return s.query(sql.append(" FROM ").append(quote(t)).append(" GROUP BY date ORDER BY date").toString());
    });
    add("retail/discount", r + "discount", (s, t) -> s.query("SELECT * FROM " + quote(t)
        + " WHERE discount IS NOT NULL ORDER BY date, item_id LIMIT " + LIMIT));
    add("retail/trending_top", r + "trending_top", (s, t) -> s.query("SELECT rank, item_id, COALESCE(name, item_id) AS"
        + " name, days FROM " + quote(t) + " ORDER BY rank, item_id"));
    ordered("retail", r, "trending_frequency", "days DESC, item_id");
    ordered("retail", r, "valuation", "date DESC, item_id");

    String m = prefixes.movies;
    ordered("movies", m, "genre_revenue", "revenue DESC, genre");
    ordered("movies", m, "revenue_by_month", "month");
    add("movies/revenue_by_quarter", m + "revenue_by_quarter", (s, t) -> s.query("SELECT year || '-Q' || quarter AS"
        + " quarter, movies, revenue FROM " + quote(t) + " ORDER BY year, " + quote(t) + ".quarter"));
    ordered("movies", m, "top_rated", "rank");
    ordered("movies", m, "real_revenue", "revenue_real DESC NULLS LAST, movie_id");

    add("quality", Prefixes.QUALITY, (s, t) -> s.query("SELECT pipeline, table_name, check_name, severity, status,"
        + " observed, expected FROM " + quote(t) + " ORDER BY CASE status WHEN 'fail' THEN 0 ELSE 1 END,"
        + " CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END, pipeline, table_name, check_name"));
    add("runs", Prefixes.RUNS, (s, t) -> s.query("SELECT run_id, pipeline, job, kind, runner, started_at, finished_at,"
        + " status, quality, counts FROM " + quote(t) + " ORDER BY started_at DESC, run_id LIMIT " + LIMIT));
  }

  private void ordered(String pipeline, String prefix, String suffix, String orderBy) {
    add(pipeline + "/" + suffix, prefix + suffix,
        (s, t) -> s.query("SELECT * FROM " + quote(t) + " ORDER BY " + orderBy + " LIMIT " + LIMIT));
  }

  private void add(String name, String table, Query query) {
    all.put(name, new Dataset(name, table, query));
  }

  /** The dataset called {@code name}, or null. */
  Dataset get(String name) {
    return all.get(name);
  }

  List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(all.keySet()));
  }

  /**
   * The longest name after {@code pipeline}'s prefix of the tables the console reads (its dead
   * letters too): what decides how long that prefix may be.
   */
  static String longestSuffix(String pipeline) {
    String longest = DeadLetters.TABLE;
    for (Dataset dataset : new Datasets(new Prefixes("", "", "")).all.values()) {
      if (dataset.name.startsWith(pipeline + "/") && dataset.table.length() > longest.length()) {
        longest = dataset.table;
      }
    }
    return longest;
  }

  /** Reads {@code dataset}: an absent table gives an empty result that says so. */
  static Result read(Warehouse.Session session, Dataset dataset) throws SQLException {
    if (!session.exists(dataset.table)) {
      return new Result(dataset.name, dataset.table, false, new Warehouse.Table(List.of(), List.of()));
    }
    return new Result(dataset.name, dataset.table, true, dataset.query.run(session, dataset.table));
  }
}
