package org.pipewright.io.files;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.util.MimeTypes;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Writes each element {@code KV(name, text)} as its own file {@code <root>/<name>} (local or
 * {@code s3://}), UTF-8, replacing a file of that name: an archive of API answers, one file per
 * call, that a later run reads back with {@link ReadJsonDocuments}. Emits the full path of each
 * file written.
 *
 * <p>Each file is written under a temporary name next to its final one and then renamed, so a
 * reader never sees half a file and a job killed mid-write leaves at most a {@code .tmp-} file,
 * never a truncated document. Writing the same names again (a re-run) replaces the files: with the
 * same content, the archive is unchanged. A name must be relative and must not climb out of
 * {@code root} ({@code ..}).
 *
 * <pre>{@code
 * answers.apply(MapElements.into(kvs(strings(), strings()))
 *         .via(r -> KV.of("rates/dt=" + date(r) + "/historical.json", body(r))))
 *     .apply(WriteDocuments.to("s3://bucket/landing"));
 * }</pre>
 */
public final class WriteDocuments extends PTransform<PCollection<KV<String, String>>, PCollection<String>> {
  private final String root;

  private WriteDocuments(String root) {
    this.root = root;
  }

  public static WriteDocuments to(String root) {
    checkNotNull(root, "root");
    checkArgument(!root.isBlank(), "root must not be blank");
    return new WriteDocuments(root);
  }

  @Override
  public PCollection<String> expand(PCollection<KV<String, String>> documents) {
    return documents.apply("Write files", ParDo.of(new WriteFn(root)));
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("root", root));
  }

  /** Checks {@code name} and returns the file's full path below {@code root}. */
  static String path(String root, String name) {
    checkArgument(name != null && !name.isBlank(), "a document needs a file name");
    checkArgument(!name.startsWith("/") && !name.contains("://"), "document name must be relative, got '%s'", name);
    for (String part : name.split("/", -1)) {
      checkArgument(!part.isEmpty() && !part.equals(".") && !part.equals(".."),
          "document name must not hold empty, . or .. parts, got '%s'", name);
    }
    return OutputDirs.join(root, name);
  }

  private static final class WriteFn extends DoFn<KV<String, String>, String> {
    private final String root;

    WriteFn(String root) {
      this.root = root;
    }

    @ProcessElement
    public void process(@Element KV<String, String> document, OutputReceiver<String> out) throws IOException {
      String path = path(root, document.getKey());
      ResourceId target = FileSystems.matchNewResource(path, false);
      ResourceId temp = FileSystems.matchNewResource(path + ".tmp-" + UUID.randomUUID(), false);
      try (OutputStream stream = Channels.newOutputStream(FileSystems.create(temp, MimeTypes.TEXT))) {
        stream.write(document.getValue().getBytes(StandardCharsets.UTF_8));
      }
      FileSystems.rename(List.of(temp), List.of(target));
      out.output(path);
    }
  }
}
