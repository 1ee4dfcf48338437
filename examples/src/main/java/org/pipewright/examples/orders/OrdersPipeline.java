package org.pipewright.examples.orders;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.pipewright.io.files.ReadJsonLines;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.Deduplicate;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RowJson;
import org.pipewright.transforms.quality.Check;
import org.pipewright.transforms.quality.QualityChecks;
import org.pipewright.transforms.quality.QualityReport;
import org.pipewright.transforms.quality.QualityResult;

/**
 * Cleans a dirty orders feed (JSON lines) with Pipewright's generic transforms: typed clean orders,
 * exact re-sends removed, every refused record kept as a dead letter with its reason and {@code
 * file:line}, and data-quality results that decide the exit code.
 *
 * <pre>
 * mvn -q compile exec:java -Dexec.args="--input=data/orders.jsonl --output=out"
 * </pre>
 */
public final class OrdersPipeline {

  /** Command-line options; Beam's own ({@code --runner}, ...) come with them. */
  public interface Options extends PipelineOptions {
    @Description("JSON-lines files to read (a path or glob; s3:// works with Beam's AWS module)")
    @Default.String("data/orders.jsonl")
    String getInput();

    void setInput(String input);

    @Description("Folder for orders.jsonl, dead-letters.jsonl and quality.jsonl")
    @Default.String("out")
    String getOutput();

    void setOutput(String output);
  }

  /** What cleaning the feed produces. */
  public record Orders(PCollection<Row> orders, PCollection<Row> deadLetters, PCollection<Row> quality) {}

  /** The whole cleaning, in one place so that the test runs exactly what {@link #main} runs. */
  public static Orders clean(PCollection<Row> rawRecords) {
    // One output per record: a clean order, or a dead letter saying why not (read = clean + dead).
    CleanResult cleaned = rawRecords.apply("Clean orders", CleanRecords.with(new OrderCleaner()));

    // Re-sent orders are exact copies once cleaned; rows equal in every field are kept once.
    // Bucketing by order_id makes copies meet; orders that share an id but differ are both kept...
    PCollection<Row> orders =
        cleaned.output().apply("Drop re-sent orders", Deduplicate.rows().withKeyField("order_id"));

    // ...and this error-level check then fails the run, because that needs a human. The dead-letter
    // ratio is dead letters / records read: warn above 10%, fail the run above 50%.
    PCollection<Row> quality =
        PCollectionTuple.of("orders", orders).and("orders_read", rawRecords)
            .and("orders_dead", cleaned.deadLetters())
            .apply("Check orders", QualityChecks.forPipeline("orders")
                .on("orders",
                    Check.notNull("order_id"),
                    Check.unique("order_id"),
                    Check.notNull("currency").warn(),
                    Check.inSet("currency", "EUR", "GBP", "USD").warn(),
                    Check.inRange("amount", 0, 1_000_000).warn(),
                    Check.rowCount().atLeast(1).warn())
                .on("orders_read", Check.deadLetterRatio("orders_dead").withThresholds(0.10, 0.50)));

    return new Orders(orders, cleaned.deadLetters(), quality);
  }

  public static void main(String[] args) throws IOException {
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    Pipeline pipeline = Pipeline.create(options);

    // Each line becomes a RawRecord(source = "file:line", payload = the line, untouched).
    Orders result = clean(pipeline.apply("Read orders", ReadJsonLines.from(options.getInput())));

    writeJsonLines(result.orders(), options.getOutput() + "/orders");
    writeJsonLines(result.deadLetters(), options.getOutput() + "/dead-letters");
    writeJsonLines(result.quality(), options.getOutput() + "/quality");
    pipeline.run().waitUntilFinish();

    // Quality results are data; read them back to decide the exit code (a local --output here).
    List<Row> results = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(options.getOutput(), "quality.jsonl"))) {
      results.add(RowJson.toRow(RawJson.parseObject(line), QualityResult.SCHEMA));
    }
    System.out.print(QualityReport.format(results));
    if (QualityReport.failed(results)) {
      System.exit(1);
    }
  }

  /** One JSON object per row, in one file {@code <prefix>.jsonl} (fine for a small feed). */
  private static void writeJsonLines(PCollection<Row> rows, String prefix) {
    rows.apply("Format " + prefix, MapElements.into(TypeDescriptors.strings()).via(RowJson::format))
        .apply("Write " + prefix, TextIO.write().to(prefix).withSuffix(".jsonl").withoutSharding());
  }

  private OrdersPipeline() {}
}
