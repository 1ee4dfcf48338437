package org.pipewright.io.jdbc;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.junit.Test;

/** The exact SQL each dialect generates; no server needed. */
public class DialectTest {
  private static final Schema SCHEMA = Schema.builder()
      .addInt64Field("ind")
      .addNullableField("name", FieldType.STRING)
      .addNullableField("coordinates", FieldType.array(FieldType.DOUBLE))
      .addInt32Field("posts")
      .addNullableField("ts", FieldType.DATETIME)
      .addNullableField("active", FieldType.BOOLEAN)
      .build();

  private static final Map<String, String> GREATEST_POSTS = Map.of("posts", "GREATEST({old}, {new})");

  @Test
  public void postgresCreateTableWithKey() {
    assertEquals("CREATE TABLE IF NOT EXISTS \"pin\" (\"ind\" BIGINT NOT NULL, \"name\" TEXT, "
            + "\"coordinates\" DOUBLE PRECISION[], \"posts\" INTEGER NOT NULL, "
            + "\"ts\" TIMESTAMP WITH TIME ZONE, \"active\" BOOLEAN, PRIMARY KEY (\"ind\"))",
        Dialect.POSTGRES.createTable("pin", SCHEMA, List.of("ind")));
  }

  @Test
  public void postgresCreateTableWithoutKeyHasNoPrimaryKey() {
    assertEquals("CREATE TABLE IF NOT EXISTS \"public\".\"pin\" (\"ind\" BIGINT NOT NULL, \"name\" TEXT, "
            + "\"coordinates\" DOUBLE PRECISION[], \"posts\" INTEGER NOT NULL, "
            + "\"ts\" TIMESTAMP WITH TIME ZONE, \"active\" BOOLEAN)",
        Dialect.POSTGRES.createTable("public.pin", SCHEMA, List.of()));
  }

  @Test
  public void keyColumnsAreNotNullEvenWhenTheFieldIsNullable() {
    assertEquals("CREATE TABLE IF NOT EXISTS \"pin\" (\"ind\" BIGINT NOT NULL, \"name\" TEXT NOT NULL, "
            + "\"coordinates\" DOUBLE PRECISION[], \"posts\" INTEGER NOT NULL, "
            + "\"ts\" TIMESTAMP WITH TIME ZONE, \"active\" BOOLEAN, PRIMARY KEY (\"ind\", \"name\"))",
        Dialect.POSTGRES.createTable("pin", SCHEMA, List.of("ind", "name")));
  }

  @Test
  public void redshiftCreateTableStoresStringsAndArraysAsVarchar65535() {
    assertEquals("CREATE TABLE IF NOT EXISTS \"pin\" (\"ind\" BIGINT NOT NULL, \"name\" VARCHAR(65535), "
            + "\"coordinates\" VARCHAR(65535), \"posts\" INTEGER NOT NULL, "
            + "\"ts\" TIMESTAMP WITH TIME ZONE, \"active\" BOOLEAN, PRIMARY KEY (\"ind\"))",
        Dialect.REDSHIFT.createTable("pin", SCHEMA, List.of("ind")));
    assertEquals("CREATE TABLE IF NOT EXISTS \"pin\" (\"ind\" BIGINT NOT NULL, \"name\" VARCHAR(65535), "
            + "\"coordinates\" VARCHAR(65535), \"posts\" INTEGER NOT NULL, "
            + "\"ts\" TIMESTAMP WITH TIME ZONE, \"active\" BOOLEAN)",
        Dialect.REDSHIFT.createTable("pin", SCHEMA, List.of()));
  }

  @Test
  public void calendarDatesAreDateColumnsOnBothDialects() {
    Schema schema = Schema.builder()
        .addField("month", FieldType.logicalType(SqlTypes.DATE))
        .addNullableField("released", FieldType.logicalType(SqlTypes.DATE))
        .build();
    for (Dialect dialect : Dialect.values()) {
      assertEquals("CREATE TABLE IF NOT EXISTS \"cpi\" (\"month\" DATE NOT NULL, \"released\" DATE, "
          + "PRIMARY KEY (\"month\"))", dialect.createTable("cpi", schema, List.of("month")));
    }
    Schema time = Schema.builder().addField("t", FieldType.logicalType(SqlTypes.TIME)).build();
    assertThrows(IllegalArgumentException.class, () -> Dialect.POSTGRES.createTable("t", time, List.of()));
  }

  @Test
  public void otherTypesAndColumnsQuotedAsSpelled() {
    Schema schema = Schema.builder()
        .addByteField("b")
        .addInt16Field("s")
        .addFloatField("f")
        .addDecimalField("d")
        .addIterableField("tags", FieldType.STRING)
        .addStringField("Mixed_Case")
        .build();
    assertEquals("CREATE TABLE IF NOT EXISTS \"t\" (\"b\" SMALLINT NOT NULL, \"s\" SMALLINT NOT NULL, "
            + "\"f\" REAL NOT NULL, \"d\" NUMERIC NOT NULL, \"tags\" TEXT[] NOT NULL, "
            + "\"Mixed_Case\" TEXT NOT NULL)",
        Dialect.POSTGRES.createTable("t", schema, List.of()));
    assertEquals("CREATE TABLE IF NOT EXISTS \"t\" (\"b\" SMALLINT NOT NULL, \"s\" SMALLINT NOT NULL, "
            + "\"f\" REAL NOT NULL, \"d\" NUMERIC(38, 9) NOT NULL, \"tags\" VARCHAR(65535) NOT NULL, "
            + "\"Mixed_Case\" VARCHAR(65535) NOT NULL)",
        Dialect.REDSHIFT.createTable("t", schema, List.of()));
    // A column that is no plain identifier is refused rather than escaped.
    Schema weird = Schema.builder().addStringField("we\"ird").build();
    assertThrows(IllegalArgumentException.class, () -> Dialect.POSTGRES.createTable("t", weird, List.of()));
  }

  @Test
  public void typesWithoutSqlEquivalentAreRefused() {
    Schema schema = Schema.builder().addMapField("m", FieldType.STRING, FieldType.STRING).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dialect.POSTGRES.createTable("t", schema, List.of()));
    assertThat(e.getMessage(), containsString("no SQL type for"));
  }

  @Test
  public void postgresUpsertWithMerge() {
    assertEquals("INSERT INTO \"pin\" AS cur (\"ind\", \"name\", \"coordinates\", \"posts\", \"ts\", \"active\") "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (\"ind\") DO UPDATE SET \"name\" = EXCLUDED.\"name\", "
            + "\"coordinates\" = EXCLUDED.\"coordinates\", \"posts\" = GREATEST(cur.\"posts\", EXCLUDED.\"posts\"), "
            + "\"ts\" = EXCLUDED.\"ts\", \"active\" = EXCLUDED.\"active\"",
        Dialect.POSTGRES.upsert("pin", SCHEMA, List.of("ind"), GREATEST_POSTS));
  }

  @Test
  public void postgresUpsertWithoutMergeAndWithCompositeKey() {
    Schema schema = Schema.builder().addStringField("category").addInt32Field("age").addInt64Field("n").build();
    assertEquals("INSERT INTO \"top\" AS cur (\"category\", \"age\", \"n\") VALUES (?, ?, ?) "
            + "ON CONFLICT (\"category\", \"age\") DO UPDATE SET \"n\" = EXCLUDED.\"n\"",
        Dialect.POSTGRES.upsert("top", schema, List.of("category", "age"), Map.of()));
    assertEquals("INSERT INTO \"top\" AS cur (\"category\", \"age\", \"n\") VALUES (?, ?, ?) "
            + "ON CONFLICT (\"category\", \"age\", \"n\") DO NOTHING",
        Dialect.POSTGRES.upsert("top", schema, List.of("category", "age", "n"), Map.of()));
  }

  @Test
  public void multiRowStatementsRepeatTheValuesTuple() {
    Schema schema = Schema.builder().addStringField("category").addInt64Field("n").build();
    assertEquals("INSERT INTO \"top\" AS cur (\"category\", \"n\") VALUES (?, ?), (?, ?), (?, ?) "
            + "ON CONFLICT (\"category\") DO UPDATE SET \"n\" = EXCLUDED.\"n\"",
        Dialect.POSTGRES.upsert("top", schema, List.of("category"), Map.of(), 3));
    assertEquals("INSERT INTO \"top\" (\"category\", \"n\") VALUES (?, ?), (?, ?)",
        Dialect.REDSHIFT.insert("top", schema, 2));
  }

  @Test
  public void redshiftMergeStagedUpdatesThenInsertsMissingKeys() {
    assertEquals(List.of(
            "UPDATE \"pin\" SET \"name\" = stg.\"name\", \"coordinates\" = stg.\"coordinates\", "
                + "\"posts\" = GREATEST(\"pin\".\"posts\", stg.\"posts\"), \"ts\" = stg.\"ts\", "
                + "\"active\" = stg.\"active\" FROM \"pw_stage_pin\" stg WHERE \"pin\".\"ind\" = stg.\"ind\"",
            "INSERT INTO \"pin\" (\"ind\", \"name\", \"coordinates\", \"posts\", \"ts\", \"active\") "
                + "SELECT stg.\"ind\", stg.\"name\", stg.\"coordinates\", stg.\"posts\", stg.\"ts\", stg.\"active\" "
                + "FROM \"pw_stage_pin\" stg WHERE NOT EXISTS (SELECT 1 FROM \"pin\" WHERE \"pin\".\"ind\" = stg.\"ind\")"),
        Dialect.REDSHIFT.mergeStaged("pin", "pw_stage_pin", SCHEMA, List.of("ind"), GREATEST_POSTS));
  }

  @Test
  public void mergeExpressionsCanNameAnotherColumnOfTheStoredAndIncomingRow() {
    Schema schema = Schema.builder().addStringField("id").addInt32Field("n").addStringField("source").build();
    String newer = "CASE WHEN {new:source} >= {old:source} THEN {new} ELSE {old} END";
    Map<String, String> merges = Map.of("n", newer, "source", newer);
    assertEquals("INSERT INTO \"t\" AS cur (\"id\", \"n\", \"source\") VALUES (?, ?, ?) ON CONFLICT (\"id\") DO UPDATE SET "
            + "\"n\" = CASE WHEN EXCLUDED.\"source\" >= cur.\"source\" THEN EXCLUDED.\"n\" ELSE cur.\"n\" END, "
            + "\"source\" = CASE WHEN EXCLUDED.\"source\" >= cur.\"source\" THEN EXCLUDED.\"source\" ELSE cur.\"source\" END",
        Dialect.POSTGRES.upsert("t", schema, List.of("id"), merges));
    assertEquals("UPDATE \"t\" SET \"n\" = CASE WHEN stg.\"source\" >= \"t\".\"source\" THEN stg.\"n\" ELSE \"t\".\"n\" END, "
            + "\"source\" = CASE WHEN stg.\"source\" >= \"t\".\"source\" THEN stg.\"source\" ELSE \"t\".\"source\" END "
            + "FROM \"s\" stg WHERE \"t\".\"id\" = stg.\"id\"",
        Dialect.REDSHIFT.mergeStaged("t", "s", schema, List.of("id"), merges).get(0));
  }

  @Test
  public void redshiftMergeStagedWithCompositeKeyAndKeysOnly() {
    Schema schema = Schema.builder().addStringField("category").addInt32Field("age").addInt64Field("n").build();
    assertEquals(List.of(
            "UPDATE \"top\" SET \"n\" = stg.\"n\" FROM \"s\" stg "
                + "WHERE \"top\".\"category\" = stg.\"category\" AND \"top\".\"age\" = stg.\"age\"",
            "INSERT INTO \"top\" (\"category\", \"age\", \"n\") SELECT stg.\"category\", stg.\"age\", stg.\"n\" "
                + "FROM \"s\" stg WHERE NOT EXISTS (SELECT 1 FROM \"top\" "
                + "WHERE \"top\".\"category\" = stg.\"category\" AND \"top\".\"age\" = stg.\"age\")"),
        Dialect.REDSHIFT.mergeStaged("top", "s", schema, List.of("category", "age"), Map.of()));
    // Nothing to update when every column is a key: only the insert of new keys.
    assertEquals(List.of(
            "INSERT INTO \"top\" (\"category\", \"age\", \"n\") SELECT stg.\"category\", stg.\"age\", stg.\"n\" "
                + "FROM \"s\" stg WHERE NOT EXISTS (SELECT 1 FROM \"top\" WHERE \"top\".\"category\" = stg.\"category\" "
                + "AND \"top\".\"age\" = stg.\"age\" AND \"top\".\"n\" = stg.\"n\")"),
        Dialect.REDSHIFT.mergeStaged("top", "s", schema, List.of("category", "age", "n"), Map.of()));
  }

  @Test
  public void plainInsert() {
    assertEquals("INSERT INTO \"pin\" (\"ind\", \"name\", \"coordinates\", \"posts\", \"ts\", \"active\") "
        + "VALUES (?, ?, ?, ?, ?, ?)", Dialect.REDSHIFT.insert("pin", SCHEMA));
  }

  @Test
  public void parseIgnoresCaseAndNamesTheChoicesOtherwise() {
    assertEquals(Dialect.POSTGRES, Dialect.parse("postgres"));
    assertEquals(Dialect.REDSHIFT, Dialect.parse(" RedShift "));
    assertEquals("redshift", Dialect.REDSHIFT.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dialect.parse("mysql"));
    assertEquals("unknown JDBC dialect 'mysql': use postgres or redshift", e.getMessage());
  }

  private static final Schema CPI = Schema.builder()
      .addField("month", FieldType.logicalType(SqlTypes.DATE))
      .addNullableField("value", FieldType.DECIMAL)
      .addNullableField("note", FieldType.STRING)
      .build();

  @Test
  public void postgresPublishUpdatesOnlyRowsThatDifferAndCountsInsertsAndUpdates() {
    assertEquals("WITH merged AS (INSERT INTO \"cpi\" AS cur (\"month\", \"value\", \"note\") "
            + "SELECT \"month\", \"value\", \"note\" FROM \"cpi_stage\" ON CONFLICT (\"month\") DO UPDATE SET "
            + "\"value\" = EXCLUDED.\"value\", \"note\" = EXCLUDED.\"note\" WHERE (cur.\"value\", cur.\"note\") "
            + "IS DISTINCT FROM (EXCLUDED.\"value\", EXCLUDED.\"note\") RETURNING (cur.xmax = 0) AS inserted) "
            + "SELECT COUNT(*) FILTER (WHERE inserted), COUNT(*) FILTER (WHERE NOT inserted) FROM merged",
        Dialect.POSTGRES.publish("cpi", "cpi_stage", CPI, List.of("month")));
    Schema keysOnly = Schema.builder().addInt64Field("a").addInt64Field("b").build();
    assertThat(Dialect.POSTGRES.publish("link", "link_stage", keysOnly, List.of("a", "b")),
        containsString("ON CONFLICT (\"a\", \"b\") DO NOTHING RETURNING"));
  }

  @Test
  public void redshiftPublishUpdatesOnlyRowsThatDifferWithoutIsDistinctFrom() {
    assertEquals(List.of(
            "UPDATE \"cpi\" SET \"value\" = stg.\"value\", \"note\" = stg.\"note\" FROM \"cpi_stage\" stg "
                + "WHERE \"cpi\".\"month\" = stg.\"month\" AND (\"cpi\".\"value\" <> stg.\"value\" "
                + "OR (\"cpi\".\"value\" IS NULL) <> (stg.\"value\" IS NULL) OR \"cpi\".\"note\" <> stg.\"note\" "
                + "OR (\"cpi\".\"note\" IS NULL) <> (stg.\"note\" IS NULL))",
            "INSERT INTO \"cpi\" (\"month\", \"value\", \"note\") SELECT stg.\"month\", stg.\"value\", stg.\"note\" "
                + "FROM \"cpi_stage\" stg WHERE NOT EXISTS (SELECT 1 FROM \"cpi\" WHERE \"cpi\".\"month\" = stg.\"month\")"),
        Dialect.REDSHIFT.publishStaged("cpi", "cpi_stage", CPI, List.of("month")));
    Schema keysOnly = Schema.builder().addInt64Field("a").build();
    assertEquals(1, Dialect.REDSHIFT.publishStaged("t", "s", keysOnly, List.of("a")).size());
  }

  @Test
  public void stagingTablesStayWithinTheIdentifierLimitAndDistinct() {
    assertEquals("movies_stage", JdbcStaging.stageName("movies", "_stage"));
    assertEquals("dw.movies_stage", JdbcStaging.stageName("dw.movies", "_stage"));
    String longA = "a".repeat(60) + "_x";
    String longB = "a".repeat(60) + "_y";
    String stageA = JdbcStaging.stageName(longA, "_stage");
    assertEquals(SqlIdentifiers.MAX_LENGTH, stageA.length());
    assertThat(stageA, containsString("_stage"));
    assertEquals(true, stageA.endsWith("_stage"));
    assertEquals(false, stageA.equals(JdbcStaging.stageName(longB, "_stage")));
    assertEquals(stageA, SqlIdentifiers.checkIdentifier("stage", stageA));
  }
}
