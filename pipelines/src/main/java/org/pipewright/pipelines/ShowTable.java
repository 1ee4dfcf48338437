package org.pipewright.pipelines;

import java.util.ArrayList;
import java.util.List;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.pipewright.io.files.S3AccessOptions;
import org.bson.Document;
import org.pipewright.io.files.TablePreview;
import org.pipewright.io.mongodb.MongoConnection;

/**
 * Prints an output table (a folder written by a pipeline, or one of its files), Parquet or JSON
 * lines, as one JSON row per line: the quickest way to look at a result without other tools.
 *
 * <pre>
 * java -cp pipewright-pipelines-bundled.jar org.pipewright.pipelines.ShowTable out/analytics/popular_category_by_country
 * java -cp ... org.pipewright.pipelines.ShowTable out/clean/pin --limit=5
 * java -cp ... org.pipewright.pipelines.ShowTable s3://bucket/out/clean/user --limit=0   # count only
 * java -cp ... org.pipewright.pipelines.ShowTable mongodb://127.0.0.1:27017/pipewright/retail_valuation
 * </pre>
 *
 * <p>A {@code mongodb://host:port/<database>/<collection>} address prints that collection's
 * documents (as extended JSON) instead: there is no MongoDB shell to install on every machine.
 */
public final class ShowTable {
  static final int DEFAULT_LIMIT = 20;

  private ShowTable() {}

  public static void main(String[] args) {
    Cli.main(args, ShowTable::run);
  }

  static void run(String[] args) throws Exception {
    List<String> paths = new ArrayList<>();
    List<String> beamArgs = new ArrayList<>();
    int limit = DEFAULT_LIMIT;
    for (String arg : args) {
      if (arg.equals("--help")) {
        System.out.println("usage: ShowTable <folder or file> [--limit=N (default " + DEFAULT_LIMIT
            + ", 0 counts only, -1 all)] [--awsRegion=... --endpoint=... for s3://]");
        return;
      } else if (arg.startsWith("--limit=")) {
        try {
          limit = Integer.parseInt(arg.substring("--limit=".length()));
        } catch (NumberFormatException e) {
          throw new UsageException("--limit must be a whole number, got '" + arg.substring(8) + "'");
        }
      } else if (arg.startsWith("--")) {
        beamArgs.add(arg);
      } else {
        paths.add(arg);
      }
    }
    if (paths.size() != 1) {
      throw new UsageException("give one table folder or file, e.g. ShowTable out/clean/pin (--help for more)");
    }
    if (paths.get(0).startsWith("mongodb://")) {
      showCollection(paths.get(0), limit);
      return;
    }
    S3AccessOptions s3;
    try {
      s3 = PipelineOptionsFactory.fromArgs(beamArgs.toArray(new String[0])).withValidation()
          .as(S3AccessOptions.class);
    } catch (IllegalArgumentException e) {
      throw new UsageException(Cli.rootMessage(e));
    }
    S3AccessOptions.apply(s3);
    FileSystems.setDefaultPipelineOptions(s3);
    int shown = limit;
    long[] printed = {0};
    long rows;
    try {
      rows = TablePreview.forEach(paths.get(0), null, row -> {
        if (shown < 0 || printed[0] < shown) {
          System.out.println(row);
          printed[0]++;
        }
      });
    } catch (java.io.IOException | RuntimeException e) {
      throw new UsageException("cannot read " + paths.get(0) + ": " + Cli.rootMessage(e));
    }
    if (rows == 0) {
      throw new UsageException("no table at " + paths.get(0) + " (expected a folder of part-* files or one such file)");
    }
    System.err.printf("(%d of %d rows)%n", printed[0], rows);
  }

  private static void showCollection(String address, int limit) {
    int slash = address.indexOf('/', "mongodb://".length());
    String[] names = slash < 0 ? new String[0] : address.substring(slash + 1).split("/");
    if (names.length != 2 || names[0].isEmpty() || names[1].isEmpty()) {
      throw new UsageException("a MongoDB table is mongodb://host:port/<database>/<collection>, got '"
          + MongoConnection.to(address.substring(0, slash < 0 ? address.length() : slash)).describe() + "/...'");
    }
    MongoConnection connection = MongoConnection.to(address.substring(0, slash) + "/");
    try {
      connection.check();
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    try (MongoClient client = connection.open()) {
      MongoCollection<Document> collection = client.getDatabase(names[0]).getCollection(names[1]);
      long rows = collection.countDocuments();
      long printed = 0;
      if (limit != 0) {
        for (Document document : limit < 0 ? collection.find() : collection.find().limit(limit)) {
          System.out.println(document.toJson());
          printed++;
        }
      }
      System.err.printf("(%d of %d documents)%n", printed, rows);
    }
  }
}
