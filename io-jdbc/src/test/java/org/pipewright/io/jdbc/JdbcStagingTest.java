package org.pipewright.io.jdbc;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.logicaltypes.SqlTypes;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.junit.Rule;
import org.junit.Test;

/** The parts of {@link JdbcStaging} and {@link JdbcPublish} that need no server. */
public class JdbcStagingTest {
  @Rule public final transient TestPipeline p = TestPipeline.create();

  private static final Schema CPI = Schema.builder()
      .addField("month", FieldType.logicalType(SqlTypes.DATE))
      .addStringField("series")
      .addNullableField("value", FieldType.DOUBLE)
      .build();

  private static final JdbcConnection NOWHERE = JdbcConnection.to("jdbc:postgresql://127.0.0.1:1/none");

  private static Row cpi(LocalDate month, String series, Double value) {
    return Row.withSchema(CPI).addValues(month, series, value).build();
  }

  @Test
  public void countsDistinctDateAndCompositeKeys() {
    List<Row> rows = List.of(
        cpi(LocalDate.of(2017, 1, 1), "a", 1.0),
        cpi(LocalDate.of(2017, 1, 1), "a", 2.0), // same key, other value: one row once staged
        cpi(LocalDate.of(2017, 1, 1), "b", null),
        cpi(LocalDate.of(2017, 2, 1), "a", null));
    PAssert.thatSingleton(p.apply("Rows", Create.of(rows).withRowSchema(CPI))
            .apply("By month and series", new JdbcStaging.CountKeys(List.of("month", "series"))))
        .isEqualTo(3L);
    PAssert.thatSingleton(p.apply("Same rows", Create.of(rows).withRowSchema(CPI))
            .apply("By month", new JdbcStaging.CountKeys(List.of("month"))))
        .isEqualTo(2L);
    PAssert.thatSingleton(p.apply("None", Create.empty(CPI))
            .apply("Of nothing", new JdbcStaging.CountKeys(List.of("month"))))
        .isEqualTo(0L);
    p.run().waitUntilFinish();
  }

  @Test
  public void configurationIsCheckedWhereItIsGiven() {
    JdbcStaging staging = JdbcStaging.of(NOWHERE, Dialect.POSTGRES).withTable("dw.cpi", CPI, "month");
    assertEquals(List.of("dw.cpi"), staging.tables());
    assertEquals("dw.cpi_stage", staging.stageTable("dw.cpi"));
    assertEquals("dw.cpi_load", staging.withStageSuffix("_load").stageTable("dw.cpi"));
    assertThrows(IllegalArgumentException.class, () -> staging.withTable("dw.cpi", CPI, "month"));
    assertThrows(IllegalArgumentException.class, () -> staging.withTable("other", CPI, "missing"));
    assertThrows(IllegalArgumentException.class, () -> staging.withTable("other", CPI));
    assertThrows(IllegalArgumentException.class, () -> staging.withTable("x; DROP TABLE y", CPI, "month"));
    assertThrows(IllegalArgumentException.class, () -> staging.withStageSuffix("-stage"));
    assertThrows(IllegalArgumentException.class, () -> staging.stage("unknown"));
    // A child table needs its parent in the load first, with one key, and the column pointing at it.
    assertThrows(IllegalArgumentException.class, () -> staging.withChildTable("x", CPI, "dw.other", "month", "month"));
    assertThrows(IllegalArgumentException.class, () -> staging.withChildTable("x", CPI, "dw.cpi", "missing", "month"));
    JdbcStaging twoKeys = JdbcStaging.of(NOWHERE, Dialect.POSTGRES).withTable("dw.cpi", CPI, "month", "series");
    assertThrows(IllegalArgumentException.class, () -> twoKeys.withChildTable("x", CPI, "dw.cpi", "month", "month"));
    assertEquals(List.of("dw.cpi", "dw.cpi_note"),
        staging.withChildTable("dw.cpi_note", CPI, "dw.cpi", "month", "month", "series").tables());
  }

  @Test
  public void byDefaultOnlyAFailedErrorCheckBlocks() {
    Schema check = Schema.builder().addStringField("severity").addStringField("status").build();
    assertEquals(true, JdbcPublish.isErrorFailure(Row.withSchema(check).addValues("error", "fail").build()));
    assertEquals(false, JdbcPublish.isErrorFailure(Row.withSchema(check).addValues("warn", "fail").build()));
    assertEquals(false, JdbcPublish.isErrorFailure(Row.withSchema(check).addValues("error", "pass").build()));
  }
}
