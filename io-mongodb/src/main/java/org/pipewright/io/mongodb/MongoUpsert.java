package org.pipewright.io.mongodb;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import org.bson.conversions.Bson;
import org.checkerframework.checker.nullness.qual.Nullable;
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
 *       in a bundle: the later one wins; across bundles the order is the runner's, unless {@link
 *       #withVersionField} names a field that orders them (then the newest wins, always).
 *   <li>Writes are ordered bulk writes of {@link #withBatchSize} rows; a server error fails the
 *       bundle, which the runner retries (the upsert makes that safe); so does a document the
 *       collection refuses (a validator, a unique index besides {@code _id}), named by its {@code
 *       _id}: unlike {@code JdbcUpsert}, this sink has no dead letters for such documents yet. Call {@link
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
  private static final Set<Schema.TypeName> VERSION_TYPES = Set.of(Schema.TypeName.STRING, Schema.TypeName.INT16,
      Schema.TypeName.INT32, Schema.TypeName.INT64, Schema.TypeName.DATETIME);
  /** MongoDB's duplicate key error. */
  private static final int DUPLICATE_KEY = 11000;

  private final String database;
  private final String collection;
  private final List<String> keys;
  private final MongoConnection connection;
  private final int batchSize;
  private final @Nullable String versionField;

  private MongoUpsert(String database, String collection, List<String> keys, MongoConnection connection,
      int batchSize, @Nullable String versionField) {
    this.database = database;
    this.collection = collection;
    this.keys = keys;
    this.connection = connection;
    this.batchSize = batchSize;
    this.versionField = versionField;
  }

  /** Writes into {@code collection} of {@code database}; both must be valid MongoDB names. */
  public static MongoUpsert into(String database, String collection) {
    checkArgument(database != null && !database.isEmpty() && database.length() < 64
        && database.chars().noneMatch(c -> "/\\. \"$*<>:|?\0".indexOf(c) >= 0),
        "invalid MongoDB database name '%s'", database);
    checkArgument(collection != null && !collection.isEmpty() && !collection.startsWith("system.")
        && collection.indexOf('$') < 0 && collection.indexOf('\0') < 0,
        "invalid MongoDB collection name '%s'", collection);
    return new MongoUpsert(database, collection, List.of(), null, DEFAULT_BATCH_SIZE, null);
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
    return new MongoUpsert(database, collection, List.copyOf(list), connection, batchSize, versionField);
  }

  /** Returns a copy that writes through {@code connection}. */
  public MongoUpsert withConnection(MongoConnection connection) {
    return new MongoUpsert(database, collection, keys, checkNotNull(connection, "connection"), batchSize,
        versionField);
  }

  /** Returns a copy that sends {@code batchSize} upserts per bulk write (default {@value #DEFAULT_BATCH_SIZE}). */
  public MongoUpsert withBatchSize(int batchSize) {
    checkArgument(batchSize > 0, "batchSize must be > 0, got %s", batchSize);
    return new MongoUpsert(database, collection, keys, connection, batchSize, versionField);
  }

  /**
   * Returns a copy whose upserts never let an older row replace a newer document: a row is written
   * only when no document has its key yet, or the stored document's {@code field} is null, missing,
   * or not greater than the row's (MongoDB's order: strings by code point, numbers and dates by
   * value). So a replay of older rows after newer ones, in any order and across bundles, leaves the
   * newest; the same row twice is harmless. A row whose {@code field} is null only fills a key that
   * has no version yet. The field must be a non-key {@code STRING}, integer or {@code DATETIME}
   * field of the rows.
   *
   * <p>Written with the MongoDB driver rather than {@code MongoDbIO}, whose updates cannot carry a
   * condition: each row is an update of its {@code _id} filtered on {@code field}, with upsert; where
   * the filter misses because a newer document is stored, the upsert's insert fails on the {@code
   * _id} (a duplicate key), which here means "keep the stored one" (it is tried once more without
   * upsert, in case the document was written concurrently by an older row).
   */
  public MongoUpsert withVersionField(String field) {
    checkArgument(field != null && !field.isEmpty(), "version field name must not be empty");
    return new MongoUpsert(database, collection, keys, connection, batchSize, field);
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

    if (versionField != null) {
      checkArgument(schema.hasField(versionField) && !keys.contains(versionField)
              && VERSION_TYPES.contains(schema.getField(versionField).getType().getTypeName()),
          "MongoUpsert into %s.%s: the version field '%s' must be a non-key STRING, integer or DATETIME field of %s",
          database, collection, versionField, schema);
      documents.apply("Upsert newer into " + database + "." + collection,
          ParDo.of(new NewerUpsertFn(connection, database, collection, versionField, batchSize)));
      return converted.get(deadLettersTag).setRowSchema(DeadLetter.SCHEMA);
    }

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
        .add(DisplayData.item("batchSize", batchSize))
        .addIfNotNull(DisplayData.item("versionField", versionField));
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

  /**
   * The conditional upsert of {@link #withVersionField}: unordered bulk writes of {@code batchSize}
   * updates; a failure other than a duplicate key fails the bundle, which the runner retries.
   */
  private static final class NewerUpsertFn extends DoFn<Document, Void> {
    private final MongoConnection connection;
    private final String database;
    private final String collection;
    private final String versionField;
    private final int batchSize;
    private transient MongoClient client;
    private transient MongoCollection<Document> target;
    private transient List<Document> batch;

    NewerUpsertFn(MongoConnection connection, String database, String collection, String versionField,
        int batchSize) {
      this.connection = connection;
      this.database = database;
      this.collection = collection;
      this.versionField = versionField;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() {
      client = connection.open();
      target = client.getDatabase(database).getCollection(collection);
    }

    @StartBundle
    public void startBundle() {
      batch = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element Document document) {
      batch.add(document);
      if (batch.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() {
      flush();
    }

    @Teardown
    public void teardown() {
      if (client != null) {
        client.close();
      }
    }

    private Bson filter(Document document) {
      // Flat, with _id at the top: an upsert takes the new document's _id from the filter's equalities.
      Document filter = new Document(RowDocuments.ID, document.get(RowDocuments.ID));
      Object version = document.get(versionField);
      if (version == null) {
        return filter.append(versionField, null); // null or missing
      }
      return filter.append("$or", List.of(new Document(versionField, new Document("$lte", version)),
          new Document(versionField, null)));
    }

    private static Bson update(Document document) {
      Document fields = new Document(document);
      fields.remove(RowDocuments.ID);
      return new Document("$set", fields);
    }

    private void flush() {
      if (batch.isEmpty()) {
        return;
      }
      List<UpdateOneModel<Document>> updates = new ArrayList<>();
      for (Document document : batch) {
        updates.add(new UpdateOneModel<>(filter(document), update(document), new UpdateOptions().upsert(true)));
      }
      try {
        target.bulkWrite(updates, new BulkWriteOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        for (BulkWriteError error : e.getWriteErrors()) {
          // Only a clash on _id is the race below. Another unique index, or a validator, refused
          // the document itself: going on would count it as written when it is not.
          if (error.getCode() != DUPLICATE_KEY || !error.getMessage().contains(" index: _id_ ")) {
            throw new IllegalStateException(database + "." + collection + " refused the document with _id "
                + batch.get(error.getIndex()).get(RowDocuments.ID) + " (code " + error.getCode() + "): "
                + error.getMessage(), e);
          }
        }
        // The key is stored: update it if the stored document is older after all (written meanwhile).
        for (BulkWriteError error : e.getWriteErrors()) {
          Document document = batch.get(error.getIndex());
          target.updateOne(filter(document), update(document));
        }
      }
      batch.clear();
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
        out.get(deadLettersTag).output(DeadLetter.of(kind, STEP, e.getMessage(), sourceOf(row), RowJson.format(row)));
        return;
      }
      documents.inc();
      out.get(documentsTag).output(document);
    }

    /** {@code database.collection#key values}: see {@link DeadLetter#keySource}. */
    private String sourceOf(Row row) {
      return DeadLetter.keySource(source, row, keys);
    }
  }
}
