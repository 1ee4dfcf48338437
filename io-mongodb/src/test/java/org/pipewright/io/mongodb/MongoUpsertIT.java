package org.pipewright.io.mongodb;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Sorts;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.joda.time.Instant;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Rule;
import org.junit.Test;
import org.pipewright.testing.LocalMongo;
import org.pipewright.testing.ServiceRule;
import org.pipewright.transforms.core.DeadLetter;

/** MongoUpsert against a real MongoDB wire-protocol server in this JVM (mongo-java-server). */
public class MongoUpsertIT {
  @ClassRule public static final ServiceRule<LocalMongo> MONGO = ServiceRule.of("mongo", LocalMongo::start);
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static MongoClient client;
  /** 35 significant digits: one more than Decimal128 holds. */
  private static final String TOO_PRECISE = "1234567890123456789012345678901234.5";

  private static final Schema SCHEMA = Schema.builder()
      .addInt64Field("item_id")
      .addStringField("date")
      .addStringField("name")
      .addNullableField("sale_price", FieldType.DECIMAL)
      .addNullableField("fetched_at", FieldType.DATETIME)
      .addNullableField("categories", FieldType.array(FieldType.STRING))
      .addNullableField("Prix de vente ✨", FieldType.DOUBLE)
      .addNullableField("day", FieldType.logicalType(SqlTypes.DATE))
      .build();

  @BeforeClass
  public static void connect() {
    client = MongoClients.create(MONGO.get().uri());
  }

  @AfterClass
  public static void disconnect() {
    client.close();
  }

  private static Row row(long id, String date, String name, String price) {
    return Row.withSchema(SCHEMA).addValues(id, date, name, price == null ? null : new BigDecimal(price),
        Instant.parse(date + "T06:00:00.123Z"), Arrays.asList("Home", "Kitchen"), 1.5, LocalDate.parse(date)).build();
  }

  private static Document document(long id, String date, String name, String price) {
    return new Document("_id", new Document("item_id", id).append("date", date))
        .append("item_id", id)
        .append("date", date)
        .append("name", name)
        .append("sale_price", price == null ? null : new Decimal128(new BigDecimal(price)))
        .append("fetched_at", new Date(java.time.Instant.parse(date + "T06:00:00.123Z").toEpochMilli()))
        .append("categories", List.of("Home", "Kitchen"))
        .append("Prix de vente ✨", 1.5)
        .append("day", date);
  }

  private MongoUpsert upsert(String collection) {
    return MongoUpsert.into("retail", collection).withKeys("item_id", "date")
        .withConnection(MongoConnection.to(MONGO.get().uri()));
  }

  private static List<Document> stored(String collection) {
    return client.getDatabase("retail").getCollection(collection).find()
        .sort(Sorts.ascending("item_id", "date")).into(new ArrayList<>());
  }

  private void write(TestPipeline pipeline, String collection, List<Row> rows) {
    PCollection<Row> deadLetters = pipeline.apply(Create.of(rows).withRowSchema(SCHEMA)).apply(upsert(collection));
    PAssert.that(deadLetters).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void newRowsAreInsertedAndARerunChangesNothing() {
    List<Row> rows = List.of(row(1, "2024-01-01", "Kettle", "19.990000"), row(1, "2024-01-02", "Kettle", "18.500000"),
        row(2, "2024-01-01", "Toaster", null));
    List<Document> expected = List.of(document(1, "2024-01-01", "Kettle", "19.990000"),
        document(1, "2024-01-02", "Kettle", "18.500000"), document(2, "2024-01-01", "Toaster", null));
    write(p, "rerun", rows);
    assertEquals(expected, stored("rerun"));
    // Field order too: _id first, then the row's fields in schema order
    assertEquals(List.copyOf(expected.get(0).keySet()), List.copyOf(stored("rerun").get(0).keySet()));

    TestPipeline again = TestPipeline.create().enableAbandonedNodeEnforcement(true);
    write(again, "rerun", rows);
    assertEquals(expected, stored("rerun"));
    assertEquals(3, client.getDatabase("retail").getCollection("rerun").countDocuments());
  }

  @Test
  public void aStoredKeyGetsTheNewValuesOfEveryField() {
    MongoCollection<Document> collection = client.getDatabase("retail").getCollection("update");
    collection.insertOne(document(1, "2024-01-01", "Old name", "10.000000").append("written_by_someone_else", "kept"));
    write(p, "update", List.of(row(1, "2024-01-01", "New name", null), row(3, "2024-01-01", "Other", "1.5")));
    assertEquals(List.of(document(1, "2024-01-01", "New name", null).append("written_by_someone_else", "kept"),
            document(3, "2024-01-01", "Other", "1.5")),
        stored("update").stream().map(d -> reorder(d, SCHEMA.getFieldNames())).toList());
  }

  private static final Schema VERSIONED = Schema.builder().addInt64Field("item_id").addStringField("date")
      .addStringField("name").addNullableField("source", FieldType.STRING).build();

  private static Row versioned(long id, String name, String source) {
    return Row.withSchema(VERSIONED).addValues(id, "2024-01-01", name, source).build();
  }

  private static Document versionedDocument(long id, String name, String source) {
    return new Document("_id", new Document("item_id", id).append("date", "2024-01-01")).append("item_id", id)
        .append("date", "2024-01-01").append("name", name).append("source", source);
  }

  private void writeVersioned(TestPipeline pipeline, List<Row> rows) {
    PCollection<Row> deadLetters = pipeline.apply(Create.of(rows).withRowSchema(VERSIONED))
        .apply(upsert("versioned").withVersionField("source"));
    PAssert.that(deadLetters).empty();
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void withAVersionFieldAnOlderRowNeverReplacesANewerDocument() {
    // Stored before: a document without a version (written by a job without one) and a newer one.
    client.getDatabase("retail").getCollection("versioned").insertMany(List.of(
        versionedDocument(4, "unversioned", null).append("written_by_someone_else", "kept"),
        versionedDocument(5, "stored newest", "120000000.json")));
    writeVersioned(p, List.of(versioned(1, "old", "090000000.json"), versioned(2, "newest", "110000000.json"),
        versioned(2, "older, same bundle", "100000000.json"), versioned(4, "versioned", "080000000.json"),
        versioned(5, "older", "110000000.json"), versioned(6, "no version", null)));
    List<Document> first = List.of(versionedDocument(1, "old", "090000000.json"),
        versionedDocument(2, "newest", "110000000.json"),
        versionedDocument(4, "versioned", "080000000.json").append("written_by_someone_else", "kept"),
        versionedDocument(5, "stored newest", "120000000.json"), versionedDocument(6, "no version", null));
    assertEquals(first, stored("versioned").stream().map(d -> reorder(d, VERSIONED.getFieldNames())).toList());

    // A replay of older answers changes nothing; a newer one and the same one again do; null fills no versioned key.
    TestPipeline again = TestPipeline.create().enableAbandonedNodeEnforcement(true);
    writeVersioned(again, List.of(versioned(1, "new", "100000000.json"), versioned(2, "replayed older", "100000000.json"),
        versioned(4, "versioned", "080000000.json"), versioned(5, "no version", null),
        versioned(6, "versioned now", "000000000.json")));
    List<Document> second = List.of(versionedDocument(1, "new", "100000000.json"),
        versionedDocument(2, "newest", "110000000.json"),
        versionedDocument(4, "versioned", "080000000.json").append("written_by_someone_else", "kept"),
        versionedDocument(5, "stored newest", "120000000.json"), versionedDocument(6, "versioned now", "000000000.json"));
    assertEquals(second, stored("versioned").stream().map(d -> reorder(d, VERSIONED.getFieldNames())).toList());
  }

  @Test
  public void documentsTheCollectionRefusesAreDeadLettersAndTheOthersAreWritten() {
    for (boolean versioned : new boolean[] {false, true}) {
      String name = versioned ? "unique_versioned" : "unique_plain";
      MongoCollection<Document> collection = client.getDatabase("retail").getCollection(name);
      collection.createIndex(new Document("name", 1), new com.mongodb.client.model.IndexOptions().unique(true));
      collection.insertOne(versionedDocument(1, "taken", "100000000.json"));
      TestPipeline pipeline = TestPipeline.create().enableAbandonedNodeEnforcement(true);
      MongoUpsert upsert = MongoUpsert.into("retail", name).withKeys("item_id", "date")
          .withConnection(MongoConnection.to(MONGO.get().uri())).withBatchSize(2);
      Row refused = versioned(2, "taken", "110000000.json");
      PCollection<Row> deadLetters = pipeline
          .apply(Create.of(refused, versioned(3, "free", "110000000.json"), versioned(4, "also free", null))
              .withRowSchema(VERSIONED))
          .apply(versioned ? upsert.withVersionField("source") : upsert);
      PAssert.that(deadLetters).satisfies(all -> {
        List<Row> letters = new ArrayList<>();
        all.forEach(letters::add);
        assertEquals(name, 1, letters.size());
        Row letter = letters.get(0);
        assertEquals(name, DeadLetter.kind(letter));
        assertEquals(MongoUpsert.STEP, DeadLetter.step(letter));
        assertEquals("retail." + name + "#2,2024-01-01", DeadLetter.source(letter));
        assertThat(DeadLetter.reason(letter), containsString("refused by retail." + name + " (code 11000)"));
        assertThat(DeadLetter.reason(letter), containsString("index: name_1"));
        assertEquals(org.pipewright.transforms.core.RowJson.format(refused), DeadLetter.payload(letter));
        return null;
      });
      org.apache.beam.sdk.PipelineResult result = pipeline.run();
      result.waitUntilFinish();
      assertEquals(name, List.of(versionedDocument(1, "taken", "100000000.json"),
              versionedDocument(3, "free", "110000000.json"), versionedDocument(4, "also free", null)),
          stored(name).stream().map(d -> reorder(d, VERSIONED.getFieldNames())).toList());
    }
  }

  @Test
  public void aVersionFieldMustBeAnOrderedNonKeyField() {
    PCollection<Row> rows = p.apply(Create.of(versioned(1, "a", "b")).withRowSchema(VERSIONED));
    assertThrows(IllegalArgumentException.class, () -> rows.apply("Key", upsert("v").withVersionField("item_id")));
    assertThrows(IllegalArgumentException.class, () -> rows.apply("Absent", upsert("v").withVersionField("nope")));
    p.enableAbandonedNodeEnforcement(false);
  }

  /** {@code d} with its fields in the order of {@code first}, then the rest, so that a failure is readable. */
  private static Document reorder(Document d, List<String> first) {
    Document out = new Document("_id", d.get("_id"));
    first.forEach(k -> out.append(k, d.get(k)));
    d.forEach((k, v) -> out.putIfAbsent(k, v));
    return out;
  }

  @Test
  public void rowsThatCannotBeDocumentsAreDeadLettersAndTheOthersAreWritten() {
    Schema schema = Schema.builder().addNullableField("sku", FieldType.STRING).addNullableField("price", FieldType.DECIMAL)
        .addNullableField("attrs", FieldType.map(FieldType.STRING, FieldType.STRING)).build();
    PCollection<Row> deadLetters = p.apply(Create.of(
            Row.withSchema(schema).addValues("A-1", new BigDecimal("2.50"), Map.of("größe", "L")).build(),
            Row.withSchema(schema).addValues(null, BigDecimal.ONE, null).build(),
            Row.withSchema(schema).addValues("A-2", new BigDecimal(TOO_PRECISE), null).build(),
            // 41 digits, but exactly 1E+40: Decimal128 holds it without rounding
            Row.withSchema(schema).addValues("A-3", new BigDecimal("1" + "0".repeat(40)), null).build())
        .withRowSchema(schema))
        .apply(MongoUpsert.into("retail", "skus").withKeys("sku").withConnection(MongoConnection.to(MONGO.get().uri())));
    PAssert.that(deadLetters).containsInAnyOrder(
        // Each source names the row's key, so the two stay two when dead letters are keyed by source.
        DeadLetter.of("skus", "MongoUpsert", "key field 'sku' is null: a document needs its whole key", "retail.skus#null",
            "{\"sku\":null,\"price\":1,\"attrs\":null}"),
        DeadLetter.of("skus", "MongoUpsert", "decimal 'price' = " + TOO_PRECISE + " does not fit MongoDB's "
            + "Decimal128 (34 digits) without rounding", "retail.skus#A-2",
            "{\"sku\":\"A-2\",\"price\":" + TOO_PRECISE + ",\"attrs\":null}"));
    p.run().waitUntilFinish();
    assertEquals(List.of(new Document("_id", "A-1").append("sku", "A-1").append("price", new Decimal128(new BigDecimal("2.50")))
            .append("attrs", new Document("größe", "L")),
            // the same number, with the 34 digits Decimal128 keeps
            new Document("_id", "A-3").append("sku", "A-3").append("price", Decimal128.parse("1.000000000000000000000000000000000E+40"))
            .append("attrs", null)),
        client.getDatabase("retail").getCollection("skus").find().sort(Sorts.ascending("_id"))
            .into(new ArrayList<>()));
  }

  @Test
  public void aDottedFieldNameIsRefusedBeforeAnythingRuns() {
    Schema dotted = Schema.builder().addInt64Field("item_id").addStringField("price.usd").build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p
        .apply(Create.of(Row.withSchema(dotted).addValues(1L, "x").build()).withRowSchema(dotted))
        .apply(MongoUpsert.into("retail", "dotted").withKeys("item_id").withConnection(MongoConnection.to(MONGO.get().uri()))));
    assertEquals("MongoUpsert into retail.dotted: field 'price.usd' contains '.', which a MongoDB update reads as a "
        + "path into a sub-document (it would be stored nested, not under its name); rename it (e.g. with Beam's "
        + "RenameFields) before writing to MongoDB", e.getMessage());
    p.enableAbandonedNodeEnforcement(false);
  }

  @Test
  public void theCheckPassesOnAServerAndNamesAnUnreachableOne() throws Exception {
    MongoConnection.to(MONGO.get().uri()).check();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = free.getLocalPort();
    }
    MongoConnection nowhere = MongoConnection.to("mongodb://etl:pw@127.0.0.1:" + port + "/");
    IOException e = assertThrows(IOException.class, () -> nowhere.check(Duration.ofSeconds(1)));
    assertEquals("cannot reach MongoDB at mongodb://etl:***@127.0.0.1:" + port + "/ within 1 s: 127.0.0.1:" + port
        + ": Connection refused", e.getMessage());
    p.enableAbandonedNodeEnforcement(false);
  }
}
