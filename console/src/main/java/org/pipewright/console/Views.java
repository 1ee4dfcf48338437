package org.pipewright.console;

import java.util.List;

/** What the templates render: plain values, already formatted as text (the templates escape them). */
public final class Views {
  private Views() {}

  /** A page of sections (Pinterest, Retail, Movies, Runs, Quality). */
  public static final class Page {
    public final String title;
    public final String active;
    public final String intro;
    public final List<Section> sections;

    Page(String title, String active, String intro, List<Section> sections) {
      this.title = title;
      this.active = active;
      this.intro = intro;
      this.sections = sections;
    }
  }

  /** One dataset: a heading, an optional chart, the rows as a table (or a note that there are none). */
  public static final class Section {
    public final String id;
    public final String title;
    public final String table;
    public final boolean exists;
    public final String note;
    public final Chart chart;
    public final List<String> columns;
    public final List<List<String>> rows;

    Section(String id, String title, String table, boolean exists, String note, Chart chart, List<String> columns,
        List<List<String>> rows) {
      this.id = id;
      this.title = title;
      this.table = table;
      this.exists = exists;
      this.note = note;
      this.chart = chart;
      this.columns = columns;
      this.rows = rows;
    }
  }

  /** The dead-letter page: the filter's state, one page of letters, the links to the others. */
  public static final class DeadLetterPage {
    public final String pipeline;
    public final String kind;
    public final String reason;
    public final List<String> pipelines;
    public final List<String> kinds;
    public final List<String> missingTables;
    public final List<List<String>> rows;
    public final long total;
    public final int page;
    public final int pages;
    public final String previous;
    public final String next;

    DeadLetterPage(String pipeline, String kind, String reason, List<String> pipelines, List<String> kinds,
        List<String> missingTables, List<List<String>> rows, long total, int page, int pages, String previous,
        String next) {
      this.pipeline = pipeline;
      this.kind = kind;
      this.reason = reason;
      this.pipelines = pipelines;
      this.kinds = kinds;
      this.missingTables = missingTables;
      this.rows = rows;
      this.total = total;
      this.page = page;
      this.pages = pages;
      this.previous = previous;
      this.next = next;
    }
  }
}
