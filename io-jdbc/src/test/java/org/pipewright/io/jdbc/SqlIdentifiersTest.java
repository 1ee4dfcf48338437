package org.pipewright.io.jdbc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.junit.Test;

/** The identifier rule and its quoting; no server needed. */
public class SqlIdentifiersTest {
  private static final String HOSTILE = "x; DROP TABLE y; --";

  @Test
  public void plainIdentifiersUpTo63CharactersAreValid() {
    assertTrue(SqlIdentifiers.isValid("pin"));
    assertTrue(SqlIdentifiers.isValid("_Shop_Orders_2"));
    assertTrue(SqlIdentifiers.isValid("a".repeat(63)));
    assertFalse(SqlIdentifiers.isValid("a".repeat(64)));
    for (String bad : new String[] {"", "2pin", "pin-1", "pin.geo", "pïn", "a b", "\"pin\"", HOSTILE, null}) {
      assertFalse(bad, SqlIdentifiers.isValid(bad));
    }
  }

  @Test
  public void aHostileNameIsRefusedWithOneLineSayingTheRule() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SqlIdentifiers.checkIdentifier("--tablePrefix", HOSTILE));
    assertEquals("--tablePrefix must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), got '"
        + HOSTILE + "'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SqlIdentifiers.checkTable("public." + HOSTILE));
    assertEquals("table must be an SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), optionally "
        + "schema.table, got 'public." + HOSTILE + "'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SqlIdentifiers.checkTable("a.b.c"));
    assertThrows(IllegalArgumentException.class, () -> SqlIdentifiers.checkTable("a."));
  }

  @Test
  public void tablesAreFoldedToLowerCaseAndQuotedColumnsKeepTheirCase() {
    assertEquals("\"shop_orders\"", SqlIdentifiers.quoteTable("Shop_Orders"));
    assertEquals("\"public\".\"user\"", SqlIdentifiers.quoteTable("PUBLIC.user"));
    assertEquals("\"userName\"", SqlIdentifiers.quote("userName"));
    assertThrows(IllegalArgumentException.class, () -> SqlIdentifiers.quote("a\"b"));
  }

  @Test
  public void dialectsQuoteReservedWordsAsTableAndColumnNames() {
    Schema schema = Schema.builder().addInt64Field("order").addStringField("user").build();
    assertEquals("INSERT INTO \"user\" (\"order\", \"user\") VALUES (?, ?)", Dialect.REDSHIFT.insert("User", schema));
    assertEquals("CREATE TABLE IF NOT EXISTS \"user\" (\"order\" BIGINT NOT NULL, \"user\" TEXT NOT NULL, "
        + "PRIMARY KEY (\"order\"))", Dialect.POSTGRES.createTable("user", schema, List.of("order")));
  }

  @Test
  public void sinksRefuseHostileTablesKeysAndMergeColumnsWhenConfigured() {
    assertThrows(IllegalArgumentException.class, () -> JdbcUpsert.into(HOSTILE));
    assertThrows(IllegalArgumentException.class, () -> JdbcUpsert.into("t" + "x".repeat(63)));
    assertThrows(IllegalArgumentException.class, () -> JdbcReplace.table(HOSTILE));
    assertThrows(IllegalArgumentException.class, () -> JdbcUpsert.into("t").withKeys("id", HOSTILE));
    assertThrows(IllegalArgumentException.class, () -> JdbcReplace.table("t").withKeys(HOSTILE));
    assertThrows(IllegalArgumentException.class, () -> JdbcUpsert.into("t").withMerge(HOSTILE, "{new}"));
  }

  @Test
  public void theStagingTableNameStaysWithinTheLimit() {
    assertEquals("pw_stage_public_pin", JdbcWriter.stageName("public.pin"));
    assertEquals(63, JdbcWriter.stageName("t".repeat(63)).length());
  }
}
