package org.pipewright.io.mongodb;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.mongodb.MongoDbIO;
import org.apache.beam.sdk.io.mongodb.UpdateConfiguration;
import org.apache.beam.sdk.io.mongodb.UpdateField;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.bson.Document;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * Writes schema rows to a MongoDB collection, one document per row, upserted by an {@code _id}
 * built from key fields: a row whose key is stored replaces the stored values of its fields, any
 * other row is inserted, so a re-run or a replay of the same rows leaves the same documents and the
 * same count. The write is Beam's {@code MongoDbIO.write()} with an upsert {@link
 * UpdateConfiguration} ({@code $set} of every field, matched on {@code _id}); how rows become
 * documents (the {@code _id}, types, which field names are refused) is described in {@code
 * RowDocuments} and below.
 *
 * <ul>
 *   <li>{@code _id}: with one key, that field's value; with several, a sub-document of the key
 *       fields in the order given ({@code {item_id: 42, date: "2024-01-02"}}). The key fields also
 *       stay ordinary fields.
 *   <li>Field names are kept exactly; a schema with a name MongoDB would not keep as it is (with a
 *       {@code .}, starting with {@code $}) is refused when the pipeline is built, with a message
 *       naming the field.
 *   <li>A row that cannot be a document (a null key, a decimal beyond Decimal128) is not written: it
 *       is output as a dead letter ({@link DeadLetter#SCHEMA}, kind = the collection, step {@code
 *       MongoUpsert}, the row as JSON), so rows in = documents written + dead letters.
 *   <li>Fields a stored document has beyond the rows' schema are left alone. Two rows with one key
 *       in a bundle: the later one wins; across bundles the order is the runner's.
 *   <li>Writes are ordered bulk writes of {@link #withBatchSize} rows; a server error fails the
 *       bundle, which the runner retries (the upsert makes that safe). Call {@link
 *       MongoConnection#check()} before running so that a wrong address fails at once.
 * </ul>
 *
 * <pre>{@code
 * PCollection<Row> deadLetters = valuations.apply("Upsert valuations",
 *     MongoUpsert.into("retail", "valuation").withKeys("item_id", "date")
 *         .withConnection(MongoConnection.to("mongodb://127.0.0.1:27017")));
 * }</pre>
 */
public final class MongoUpsert extends PTransform<PCollection<Row>, PCollection<Row>> {
  static final int DEFAULT_BATCH_SIZE = 1000;
  static final String STEP = "MongoUpsert";

  private final String database;
  private final String collection;
  private final List<String> keys;
  private final MongoConnection connection;
  private final int batchSize;

  private MongoUpsert(String database, String collection, List<String> keys, MongoConnection connection,
      int batchSize) {
    this.database = database;
    this.collection = collection;
    this.keys = keys;
    this.connection = connection;
    this.batchSize = batchSize;
  }

  /** Writes into {@code collection} of {@code database}; both must be valid MongoDB names. */
  public static MongoUpsert into(String database, String collection) {
    checkArgument(database != null && !database.isEmpty() && database.length() < 64
        && database.chars().noneMatch(c -> "/\\. \"$*<>:|?\0".indexOf(c) >= 0),
        "invalid MongoDB database name '%s'", database);
    checkArgument(collection != null && !collection.isEmpty() && !collection.startsWith("system.")
        && collection.indexOf('$') < 0 && collection.indexOf('\0') < 0,
        "invalid MongoDB collection name '%s'", collection);
    return new MongoUpsert(database, collection, List.of(), null, DEFAULT_BATCH_SIZE);
  }

  /** Returns a copy whose documents' {@code _id} is built from the fields {@code keys}, in this order. */
  public MongoUpsert withKeys(String... keys) {
    checkArgument(keys != null && keys.length > 0, "at least one key field is needed");
    List<String> list = new ArrayList<>();
    for (String key : keys) {
      checkArgument(key != null && !key.isEmpty(), "key field names must not be empty");
      checkArgument(!list.contains(key), "key field '%s' is given twice", key);
      list.add(key);
    }
    return new MongoUpsert(database, collection, List.copyOf(list), connection, batchSize);
  }

  /** Returns a copy that writes through {@code connection}. */
  public MongoUpsert withConnection(MongoConnection connection) {
    return new MongoUpsert(database, collection, keys, checkNotNull(connection, "connection"), batchSize);
  }

  /** Returns a copy that sends {@code batchSize} upserts per bulk write (default {@value #DEFAULT_BATCH_SIZE}). */
  public MongoUpsert withBatchSize(int batchSize) {
    checkArgument(batchSize > 0, "batchSize must be > 0, got %s", batchSize);
    return new MongoUpsert(database, collection, keys, connection, batchSize);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    checkArgument(connection != null, "MongoUpsert into %s.%s needs withConnection(...)", database, collection);
    checkArgument(!keys.isEmpty(), "MongoUpsert into %s.%s needs withKeys(...)", database, collection);
    Schema schema = rows.getSchema();
    try {
      RowDocuments.checkSchema(schema, keys);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("MongoUpsert into " + database + "." + collection + ": " + e.getMessage());
    }

    TupleTag<Document> documentsTag = new TupleTag<Document>() {};
    TupleTag<Row> deadLettersTag = new TupleTag<Row>() {};
    PCollectionTuple converted = rows.apply("To documents",
        ParDo.of(new ToDocumentFn(keys, database, collection, documentsTag, deadLettersTag))
            .withOutputTags(documentsTag, TupleTagList.of(deadLettersTag)));
    PCollection<Document> documents = converted.get(documentsTag)
        .setCoder(SerializableCoder.of(Document.class));

    List<UpdateField> fields = new ArrayList<>();
    for (String name : schema.getFieldNames()) {
      if (!name.equals(RowDocuments.ID)) {
        fields.add(UpdateField.fieldUpdate("$set", name, name));
      }
    }
    MongoDbIO.Write write = MongoDbIO.write()
        .withUri(connection.resolvedUri())
        .withDatabase(database)
        .withCollection(collection)
        .withBatchSize(batchSize)
        // Unordered writes would make MongoDbIO drop a failed batch without a word.
        .withOrdered(true)
        .withUpdateConfiguration(UpdateConfiguration.create()
            .withUpdateKey(RowDocuments.ID)
            .withIsUpsert(true)
            .withUpdateFields(fields.toArray(new UpdateField[0])));
    documents.apply("Upsert into " + database + "." + collection,
        new MaskedWrite(write, connection.describe(), database, collection, batchSize));
    return converted.get(deadLettersTag).setRowSchema(DeadLetter.SCHEMA);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("database", database))
        .add(DisplayData.item("collection", collection))
        .add(DisplayData.item("keys", String.join(",", keys)))
        .add(DisplayData.item("connection", connection == null ? "" : connection.describe()))
        .add(DisplayData.item("batchSize", batchSize));
  }

  /**
   * {@code MongoDbIO.write()} expanded in place: its own display data shows the URI as given, with
   * the password, so it is not applied as a node of the graph; this one shows the masked URI.
   */
  private static final class MaskedWrite extends PTransform<PCollection<Document>, PDone> {
    private final MongoDbIO.Write write;
    private final String maskedUri;
    private final String database;
    private final String collection;
    private final int batchSize;

    MaskedWrite(MongoDbIO.Write write, String maskedUri, String database, String collection, int batchSize) {
      this.write = write;
      this.maskedUri = maskedUri;
      this.database = database;
      this.collection = collection;
      this.batchSize = batchSize;
    }

    @Override
    public PDone expand(PCollection<Document> documents) {
      return write.expand(documents);
    }

    @Override
    public void populateDisplayData(DisplayData.Builder builder) {
      builder.add(DisplayData.item("uri", maskedUri))
          .add(DisplayData.item("database", database))
          .add(DisplayData.item("collection", collection))
          .add(DisplayData.item("batchSize", batchSize))
          .add(DisplayData.item("update", "upsert by _id, $set of every field"));
    }
  }

  private static final class ToDocumentFn extends DoFn<Row, Document> {
    private final List<String> keys;
    private final String source;
    private final String kind;
    private final TupleTag<Document> documentsTag;
    private final TupleTag<Row> deadLettersTag;
    private final Counter documents;
    private final Counter refused;

    ToDocumentFn(List<String> keys, String database, String collection, TupleTag<Document> documentsTag,
        TupleTag<Row> deadLettersTag) {
      this.keys = keys;
      this.documentsTag = documentsTag;
      this.source = database + "." + collection;
      this.kind = collection;
      this.deadLettersTag = deadLettersTag;
      this.documents = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "mongo." + source + ".documents");
      this.refused = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "mongo." + source + ".deadLetters");
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) {
      Document document;
      try {
        document = RowDocuments.toDocument(row, keys);
      } catch (IllegalArgumentException | ClassCastException e) {
        refused.inc();
        out.get(deadLettersTag).output(DeadLetter.of(kind, STEP, e.getMessage(), source, RowJson.format(row)));
        return;
      }
      documents.inc();
      out.get(documentsTag).output(document);
    }
  }
}
