package org.pipewright.console;

import static org.pipewright.console.Warehouse.quote;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters of every pipeline, filtered by pipeline, kind (exact) and reason (a part of it,
 * case-insensitive), one page at a time in a stable order (pipeline, source).
 */
final class DeadLetters {
  static final List<String> PIPELINES = List.of("pinterest", "retail", "movies");
  /** Each pipeline's dead-letter table, after its prefix. */
  static final String TABLE = "dead_letter";

  /** What the user asked for; empty strings mean "any". */
  static final class Filter {
    final String pipeline;
    final String kind;
    final String reason;
    final int page;

    Filter(String pipeline, String kind, String reason, int page) {
      this.pipeline = pipeline != null && PIPELINES.contains(pipeline) ? pipeline : "";
      this.kind = kind == null ? "" : kind;
      this.reason = reason == null ? "" : reason;
      this.page = Math.max(1, page);
    }
  }

  /** One page of letters and what the filter form needs. */
  static final class Found {
    final List<Map<String, Object>> rows;
    final long total;
    final List<String> kinds;
    final List<String> missingTables;

    Found(List<Map<String, Object>> rows, long total, List<String> kinds, List<String> missingTables) {
      this.rows = rows;
      this.total = total;
      this.kinds = kinds;
      this.missingTables = missingTables;
    }
  }

  private final Prefixes prefixes;
  private final int pageSize;

  DeadLetters(Prefixes prefixes, int pageSize) {
    this.prefixes = prefixes;
    this.pageSize = pageSize;
  }

  int pageSize() {
    return pageSize;
  }

  Found find(Warehouse.Session session, Filter filter) throws SQLException {
    List<String> parts = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String pipeline : PIPELINES) {
      if (!filter.pipeline.isEmpty() && !filter.pipeline.equals(pipeline)) {
        continue;
      }
      String table = prefixes.of(pipeline) + TABLE;
      if (session.exists(table)) {
        parts.add("SELECT '" + pipeline + "' AS pipeline, kind, step, reason, source, payload FROM " + quote(table));
      } else {
        missing.add(table);
      }
    }
    if (parts.isEmpty()) {
      return new Found(List.of(), 0, List.of(), missing);
    }
    String all = "(" + String.join(" UNION ALL ", parts) + ") d";
    String where = " WHERE (? = '' OR kind = ?) AND (? = '' OR reason ILIKE ?)";
    Object[] params = {filter.kind, filter.kind, filter.reason, "%" + likeEscape(filter.reason) + "%"};
    long total = session.count("SELECT COUNT(*) FROM " + all + where, params);
    List<Object> pageParams = new ArrayList<>(List.of(params));
    pageParams.add(pageSize);
    pageParams.add((long) (filter.page - 1) * pageSize);
    List<Map<String, Object>> rows = session.query("SELECT * FROM " + all + where
        + " ORDER BY pipeline, source, kind LIMIT ? OFFSET ?", pageParams.toArray()).rows;
    List<String> kinds = new ArrayList<>();
    for (Map<String, Object> k : session.query("SELECT DISTINCT kind FROM " + all + " ORDER BY kind").rows) {
      kinds.add(String.valueOf(k.get("kind")));
    }
    return new Found(rows, total, kinds, missing);
  }

  Map<String, Object> json(Filter filter, Found found) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pipeline", filter.pipeline);
    json.put("kind", filter.kind);
    json.put("reason", filter.reason);
    json.put("page", filter.page);
    json.put("pageSize", pageSize);
    json.put("total", found.total);
    json.put("missingTables", found.missingTables);
    json.put("rows", found.rows);
    return json;
  }

  /** {@code text} matched literally by LIKE (backslash is PostgreSQL's default escape). */
  static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
