package org.pipewright.io.mongodb;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * Writes schema rows to a MongoDB collection, one document per row, upserted by an {@code _id}
 * built from key fields: a row whose key is stored replaces the stored values of its fields, any
 * other row is inserted, so a re-run or a replay of the same rows leaves the same documents and the
 * same count. Each row is an update of its {@code _id} with upsert ({@code $set} of every field),
 * sent with the MongoDB driver in unordered bulk writes; how rows become documents (the {@code _id},
 * types, which field names are refused) is described in {@code RowDocuments} and below. Not Beam's
 * {@code MongoDbIO.write()}: it cannot say which document of a batch the server refused, nor carry
 * the condition of {@link #withVersionField}.
 *
 * <ul>
 *   <li>{@code _id}: with one key, that field's value; with several, a sub-document of the key
 *       fields in the order given ({@code {item_id: 42, date: "2024-01-02"}}). The key fields also
 *       stay ordinary fields.
 *   <li>Field names are kept exactly; a schema with a name MongoDB would not keep as it is (with a
 *       {@code .}, starting with {@code $}) is refused when the pipeline is built, with a message
 *       naming the field.
 *   <li>A row that cannot be a document (a null key, a decimal beyond Decimal128), or whose document
 *       the collection refuses (its validator, a unique index besides {@code _id}, too large), is
 *       not written: it is output as a dead letter ({@link DeadLetter#SCHEMA}, kind = the
 *       collection, step {@code MongoUpsert}, source {@code database.collection#key}, the server's
 *       reason, the row as JSON), in its own window, so rows in = documents written + dead letters
 *       (counters {@code mongo.<database>.<collection>.documents} and {@code .deadLetters}).
 *   <li>Fields a stored document has beyond the rows' schema are left alone. Two rows with one key
 *       in a bundle: the later one wins; across bundles the order is the runner's, unless {@link
 *       #withVersionField} names a field that orders them (then the newest wins, always).
 *   <li>Writes are bulk writes of {@link #withBatchSize} rows; any other server error (no
 *       permission, the server gone) fails the bundle, naming a document's {@code _id}, and the
 *       runner retries it (the upsert makes that safe). Call {@link MongoConnection#check()} before
 *       running so that a wrong address fails at once.
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
   * <p>Each row is an update of its {@code _id} filtered on {@code field}, with upsert; where
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
    if (versionField != null) {
      checkArgument(schema.hasField(versionField) && !keys.contains(versionField)
              && VERSION_TYPES.contains(schema.getField(versionField).getType().getTypeName()),
          "MongoUpsert into %s.%s: the version field '%s' must be a non-key STRING, integer or DATETIME field of %s",
          database, collection, versionField, schema);
    }
    return rows.apply("Upsert into " + database + "." + collection,
            ParDo.of(new UpsertFn(connection, database, collection, keys, versionField, batchSize)))
        .setRowSchema(DeadLetter.SCHEMA);
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
   * Converts rows to documents and upserts them in unordered bulk writes of {@code batchSize}. Its
   * output is the dead letters: rows that cannot be documents, and documents the collection refuses
   * (emitted when the bundle finishes, each in its own window).
   */
  private static final class UpsertFn extends DoFn<Row, Row> {
    /** Write errors of one document, not of the collection or the server. */
    private static final Set<Integer> REFUSALS = Set.of(
        2, // BadValue
        52, // DollarPrefixedFieldName
        121, // DocumentValidationFailure: the collection's validator
        10334, 17419, 17420, // the document or the result of the update too large
        DUPLICATE_KEY); // on a unique index besides _id (the _id itself is the race handled below)

    private final MongoConnection connection;
    private final String database;
    private final String collection;
    private final List<String> keys;
    private final @Nullable String versionField;
    private final int batchSize;
    private final String source;
    private final Counter documents;
    private final Counter refused;
    private transient MongoClient client;
    private transient MongoCollection<Document> target;
    private transient List<Pending> batch;
    private transient List<Pending> deadLetters;

    UpsertFn(MongoConnection connection, String database, String collection, List<String> keys,
        @Nullable String versionField, int batchSize) {
      this.connection = connection;
      this.database = database;
      this.collection = collection;
      this.keys = keys;
      this.versionField = versionField;
      this.batchSize = batchSize;
      this.source = database + "." + collection;
      this.documents = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "mongo." + source + ".documents");
      this.refused = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "mongo." + source + ".deadLetters");
    }

    /** A row on its way: its document (null once refused), where it came from, and the reason. */
    private static final class Pending {
      final Row row;
      final @Nullable Document document;
      final Instant timestamp;
      final BoundedWindow window;
      @Nullable String reason;

      Pending(Row row, @Nullable Document document, Instant timestamp, BoundedWindow window) {
        this.row = row;
        this.document = document;
        this.timestamp = timestamp;
        this.window = window;
      }
    }

    @Setup
    public void setup() {
      client = connection.open();
      target = client.getDatabase(database).getCollection(collection);
    }

    @StartBundle
    public void startBundle() {
      batch = new ArrayList<>();
      deadLetters = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element Row row, @Timestamp Instant timestamp, BoundedWindow window) {
      Document document;
      try {
        document = RowDocuments.toDocument(row, keys);
      } catch (IllegalArgumentException | ClassCastException e) {
        Pending p = new Pending(row, null, timestamp, window);
        p.reason = e.getMessage();
        deadLetters.add(p);
        return;
      }
      batch.add(new Pending(row, document, timestamp, window));
      if (batch.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      flush();
      for (Pending p : deadLetters) {
        refused.inc();
        context.output(DeadLetter.of(collection, STEP, DeadLetter.shortReason(p.reason), DeadLetter.keySource(source, p.row, keys),
            RowJson.format(p.row)), p.timestamp, p.window);
      }
      deadLetters.clear();
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
      if (versionField == null) {
        return filter;
      }
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
      List<Pending> writes = batch;
      if (versionField == null) {
        // Unordered writes of one key could land in any order: the bundle's last row of a key wins.
        Map<Object, Pending> last = new LinkedHashMap<>();
        for (Pending p : batch) {
          last.remove(p.document.get(RowDocuments.ID));
          last.put(p.document.get(RowDocuments.ID), p);
        }
        writes = new ArrayList<>(last.values());
      }
      List<UpdateOneModel<Document>> updates = new ArrayList<>();
      for (Pending p : writes) {
        updates.add(new UpdateOneModel<>(filter(p.document), update(p.document), new UpdateOptions().upsert(true)));
      }
      int refusedHere = 0;
      try {
        // Unordered: the documents after a refused one are still written.
        target.bulkWrite(updates, new BulkWriteOptions().ordered(false));
      } catch (MongoBulkWriteException e) {
        for (BulkWriteError error : e.getWriteErrors()) {
          Pending p = writes.get(error.getIndex());
          if (error.getCode() == DUPLICATE_KEY && error.getMessage().contains(" index: _id_ ")) {
            // The key was stored meanwhile by another writer, or (with a version) holds a newer document:
            // update it if the stored document is older after all.
            try {
              target.updateOne(filter(p.document), update(p.document));
            } catch (MongoWriteException again) {
              refusedHere += refuse(p, again.getCode(), again.getMessage(), again);
            }
          } else {
            refusedHere += refuse(p, error.getCode(), error.getMessage(), e);
          }
        }
      }
      documents.inc(batch.size() - refusedHere);
      batch.clear();
    }

    /** Makes {@code p} a dead letter if {@code code} is the document's fault; else fails the bundle. */
    private int refuse(Pending p, int code, String message, RuntimeException cause) {
      String reason = "refused by " + source + " (code " + code + "): " + message;
      if (!REFUSALS.contains(code)) {
        throw new IllegalStateException(source + " failed the write of the document with _id "
            + p.document.get(RowDocuments.ID) + " (code " + code + "): " + message, cause);
      }
      p.reason = reason;
      deadLetters.add(p);
      return 1;
    }
  }
}
