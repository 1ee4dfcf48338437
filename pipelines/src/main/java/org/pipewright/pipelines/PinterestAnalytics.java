package org.pipewright.pipelines;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.pinterest.CleanPinterest;
import org.pipewright.io.files.DeadLetterSink;
import org.pipewright.io.files.Format;
import org.pipewright.io.files.OutputDirs;
import org.pipewright.io.files.ReadRows;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.pinterest.PinterestQueries;

/**
 * The nine Pinterest analytics on already-clean tables ({@code --input} with {@code pin/ geo/
 * user/}), written to {@code OUT/analytics/<name>/}. Records that do not fit the clean schema go to
 * {@code OUT/dead-letter/}.
 */
public final class PinterestAnalytics {
  private PinterestAnalytics() {}

  public static void main(String[] args) {
    Cli.main(args, PinterestAnalytics::run);
  }

  public static void run(String[] args) throws IOException {
    PinterestAnalyticsOptions options = Cli.parse(args, PinterestAnalyticsOptions.class);
    Format inputFormat = Cli.format("inputFormat", options.getInputFormat());
    Format outputFormat = Cli.format("outputFormat", options.getOutputFormat());
    Cli.requireInputs(options.getInput(), PinterestBatch.KINDS, "*");
    Cli.requireWritable(options.getOutput());

    Pipeline pipeline = Pipeline.create(options);
    String out = options.getOutput();
    PCollectionTuple tables = PCollectionTuple.empty(pipeline);
    List<PCollection<Row>> deadLetters = new ArrayList<>();
    for (String kind : CleanPinterest.KINDS) {
      CleanResult table = pipeline.apply("Read " + kind, ReadRows.of(kind, CleanPinterest.schema(kind))
          .from(OutputDirs.join(options.getInput(), kind, "*")).withFormat(inputFormat));
      tables = tables.and(CleanPinterest.tag(kind), table.output());
      deadLetters.add(table.deadLetters());
    }
    List<String> folders = new ArrayList<>();
    PCollectionTuple results = tables.apply("Analytics", PinterestQueries.all());
    folders.addAll(Analytics.write(results, out, outputFormat));
    String deadLetterFolder = OutputDirs.join(out, "dead-letter");
    folders.add(deadLetterFolder);
    PCollectionList.of(deadLetters).apply("Write dead letters", DeadLetterSink.to(deadLetterFolder));

    Cli.replaceAll(folders);
    Runs.run(pipeline, options.getProgressSeconds(), PinterestBatch.KINDS);
    Cli.tidy(folders);
    Analytics.printFirstRows(out, outputFormat);
  }
}
