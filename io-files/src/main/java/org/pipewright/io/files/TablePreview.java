package org.pipewright.io.files;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * Reads the rows of a small output table outside a pipeline, for the end-of-run summary and for
 * tests: every file of a folder written by {@link WriteRows}, as JSON text (Parquet records use
 * Avro's JSON rendering). Works on every Beam file system. {@code ShowTable} in the pipelines
 * module prints any output table with it.
 */
public final class TablePreview {
  private TablePreview() {}

  /**
   * Avro's generic model, reading decimal columns as numbers rather than their bytes and date
   * columns as {@code "yyyy-MM-dd"} rather than a count of days since 1970.
   */
  private static GenericData withLogicalTypes() {
    GenericData model = new GenericData() {
      @Override
      protected boolean isString(Object datum) {
        // toString() renders a string datum quoted; a LocalDate's text is ISO yyyy-MM-dd.
        return datum instanceof LocalDate || super.isString(datum);
      }
    };
    model.addLogicalTypeConversion(new Conversions.DecimalConversion());
    model.addLogicalTypeConversion(new TimeConversions.DateConversion());
    return model;
  }

  /** All rows of the table in {@code directory}, each as one JSON string, in file order. */
  public static List<String> rows(String directory, Format format) throws IOException {
    List<String> rows = new ArrayList<>();
    forEach(directory, format, rows::add);
    return rows;
  }

  /**
   * Hands every row of the table in {@code directory} (or of the one file {@code directory}
   * names) to {@code action} as JSON text, in file order, without holding the table in memory.
   * With {@code format} null, each file's format is taken from its suffix.
   *
   * @return the number of rows
   */
  public static long forEach(String directory, Format format, Consumer<String> action) throws IOException {
    MatchResult match = FileSystems.match(directory, EmptyMatchTreatment.ALLOW);
    boolean oneFile = match.status() == MatchResult.Status.OK && match.metadata().size() == 1
        && !match.metadata().get(0).resourceId().isDirectory() && !directory.endsWith("/");
    if (!oneFile) {
      match = FileSystems.match(OutputDirs.join(directory, "part-*"), EmptyMatchTreatment.ALLOW_IF_WILDCARD);
    }
    List<MatchResult.Metadata> files = new ArrayList<>(match.metadata());
    files.sort(Comparator.comparing(m -> m.resourceId().toString()));
    long count = 0;
    for (MatchResult.Metadata file : files) {
      Format fileFormat = format != null ? format
          : file.resourceId().getFilename().endsWith(Format.PARQUET.suffix()) ? Format.PARQUET : Format.JSON;
      if (fileFormat == Format.PARQUET) {
        try (ParquetReader<GenericRecord> reader =
            AvroParquetReader.<GenericRecord>builder(new BeamInputFile(file)).withDataModel(withLogicalTypes()).build()) {
          GenericRecord record;
          while ((record = reader.read()) != null) {
            action.accept(record.toString());
            count++;
          }
        }
      } else {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
            Channels.newInputStream(FileSystems.open(file.resourceId())), StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
              action.accept(line);
              count++;
            }
          }
        }
      }
    }
    return count;
  }

  /** Parquet's file abstraction over a Beam file system channel. */
  private static final class BeamInputFile implements InputFile {
    private final MatchResult.Metadata file;

    BeamInputFile(MatchResult.Metadata file) {
      this.file = file;
    }

    @Override
    public long getLength() {
      return file.sizeBytes();
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      SeekableByteChannel channel = (SeekableByteChannel) FileSystems.open(file.resourceId());
      return new DelegatingSeekableInputStream(Channels.newInputStream(channel)) {
        @Override
        public long getPos() throws IOException {
          return channel.position();
        }

        @Override
        public void seek(long position) throws IOException {
          channel.position(position);
        }

        @Override
        public void readFully(ByteBuffer buffer) throws IOException {
          while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
              throw new java.io.EOFException();
            }
          }
        }
      };
    }
  }
}
