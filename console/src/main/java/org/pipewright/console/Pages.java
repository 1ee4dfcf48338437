package org.pipewright.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The pages made of datasets: which sections each has, in order, with their charts. */
final class Pages {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A section to build: its dataset, heading, chart (or null) and whether the rows show as a table. */
  static final class Spec {
    final String dataset;
    final String title;
    final Chart chart;
    final boolean table;

    Spec(String dataset, String title, Chart chart, boolean table) {
      this.dataset = dataset;
      this.title = title;
      this.chart = chart;
      this.table = table;
    }
  }

  static final List<String> NAMES = List.of("runs", "pinterest", "retail", "movies", "quality");

  static List<Spec> specs(String page) {
    switch (page) {
      case "pinterest":
        return List.of(
            spec("pinterest/posts_per_minute", "Live: posts per minute (PinterestStreaming)",
                Chart.line("pinterest/posts_per_minute", "window_start", "posts").onTimeAxis().refreshEvery(5), false),
            spec("pinterest/popular_category_by_country", "1. Most popular category per country",
                Chart.bar("pinterest/popular_category_by_country", "country", "category_count").bySeries("category"),
                true),
            spec("pinterest/posts_per_category_by_year", "2. Posts per category per year",
                Chart.bar("pinterest/posts_per_category_by_year", "post_year", "category_count").bySeries("category"),
                true),
            spec("pinterest/top_user_by_country", "3. Most followed user per country", null, true),
            spec("pinterest/country_with_top_user", "4. Country with the most followed user", null, true),
            spec("pinterest/popular_category_by_age_group", "5. Most popular category per age group",
                Chart.bar("pinterest/popular_category_by_age_group", "age_group", "category_count")
                    .bySeries("category"), true),
            spec("pinterest/median_followers_by_age_group", "6. Median follower count per age group",
                Chart.bar("pinterest/median_followers_by_age_group", "age_group", "median_follower_count"), true),
            spec("pinterest/users_joined_by_year", "7. Users joined per year",
                Chart.bar("pinterest/users_joined_by_year", "post_year", "number_users_joined"), true),
            spec("pinterest/median_followers_by_join_year", "8. Median follower count per join year",
                Chart.line("pinterest/median_followers_by_join_year", "post_year", "median_follower_count"), true),
            spec("pinterest/median_followers_by_join_year_and_age_group",
                "9. Median follower count per join year and age group",
                Chart.line("pinterest/median_followers_by_join_year_and_age_group", "post_year",
                    "median_follower_count").bySeries("age_group"), true));
      case "retail":
        return List.of(
            spec("retail/value_by_day", "Value of the day's items in each currency",
                Chart.line("retail/value_by_day", "date", "").onTimeAxis(), true),
            spec("retail/discount", "Discount against sale price",
                Chart.scatter("retail/discount", "sale_price", "discount"), true),
            spec("retail/trending_top", "Trending top 25 (days trending)",
                Chart.bar("retail/trending_top", "name", "days"), true),
            spec("retail/trending_frequency", "Trending frequency", null, true),
            spec("retail/valuation", "Valuation (latest days first)", null, true));
      case "movies":
        return List.of(
            spec("movies/genre_revenue", "Revenue by genre: nominal and real",
                Chart.bar("movies/genre_revenue", "genre", "").withY("revenue", "revenue_real"), true),
            spec("movies/revenue_by_month", "Revenue by release month",
                Chart.bar("movies/revenue_by_month", "month", "revenue"), true),
            spec("movies/revenue_by_quarter", "Revenue by release quarter",
                Chart.bar("movies/revenue_by_quarter", "quarter", "revenue"), true),
            spec("movies/top_rated", "Top rated", Chart.bar("movies/top_rated", "title", "mean_rating"), true),
            spec("movies/real_revenue", "Real revenue per movie (largest first)", null, true));
      case "quality":
        return List.of(spec("quality", "Latest check results, failures first", null, true));
      case "runs":
        return List.of(spec("runs", "Runs, latest first", null, true));
      default:
        throw new IllegalArgumentException("unknown page " + page);
    }
  }

  private static Spec spec(String dataset, String title, Chart chart, boolean table) {
    return new Spec(dataset, title, chart, table);
  }

  static Views.Page build(String page, Datasets datasets, Warehouse.Session session, Instant now) throws SQLException {
    List<Views.Section> sections = new ArrayList<>();
    for (Spec spec : specs(page)) {
      Datasets.Dataset dataset = datasets.get(spec.dataset);
      Datasets.Result result;
      try {
        result = Datasets.read(session, dataset);
      } catch (SQLException e) {
        if (Warehouse.isConnectionLost(e)) {
          throw e;
        }
        // One table the console cannot read (a column missing, no SELECT on it) must not hide the others.
        sections.add(new Views.Section(spec.dataset.replace('/', '-'), spec.title, dataset.table, true,
            "Cannot read " + dataset.table + " (SQL state " + e.getSQLState() + "): " + Warehouse.said(e), null,
            List.of(), List.of()));
        continue;
      }
      List<String> columns = new ArrayList<>(result.data.columns);
      List<List<String>> rows = new ArrayList<>();
      if (spec.table) {
        for (Map<String, Object> row : result.data.rows) {
          rows.add(page.equals("runs") ? runCells(row, now) : cells(row));
        }
        if (page.equals("runs")) {
          columns = RUN_COLUMNS;
        }
      }
      String note = note(page, result);
      sections.add(new Views.Section(spec.dataset.replace('/', '-'), spec.title, result.table, result.exists, note,
          result.exists ? spec.chart : null, columns, rows));
    }
    return new Views.Page(title(page), page, intro(page), sections);
  }

  static String title(String page) {
    return page.substring(0, 1).toUpperCase(Locale.ROOT) + page.substring(1);
  }

  private static String intro(String page) {
    switch (page) {
      case "runs":
        return "Every batch run and streaming job the pipelines recorded, with its counts per kind.";
      case "quality":
        return "The data-quality checks of every pipeline, as their latest runs left them.";
      default:
        return "The tables the " + title(page) + " pipelines wrote. Each chart's data is also at /api/" + page
            + "/<dataset> as JSON.";
    }
  }

  private static String note(String page, Datasets.Result result) {
    if (!result.exists) {
      return "No table " + result.table + " yet: " + (page.equals("runs")
          ? "no pipeline has recorded a run here (pipelines record their runs in it when they write to JDBC)."
          : "the pipeline that writes it has not run against this database.");
    }
    if (result.data.rows.isEmpty()) {
      return "The table " + result.table + " is empty.";
    }
    if (result.data.rows.size() >= Datasets.LIMIT) {
      return "The first " + Datasets.LIMIT + " rows of " + result.table + ".";
    }
    return "";
  }

  static List<String> cells(Map<String, Object> row) {
    List<String> cells = new ArrayList<>();
    for (Object v : row.values()) {
      cells.add(v == null ? "" : v instanceof BigDecimal ? ((BigDecimal) v).toPlainString()
          : v.toString());
    }
    return cells;
  }

  static final List<String> RUN_COLUMNS = List.of("run", "pipeline", "job", "kind", "runner", "started (UTC)",
      "duration", "status", "quality", "counts per kind: read / clean / duplicates / dead letters (- not counted)");

  /** A run row as shown: its duration so far while running, its counts one kind per line. */
  static List<String> runCells(Map<String, Object> row, Instant now) {
    List<String> cells = new ArrayList<>();
    for (String c : List.of("run_id", "pipeline", "job", "kind", "runner", "started_at")) {
      cells.add(text(row.get(c)));
    }
    cells.add(duration(text(row.get("started_at")), text(row.get("finished_at")), now));
    cells.add(text(row.get("status")));
    cells.add(text(row.get("quality")));
    cells.add(counts(text(row.get("counts"))));
    return cells;
  }

  static String duration(String started, String finished, Instant now) {
    if (started.isEmpty()) {
      return "";
    }
    try {
      Instant start = Instant.parse(started);
      Duration d = Duration.between(start, finished.isEmpty() ? now : Instant.parse(finished));
      String text = d.toHours() > 0 ? String.format("%dh %02dm %02ds", d.toHours(), d.toMinutesPart(), d.toSecondsPart())
          : d.toMinutes() > 0 ? String.format("%dm %02ds", d.toMinutes(), d.toSecondsPart())
          : d.getSeconds() + "s";
      return finished.isEmpty() ? "running for " + text : text;
    } catch (DateTimeParseException e) {
      return "";
    }
  }

  /**
   * {"pin": {"read":n,...}, ...} as "pin: 10 / 8 / 1 / 1" lines; text that is not such JSON as it is.
   * A figure the run does not count is "-": a streaming job upserts, so it has no duplicates figure.
   */
  static String counts(String json) {
    if (json.isEmpty()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (!node.isObject()) {
        return json;
      }
      List<String> lines = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> kind = it.next();
        JsonNode c = kind.getValue();
        lines.add(kind.getKey() + ": " + c.path("read").asText("-") + " / " + c.path("clean").asText("-") + " / "
            + c.path("duplicates").asText("-") + " / " + c.path("deadLetter").asText("-"));
      }
      return String.join("\n", lines);
    } catch (IOException e) {
      return json;
    }
  }

  private static String text(Object v) {
    return v == null ? "" : v.toString();
  }
}
