package org.pipewright.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.core.Values;
import org.pipewright.transforms.enrich.ConvertCurrency;
import org.pipewright.transforms.enrich.CountDistinctDays;
import org.pipewright.transforms.enrich.CurrencyConverter;
import org.pipewright.transforms.enrich.Money;
import org.pipewright.transforms.enrich.RateTable;
import org.pipewright.transforms.enrich.TopByDays;
import org.pipewright.transforms.retail.ParseRetailAnswers;
import org.pipewright.transforms.retail.RetailAnswers;

/**
 * The retail benchmark's yardstick: {@code RetailDaily}'s job (default options: every day of the
 * archive, currencies {@code USD,EUR,GBP,INR,JPY}, rates up to 3 days old, top 25) as a plain Java
 * program, without Beam, in one pass over the landing archive on one thread, with the project's
 * own rules: {@link RetailAnswers} to parse answers, {@link CurrencyConverter} and {@link Money}
 * to value and discount, the latest answer of a day per item, distinct days per item and the top
 * 25. It writes the four tables as JSON lines and {@code summary.json} in {@code RetailDaily}'s
 * layout, so that {@code benchmarks/run-retail.sh} can check both did the same work before it
 * compares their times ({@code RetailYardstickTest} checks the tables too).
 *
 * <p>What it leaves out, as a hand-written program would: Parquet, dead-letter files (refused
 * records are counted), date ranges, sinks other than files, and every guarantee that needs a
 * runner (it holds one row per item and day in memory). Two rules that live in package-private
 * classes of {@code transforms} are written out here, the same way: the name of an item's last
 * day ({@link CountDistinctDays}) and the ranking order ({@link TopByDays}).
 *
 * <pre>java -cp pipelines/target/test-classes:pipelines/target/pipewright-pipelines-bundled.jar \
 *   org.pipewright.pipelines.RetailYardstick IN OUT</pre>
 */
public final class RetailYardstick {
  static final List<String> CURRENCIES = ConvertCurrency.DEFAULT_CURRENCIES;
  static final int MAX_RATE_AGE_DAYS = ConvertCurrency.DEFAULT_MAX_RATE_AGE_DAYS;
  static final int TOP = TopByDays.DEFAULT_LIMIT;
  /** As {@code ReadJsonDocuments}' default: a larger answer is refused unread. */
  private static final long MAX_DOCUMENT_BYTES = 16L << 20;

  private static final Schema ITEM = RetailAnswers.ITEM;
  private static final Schema DISCOUNT = columns(
      List.of("date", "item_id", "name", "msrp", "sale_price", "discount", "customer_rating"), true);
  private static final Schema VALUATION = columns(valuationFields(), false);
  private static final Schema FREQUENCY = CountDistinctDays.outputSchema("item_id", "name");
  private static final Schema RANKED = TopByDays.outputSchema("item_id", "name");

  private RetailYardstick() {}

  /** Counts of one kind: {@code read = cleaned + deadLetter}, {@code cleaned = clean + duplicates}. */
  private static final class Counts {
    long cleaned;
    long clean;
    long deadLetter;
  }

  /** An item with what the tables need, before the latest answer of its day is chosen. */
  private static final class Version {
    final Row item;
    final @Nullable BigDecimal discount;
    final @Nullable List<BigDecimal> values;
    final @Nullable String rateDate;

    Version(Row item, @Nullable BigDecimal discount, @Nullable String rateDate, @Nullable List<BigDecimal> values) {
      this.item = item;
      this.discount = discount;
      this.rateDate = rateDate;
      this.values = values;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: RetailYardstick INPUT_DIR OUTPUT_DIR");
    }
    Path in = Path.of(args[0]).toAbsolutePath();
    Path out = Path.of(args[1]);
    long start = System.nanoTime();
    Map<String, Counts> counts = new HashMap<>();
    ParseRetailAnswers.KINDS.forEach(kind -> counts.put(kind, new Counts()));

    // Rates first: every value of the day needs the whole table.
    List<Row> rateRows = new ArrayList<>();
    parse(in, ParseRetailAnswers.RATES, counts.get(ParseRetailAnswers.RATES), rateRows::add);
    counts.get(ParseRetailAnswers.RATES).cleaned = rateRows.size();
    counts.get(ParseRetailAnswers.RATES).clean = rateRows.size();
    RateTable rates = RateTable.of(rateRows);
    CurrencyConverter converter = CurrencyConverter.of(ConvertCurrency.DEFAULT_SOURCE_CURRENCY, CURRENCIES,
        MAX_RATE_AGE_DAYS);

    Counts vodCounts = counts.get(ParseRetailAnswers.VOD);
    Map<String, Version> vod = new HashMap<>();
    parse(in, ParseRetailAnswers.VOD, vodCounts, item -> {
      CurrencyConverter.Conversion conversion;
      try {
        conversion = converter.convert(rates, item.getDecimal("sale_price"), item.getString("date"));
      } catch (BadValueException e) {
        vodCounts.deadLetter++;
        return;
      }
      vodCounts.cleaned++;
      keepLatest(vod, new Version(item, null, conversion.rateDate(), conversion.values()));
    });
    vodCounts.clean = vod.size();

    Counts trendCounts = counts.get(ParseRetailAnswers.TRENDS);
    Map<String, Version> trends = new HashMap<>();
    parse(in, ParseRetailAnswers.TRENDS, trendCounts, item -> {
      BigDecimal price = item.getDecimal("sale_price");
      // Discount's refusals; the parser already refuses such items, so this never happens here.
      if (price == null || price.signum() < 0) {
        trendCounts.deadLetter++;
        return;
      }
      trendCounts.cleaned++;
      keepLatest(trends, new Version(item, Money.discountPercent(item.getDecimal("msrp"), price), null, null));
    });
    trendCounts.clean = trends.size();

    List<Row> valuation = new ArrayList<>(vod.size());
    for (Version v : vod.values()) {
      List<Object> values = new ArrayList<>(VALUATION.getFieldCount());
      values.addAll(List.of(v.item.getString("date"), v.item.getString("item_id"), v.item.getString("name"),
          v.item.getDecimal("sale_price"), v.rateDate));
      values.addAll(v.values);
      valuation.add(Row.withSchema(VALUATION).attachValues(values));
    }
    List<Row> discount = new ArrayList<>(trends.size());
    Map<String, Days> days = new HashMap<>();
    for (Version v : trends.values()) {
      Row i = v.item;
      discount.add(Row.withSchema(DISCOUNT).attachValues(i.getString("date"), i.getString("item_id"),
          i.getString("name"), i.getDecimal("msrp"), i.getDecimal("sale_price"), v.discount,
          i.getDouble("customer_rating")));
      days.computeIfAbsent(i.getString("item_id"), k -> new Days()).add(i.getString("date"), i.getString("name"));
    }
    List<Row> frequency = new ArrayList<>(days.size());
    days.forEach((id, d) -> frequency.add(Row.withSchema(FREQUENCY).attachValues(
        id, d.lastName, (long) d.days.size(), d.firstDay, d.lastDay)));
    List<Row> top = new ArrayList<>();
    List<Row> best = frequency.stream().sorted(BY_DAYS).limit(TOP).collect(Collectors.toList());
    for (int r = 0; r < best.size(); r++) {
      Row f = best.get(r);
      top.add(Row.withSchema(RANKED).attachValues(r + 1, f.getString(0), f.getString(1), f.getInt64(2)));
    }

    write(out.resolve(RetailTables.VALUATION), valuation);
    write(out.resolve(RetailTables.DISCOUNT), discount);
    write(out.resolve(RetailTables.FREQUENCY), frequency);
    write(out.resolve(RetailTables.TOP), top);
    ObjectMapper json = new ObjectMapper();
    ObjectNode summary = json.createObjectNode();
    for (String kind : ParseRetailAnswers.KINDS) {
      Counts c = counts.get(kind);
      ObjectNode table = summary.putObject(kind);
      table.put("read", c.cleaned + c.deadLetter);
      table.put("clean", c.clean);
      table.put("duplicates", c.cleaned - c.clean);
      table.put("deadLetter", c.deadLetter);
    }
    Files.writeString(out.resolve("summary.json"), json.writeValueAsString(summary) + "\n");
    System.out.printf("yardstick finished in %.1f s%nsummary: %s%n", (System.nanoTime() - start) / 1e9, summary);
  }

  private interface Sink {
    void accept(Row row);
  }

  /**
   * Parses every answer file of {@code kind}, as {@code ParseRetailAnswers} does, and gives each
   * clean row to {@code sink}; refused answers and items are counted as dead letters.
   */
  private static void parse(Path in, String kind, Counts counts, Sink sink) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(in.resolve(kind))) {
      files = walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      String source = file.toString();
      try {
        String payload = read(file);
        String date = RetailAnswers.dateOf(source);
        JsonNode body;
        try {
          body = RawJson.parseObject(payload);
        } catch (BadValueException e) {
          throw new BadValueException("malformed_json: " + e.getMessage());
        }
        if (kind.equals(ParseRetailAnswers.TRENDS)) {
          for (JsonNode item : RetailAnswers.trendingItems(body)) {
            Row row;
            try {
              row = RetailAnswers.item(date, source, item);
            } catch (RuntimeException e) {
              counts.deadLetter++;
              continue;
            }
            sink.accept(row);
          }
        } else {
          sink.accept(kind.equals(ParseRetailAnswers.VOD)
              ? RetailAnswers.item(date, source, body) : RetailAnswers.rates(date, body));
        }
      } catch (IOException | RuntimeException e) { // the answer as a whole: one dead letter
        counts.deadLetter++;
      }
    }
  }

  /** The body of one answer, strictly UTF-8 without a byte order mark, as ReadJsonDocuments reads it. */
  private static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_DOCUMENT_BYTES) {
      throw new IOException("document too large");
    }
    byte[] bytes;
    try (InputStream raw = Files.newInputStream(file)) {
      bytes = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16).readAllBytes() : raw.readAllBytes();
    }
    int skip = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8", e);
    }
    if (Values.isBlank(text)) {
      throw new IOException("empty document");
    }
    return text;
  }

  /** KeepLatest's rule: per item and day, the greatest source wins; equal sources by the row's text. */
  private static void keepLatest(Map<String, Version> latest, Version version) {
    Row item = version.item;
    String key = item.getString("item_id") + '\u0000' + item.getString("date") + '\u0000';
    latest.merge(key, version, (a, b) -> {
      String sa = a.item.getString("source");
      String sb = b.item.getString("source");
      int byOrder = sa == null ? (sb == null ? 0 : -1) : sb == null ? 1 : sa.compareTo(sb);
      if (byOrder != 0) {
        return byOrder > 0 ? a : b;
      }
      return a.item.toString().compareTo(b.item.toString()) >= 0 ? a : b;
    });
  }

  /** CountDistinctDays' accumulator: the distinct days, the first, and the name of the last day. */
  private static final class Days {
    final Set<String> days = new HashSet<>();
    @Nullable String firstDay;
    @Nullable String lastDay;
    @Nullable String lastName;

    void add(String day, @Nullable String name) {
      days.add(day);
      if (firstDay == null || day.compareTo(firstDay) < 0) {
        firstDay = day;
      }
      int byDay = lastDay == null ? 1 : day.compareTo(lastDay);
      // Same day: a name beats null, and the smaller name by code point beats a larger one.
      if (byDay > 0 || (byDay == 0 && name != null
          && (lastName == null || Values.compareCodePoints(name, lastName) < 0))) {
        lastDay = day;
        lastName = name;
      }
    }
  }

  /** TopByDays' order, best first: most days, then name by code point (null last), then item id. */
  private static final Comparator<Row> BY_DAYS = (a, b) -> {
    int byDays = Long.compare(b.getInt64(2), a.getInt64(2));
    if (byDays != 0) {
      return byDays;
    }
    String na = a.getString(1);
    String nb = b.getString(1);
    int byName = na == null || nb == null ? (na == nb ? 0 : na == null ? 1 : -1) : Values.compareCodePoints(na, nb);
    return byName != 0 ? byName : Values.compareCodePoints(a.getString(0), b.getString(0));
  };

  private static List<String> valuationFields() {
    List<String> fields = new ArrayList<>(List.of("date", "item_id", "name", "sale_price"));
    fields.add(ConvertCurrency.RATE_DATE_FIELD);
    CURRENCIES.forEach(c -> fields.add(ConvertCurrency.VALUE_PREFIX + c));
    return fields;
  }

  /** The named columns, typed as in the pipeline: from the item schema, or the added fields. */
  private static Schema columns(List<String> names, boolean withDiscount) {
    Schema.Builder schema = Schema.builder();
    for (String name : names) {
      if (ITEM.hasField(name)) {
        schema.addField(ITEM.getField(name));
      } else if (withDiscount) {
        schema.addNullableField(name, Schema.FieldType.DECIMAL);
      } else if (name.equals(ConvertCurrency.RATE_DATE_FIELD)) {
        schema.addStringField(name);
      } else {
        schema.addField(name, Schema.FieldType.DECIMAL);
      }
    }
    return schema.build();
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
