package org.pipewright.io.files;

import static org.pipewright.transforms.core.Checks.checkArgument;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.RawRecord;

/**
 * Reads JSON-lines files (one record per line) as {@link RawRecord}s whose source is {@code
 * file:line}, so a bad record can be traced back. Works for every Beam {@code FileSystems} scheme
 * (local paths, {@code s3://} with the AWS module on the classpath); {@code .gz} and other
 * compressed files are decompressed by extension. Blank lines are not records and are skipped.
 *
 * <pre>{@code
 * PCollection<Row> raw = p.apply("Read pins", ReadJsonLines.from("/data/pin/*"));
 * }</pre>
 */
public final class ReadJsonLines extends PTransform<PBegin, PCollection<Row>> {
  private final String filepattern;

  private ReadJsonLines(String filepattern) {
    this.filepattern = filepattern;
  }

  /** Reads every file matching {@code filepattern}; matching nothing is an error at run time. */
  public static ReadJsonLines from(String filepattern) {
    checkArgument(filepattern != null && !filepattern.isEmpty(), "filepattern must not be empty");
    return new ReadJsonLines(filepattern);
  }

  @Override
  public PCollection<Row> expand(PBegin input) {
    return input
        .apply("Match", FileIO.match().filepattern(filepattern)
            .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
        .apply("Open", FileIO.readMatches())
        .apply("Read lines", ParDo.of(new ReadLinesFn()))
        .setRowSchema(RawRecord.SCHEMA);
  }

  private static final class ReadLinesFn extends DoFn<FileIO.ReadableFile, Row> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<Row> out) throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(Channels.newInputStream(file.open()), StandardCharsets.UTF_8), 1 << 16)) {
        String line;
        long number = 0;
        while ((line = reader.readLine()) != null) {
          number++;
          if (!line.isBlank()) {
            out.output(RawRecord.of(name + ":" + number, line));
          }
        }
      }
    }
  }
}
