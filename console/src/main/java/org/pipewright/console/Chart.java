package org.pipewright.console;

/**
 * How the page draws one dataset: the browser fetches {@code /api/<dataset>} and plots one point per
 * row and {@code y} column ({@code x} against each {@code y}), one series per value of {@code
 * series} when given. The page's script reads these from the chart element's {@code data-}
 * attributes, so the page itself holds no script.
 */
public final class Chart {
  public final String dataset;
  public final String type;
  public final String x;
  public final String y;
  public final String series;
  public final boolean timeAxis;
  public final int refreshSeconds;

  private Chart(String dataset, String type, String x, String y, String series, boolean timeAxis, int refreshSeconds) {
    this.dataset = dataset;
    this.type = type;
    this.x = x;
    this.y = y;
    this.series = series;
    this.timeAxis = timeAxis;
    this.refreshSeconds = refreshSeconds;
  }

  static Chart bar(String dataset, String x, String y) {
    return new Chart(dataset, "bar", x, y, "", false, 0);
  }

  static Chart line(String dataset, String x, String y) {
    return new Chart(dataset, "line", x, y, "", false, 0);
  }

  static Chart scatter(String dataset, String x, String y) {
    return new Chart(dataset, "scatter", x, y, "", false, 0);
  }

  /** One series per distinct value of {@code column}. */
  Chart bySeries(String column) {
    return new Chart(dataset, type, x, y, column, timeAxis, refreshSeconds);
  }

  /** {@code x} holds dates or timestamps, drawn on a time axis in time order. */
  Chart onTimeAxis() {
    return new Chart(dataset, type, x, y, series, true, refreshSeconds);
  }

  /** The browser fetches the data again every {@code seconds}. */
  Chart refreshEvery(int seconds) {
    return new Chart(dataset, type, x, y, series, timeAxis, seconds);
  }

  /** Several y columns, one series each, named like the column. */
  Chart withY(String... columns) {
    return new Chart(dataset, type, x, String.join(",", columns), series, timeAxis, refreshSeconds);
  }
}
