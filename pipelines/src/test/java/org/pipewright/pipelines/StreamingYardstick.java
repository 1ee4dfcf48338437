package org.pipewright.pipelines;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.ReadableInstant;
import org.pipewright.io.jdbc.JdbcConnection;
import org.pipewright.io.jdbc.JdbcUpsert;
import org.pipewright.io.kafka.ReadKafka;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RecordCleaner;
import org.pipewright.transforms.pinterest.CleanPinterest;

/**
 * The streaming benchmark's yardstick: what PinterestStreaming does to the clean tables and the dead
 * letters, as a plain Java loop without Beam. One {@link KafkaConsumer} on the three topics, the
 * project's own cleaners, then per poll one transaction of multi-row {@code INSERT ... ON CONFLICT
 * (key) DO UPDATE} statements per table (keys de-duplicated within the poll, last one wins), and the
 * offsets committed only after that transaction: a crash replays, it never loses.
 *
 * <p>What it leaves out, as a hand-written program would: the live counts, event-time windows,
 * retries, parallelism. It runs until killed. The password comes from {@value
 * JdbcConnection#PASSWORD_ENV}.
 *
 * <pre>java -cp pipelines/target/test-classes:pipelines/target/pipewright-pipelines-bundled.jar \
 *   org.pipewright.pipelines.StreamingYardstick BOOTSTRAP TOPIC_PREFIX JDBC_URL USER TABLE_PREFIX</pre>
 */
public final class StreamingYardstick {
  /** Rows per statement: PostgreSQL allows 32767 parameters, the widest table has 11 columns. */
  private static final int ROWS_PER_STATEMENT = 2000;

  private StreamingYardstick() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: StreamingYardstick BOOTSTRAP TOPIC_PREFIX JDBC_URL USER TABLE_PREFIX");
    }
    String prefix = args[1];
    String tables = args[4];
    JdbcConnection jdbc = JdbcConnection.to(args[2]).withUser(args[3]);
    Map<String, RecordCleaner> cleaners = new LinkedHashMap<>();
    for (String kind : CleanPinterest.KINDS) {
      cleaners.put(prefix + "." + kind, CleanPinterest.recordCleaner(kind));
      JdbcUpsert.into(tables + kind).withKeys(CleanPinterest.ID_FIELD).withConnection(jdbc)
          .createTable(CleanPinterest.schema(kind));
    }
    String deadTable = tables + PinterestTables.DEAD_LETTER;
    JdbcUpsert.into(deadTable).withKeys("source").withConnection(jdbc).createTable(DeadLetter.SCHEMA);

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-yardstick");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        Connection db = jdbc.open()) {
      db.setAutoCommit(false);
      consumer.subscribe(List.copyOf(cleaners.keySet()));
      boolean ready = false;
      while (true) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        if (!ready && !consumer.assignment().isEmpty()) {
          System.out.println("ready"); // the benchmark starts sending now
          ready = true;
        }
        if (records.isEmpty()) {
          continue;
        }
        Map<String, Map<Object, Row>> batches = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          String kind = r.topic().substring(prefix.length() + 1);
          String value = r.value() == null ? "" : r.value();
          try {
            Row row = cleaners.get(r.topic()).clean(RawJson.parseObject(value));
            batches.computeIfAbsent(tables + kind, t -> new LinkedHashMap<>()).put(row.getInt64(CleanPinterest.ID_FIELD), row);
          } catch (RuntimeException e) { // BadValueException, or a bug: a dead letter either way
            String source = ReadKafka.coordinates(r.topic(), r.partition(), r.offset());
            batches.computeIfAbsent(deadTable, t -> new LinkedHashMap<>())
                .put(source, DeadLetter.of(kind, "Clean", String.valueOf(e.getMessage()), source, value));
          }
        }
        for (Map.Entry<String, Map<Object, Row>> batch : batches.entrySet()) {
          upsert(db, batch.getKey(), batch.getKey().equals(deadTable) ? "source" : CleanPinterest.ID_FIELD,
              batch.getValue().values());
        }
        db.commit();
        consumer.commitSync();
      }
    }
  }

  private static void upsert(Connection db, String table, String key, Collection<Row> rows) throws SQLException {
    Schema schema = rows.iterator().next().getSchema();
    List<Row> all = new ArrayList<>(rows);
    for (int from = 0; from < all.size(); from += ROWS_PER_STATEMENT) {
      List<Row> chunk = all.subList(from, Math.min(all.size(), from + ROWS_PER_STATEMENT));
      try (PreparedStatement s = db.prepareStatement(sql(table, key, schema, chunk.size()))) {
        int p = 1;
        for (Row row : chunk) {
          for (int i = 0; i < schema.getFieldCount(); i++) {
            set(s, p++, schema.getField(i).getType().getTypeName(), row.getValue(i));
          }
        }
        s.executeUpdate();
      }
    }
  }

  private static String sql(String table, String key, Schema schema, int rows) {
    String columns = String.join(", ", schema.getFieldNames());
    String one = schema.getFieldNames().stream().map(n -> "?").collect(Collectors.joining(", ", "(", ")"));
    String values = String.join(", ", java.util.Collections.nCopies(rows, one));
    String update = schema.getFieldNames().stream().filter(n -> !n.equals(key))
        .map(n -> n + " = EXCLUDED." + n).collect(Collectors.joining(", "));
    return "INSERT INTO " + table + " (" + columns + ") VALUES " + values + " ON CONFLICT (" + key + ") DO UPDATE SET "
        + update;
  }

  private static void set(PreparedStatement s, int index, Schema.TypeName type, Object value) throws SQLException {
    switch (type) {
      case DATETIME:
        if (value == null) {
          s.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          s.setObject(index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(((ReadableInstant) value).getMillis()),
              ZoneOffset.UTC));
        }
        break;
      case STRING:
        // PostgreSQL text cannot hold U+0000, which a malformed payload may carry.
        s.setString(index, value == null ? null : ((String) value).replace('\u0000', '\uFFFD'));
        break;
      case INT64:
        s.setObject(index, value, Types.BIGINT);
        break;
      case INT32:
        s.setObject(index, value, Types.INTEGER);
        break;
      case ARRAY: // geo coordinates, the only array column
        s.setObject(index, value == null ? null : s.getConnection().createArrayOf("float8", ((Collection<?>) value).toArray()),
            Types.ARRAY);
        break;
      default:
        s.setObject(index, value);
    }
  }
}
