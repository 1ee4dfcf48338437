package org.pipewright.pipelines;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pipewright.io.files.OutputDirs;

/**
 * Per-table record counts computed by the pipeline itself (so they are exact on every runner) and
 * written as {@code summary.json}: {@code {"pin": {"read", "clean", "duplicates", "deadLetter"}}}.
 * A file the reader could not finish (a truncated {@code .gz}, say) adds one record to {@code read}
 * and one to {@code deadLetter}, besides the records read from it before the problem.
 *
 * <p>{@code read} is not counted but derived: {@code CleanRecords} puts every record it reads into
 * exactly one of its two outputs, so {@code read = cleaned + deadLetter} (and {@code cleaned =
 * clean + duplicates}). Counting the raw records as well would cost a second copy of every one of
 * them on runners that serialize each extra consumer of a collection (Flink's batch mode: 8% of the
 * job's CPU at 1M posts).
 */
final class Summary {
  /** Derived, see above: {@link #CLEANED} (or {@link #CLEAN} without de-duplication) + {@link #DEAD_LETTER}. */
  static final String READ = "read";
  static final String CLEAN = "clean";
  static final String DUPLICATES = "duplicates";
  static final String DEAD_LETTER = "deadLetter";
  /** Clean records before deduplication; only used to derive {@link #DUPLICATES}. */
  static final String CLEANED = "cleaned";
  /**
   * Records counted in {@link #CLEANED} that a later step refused (a rating whose movie is unknown,
   * say): dead letters, not duplicates.
   */
  static final String REFUSED_LATER = "refusedLater";
  /**
   * Clean rows the warehouse refused (a value too long for its column, say): in {@link #CLEAN}, as
   * the clean files hold them, and in the dead letters with step {@code JdbcUpsert}. Present only
   * when the job writes the warehouse.
   */
  static final String WAREHOUSE_REFUSED = "warehouseRefused";

  private final List<PCollection<KV<String, Long>>> counts = new ArrayList<>();

  /** Counts {@code collection} as {@code kind.measure}. */
  void count(String kind, String measure, PCollection<?> collection) {
    checkArgument(!measure.equals(READ), "%s is derived, not counted", READ);
    String key = kind + "." + measure;
    counts.add(collection
        .apply("Count " + key, Count.globally())
        .apply("Label " + key, MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(n -> KV.of(key, n))));
  }

  /**
   * Takes {@code kind.measure} from {@code rowCounts}, row counts as {@code KV(name, rows)} that the
   * job computes anyway ({@code QualityChecks.ROW_COUNTS}): the count of the one named {@code name}.
   */
  void count(String kind, String measure, PCollection<KV<String, Long>> rowCounts, String name) {
    checkArgument(!measure.equals(READ), "%s is derived, not counted", READ);
    String key = kind + "." + measure;
    counts.add(rowCounts
        .apply("Take " + key, Filter.by(counted -> counted.getKey().equals(name)))
        .apply("Label " + key, MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
            .via(counted -> KV.of(key, counted.getValue()))));
  }

  /** Prints the {@code summary.json} a run wrote to {@code out} as one line; returns it. */
  static String print(String out) throws IOException {
    String summary = read(out);
    System.out.println("summary: " + summary);
    return summary;
  }

  /** The {@code summary.json} a run wrote to {@code out}, one line of JSON. */
  static String read(String out) throws IOException {
    try (InputStream in = Channels.newInputStream(
        FileSystems.open(FileSystems.matchNewResource(OutputDirs.join(out, "summary.json"), false)))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  /** Writes the counts to {@code path} (a full file name) as one JSON object. */
  void writeTo(String path, List<String> kinds) {
    PCollectionList.of(counts)
        .apply("Flatten counts", Flatten.pCollections())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("One key", WithKeys.of("summary"))
        .apply("Gather", GroupByKey.create())
        .apply("Format", ParDo.of(new FormatFn(kinds)))
        .apply("Write summary", TextIO.write().to(path).withoutSharding());
  }

  private static final class FormatFn extends DoFn<KV<String, Iterable<KV<String, Long>>>, String> {
    private final List<String> kinds;

    FormatFn(List<String> kinds) {
      this.kinds = kinds;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<KV<String, Long>>> all, OutputReceiver<String> out)
        throws Exception {
      Map<String, Long> counts = new TreeMap<>();
      all.getValue().forEach(kv -> counts.put(kv.getKey(), kv.getValue()));
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode summary = mapper.createObjectNode();
      for (String kind : kinds) {
        long clean = counts.getOrDefault(kind + "." + CLEAN, 0L);
        long cleaned = counts.getOrDefault(kind + "." + CLEANED, clean);
        ObjectNode table = summary.putObject(kind);
        long deadLetters = counts.getOrDefault(kind + "." + DEAD_LETTER, 0L);
        long refusedLater = counts.getOrDefault(kind + "." + REFUSED_LATER, 0L);
        table.put(READ, cleaned + deadLetters);
        table.put(CLEAN, clean);
        table.put(DUPLICATES, cleaned - clean - refusedLater);
        table.put(DEAD_LETTER, deadLetters + refusedLater);
        Long warehouseRefused = counts.get(kind + "." + WAREHOUSE_REFUSED);
        if (warehouseRefused != null) {
          table.put(WAREHOUSE_REFUSED, warehouseRefused);
        }
      }
      out.output(mapper.writeValueAsString(summary));
    }
  }
}
