package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import org.pipewright.testing.RetailData;

/**
 * Generates a landing archive for the retail benchmark: what {@code RetailDaily --fetch} would have
 * landed after polling the stand-in APIs ({@link RetailData}, its default seed) for {@code days}
 * days from {@code from}, in the landing layout ({@code <kind>/dt=yyyy-MM-dd/<name>.json}, one
 * compact answer per file).
 *
 * <ul>
 *   <li>trends: {@code polls} answers a day, named by the hour of the poll ({@code 0000.json},
 *       {@code 1200.json} for two polls), each with the day's 25 trending items and the time of
 *       the poll; the items of one day are the same in every poll, so all but one copy of each are
 *       duplicates the job keeps once;
 *   <li>vod: one value-of-the-day answer a day ({@code vod.json});
 *   <li>rates: one historical answer a day ({@code historical.json}), except on every tenth day
 *       ({@code epochDay % 10 == 9}), whose values are then converted with the rates of the day
 *       before (the job's fallback).
 * </ul>
 *
 * The same arguments give the same bytes: every value is a function of the seed and the day.
 *
 * <pre>java -cp pipelines/target/test-classes:testing/target/classes:pipelines/target/pipewright-pipelines-bundled.jar \
 *   org.pipewright.pipelines.RetailArchive OUT DAYS [POLLS [FROM]]</pre>
 */
public final class RetailArchive {
  static final String DEFAULT_FROM = "1970-01-01";

  private RetailArchive() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 4) {
      throw new IllegalArgumentException("usage: RetailArchive OUTPUT_DIR DAYS [POLLS [FROM yyyy-MM-dd]]");
    }
    int days = Integer.parseInt(args[1]);
    int polls = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    LocalDate from = LocalDate.parse(args.length > 3 ? args[3] : DEFAULT_FROM);
    long items = write(Path.of(args[0]), from, days, polls);
    System.out.printf("%d days from %s, %d polls a day: %d trending items%n", days, from, polls, items);
  }

  /** Writes the archive; returns the number of trending items in it. */
  static long write(Path root, LocalDate from, int days, int polls) throws IOException {
    if (days <= 0 || polls <= 0 || polls > 24) {
      throw new IllegalArgumentException("need days > 0 and 1 <= polls <= 24, got " + days + ", " + polls);
    }
    RetailData data = RetailData.standard();
    ObjectMapper json = new ObjectMapper();
    long items = 0;
    for (int d = 0; d < days; d++) {
      LocalDate date = from.plusDays(d);
      ObjectNode trends = data.trends(date);
      long midnight = date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      for (int p = 0; p < polls; p++) {
        int hour = p * 24 / polls;
        trends.put("time", midnight + hour * 3_600_000L);
        write(root, "trends", date, String.format(Locale.ROOT, "%02d00.json", hour), json.writeValueAsBytes(trends));
        items += trends.get("items").size();
      }
      write(root, "vod", date, "vod.json", json.writeValueAsBytes(data.valueOfTheDay(date)));
      if (date.toEpochDay() % 10 != 9) {
        write(root, "rates", date, "historical.json",
            json.writeValueAsBytes(data.ratesAnswer(date, true, RetailData.endOfDay(date))));
      }
    }
    return items;
  }

  private static void write(Path root, String kind, LocalDate date, String name, byte[] body) throws IOException {
    Path dir = root.resolve(kind).resolve("dt=" + date);
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), body);
  }
}
