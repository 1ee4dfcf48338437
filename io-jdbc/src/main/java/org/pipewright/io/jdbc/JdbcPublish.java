package org.pipewright.io.jdbc;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.CleanRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit-and-publish step of a write-audit-publish load ({@link JdbcStaging}). Its input is the
 * quality check results computed on the staged data (one row per check: pipeline, table_name,
 * check_name, severity, status, observed, expected); it waits until every table named by {@link
 * #withStaged} is staged, gathers the checks, and then:
 *
 * <ul>
 *   <li>if a check blocks (by default: severity {@code error} and status {@code fail}, see {@link
 *       #withBlockingRule}), changes nothing: the final tables stay exactly as they were, the
 *       staging tables keep the staged rows for inspection, and every output row says which checks
 *       blocked;
 *   <li>if a staging table does not hold exactly the distinct keys the pipeline sent, refuses the
 *       same way;
 *   <li>otherwise merges ALL staging tables into their final tables in ONE transaction (new keys
 *       inserted, changed rows updated, equal rows not touched), retried whole on transient errors
 *       (a lost connection rolls the transaction back, so a table is never half-published), then
 *       empties the staging tables.
 * </ul>
 *
 * <p>The output is one {@link #RESULT} row per final table: table_name, staged, inserted, updated,
 * unchanged, deleted (the rows a replaced or child table lost, null for a merged one), published, reason
 * (null when published). Re-running the same input publishes every
 * row as unchanged. Batch (global window) only.
 *
 * <pre>{@code
 * PCollection<Row> published = checks.apply("Publish",
 *     JdbcPublish.to(staging).withStaged(moviesStaged, ratingsStaged));
 * }</pre>
 */
public final class JdbcPublish extends PTransform<PCollection<Row>, PCollection<Row>> {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcPublish.class);

  /** One row per final table: what publishing did, or why it did not. */
  public static final Schema RESULT = Schema.builder()
      .addStringField("table_name")
      .addNullableField("staged", FieldType.INT64)
      .addNullableField("inserted", FieldType.INT64)
      .addNullableField("updated", FieldType.INT64)
      .addNullableField("unchanged", FieldType.INT64)
      .addNullableField("deleted", FieldType.INT64)
      .addBooleanField("published")
      .addNullableField("reason", FieldType.STRING)
      .build();

  private final JdbcStaging staging;
  private final List<PCollection<Row>> staged;
  private final SerializableFunction<Row, Boolean> blocking;

  private JdbcPublish(JdbcStaging staging, List<PCollection<Row>> staged, SerializableFunction<Row, Boolean> blocking) {
    this.staging = staging;
    this.staged = staged;
    this.blocking = blocking;
  }

  /** Publishes the tables of {@code staging}. */
  public static JdbcPublish to(JdbcStaging staging) {
    return new JdbcPublish(checkNotNull(staging, "staging"), List.of(), new ErrorFailures());
  }

  /** Waits for these outputs of {@link JdbcStaging#stage}, one per table of the load. */
  @SafeVarargs
  public final JdbcPublish withStaged(PCollection<Row>... staged) {
    return withStaged(List.of(staged));
  }

  /** Waits for these outputs of {@link JdbcStaging#stage}, one per table of the load. */
  public JdbcPublish withStaged(List<PCollection<Row>> staged) {
    checkArgument(staged != null && !staged.isEmpty(), "at least one staged table is needed");
    return new JdbcPublish(this.staging, List.copyOf(staged), blocking);
  }

  /**
   * Returns a copy where a check result blocks the publish when {@code rule} says true; the default
   * blocks on severity {@code error} with status {@code fail}.
   */
  public JdbcPublish withBlockingRule(SerializableFunction<Row, Boolean> rule) {
    return new JdbcPublish(staging, staged, checkNotNull(rule, "rule"));
  }

  /** The default rule: an error-level check that failed. */
  public static boolean isErrorFailure(Row check) {
    return "error".equals(check.getString("severity")) && "fail".equals(check.getString("status"));
  }

  private static final class ErrorFailures implements SerializableFunction<Row, Boolean> {
    @Override
    public Boolean apply(Row check) {
      return isErrorFailure(check);
    }
  }

  static Row result(String table, @Nullable Long staged, @Nullable Long inserted, @Nullable Long updated,
      @Nullable Long unchanged, @Nullable Long deleted, boolean published, @Nullable String reason) {
    return Row.withSchema(RESULT).addValues(table, staged, inserted, updated, unchanged, deleted, published, reason)
        .build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> checks) {
    checkArgument(!staged.isEmpty(), "JdbcPublish needs withStaged(...): the outputs of JdbcStaging.stage");
    checkArgument(checks.getWindowingStrategy().getWindowFn() instanceof GlobalWindows,
        "JdbcPublish publishes a whole batch: its input must be in the global window");
    PCollection<Row> tables = PCollectionList.of(staged).apply("Staged tables", Flatten.pCollections());
    PCollectionView<List<Row>> sent = tables.apply("Staged view", View.asList());
    // In the global window an empty input still yields one (empty) list: no checks, nothing blocks.
    return checks
        .apply("After staging", Wait.on(tables))
        .setRowSchema(checks.getSchema())
        .apply("Gather checks", Combine.globally(new JdbcReplace.ToListFn()))
        .apply("Publish", ParDo.of(new PublishFn(staging, blocking, sent)).withSideInputs(sent))
        .setRowSchema(RESULT);
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.add(DisplayData.item("tables", String.join(",", staging.tables())))
        .add(DisplayData.item("connection", staging.connection().describe()))
        .add(DisplayData.item("dialect", staging.dialect().toString()));
  }

  private static final class PublishFn extends DoFn<List<Row>, Row> {
    private final JdbcStaging staging;
    private final SerializableFunction<Row, Boolean> blocking;
    private final PCollectionView<List<Row>> sent;
    private final Counter retried = Metrics.counter(CleanRecords.METRICS_NAMESPACE, "publish.retried");

    PublishFn(JdbcStaging staging, SerializableFunction<Row, Boolean> blocking, PCollectionView<List<Row>> sent) {
      this.staging = staging;
      this.blocking = blocking;
      this.sent = sent;
    }

    @ProcessElement
    public void process(@Element List<Row> checks, ProcessContext context, OutputReceiver<Row> out)
        throws Exception {
      Map<String, Long> keys = new LinkedHashMap<>();
      for (Row table : context.sideInput(sent)) {
        keys.put(table.getString("table_name"), table.getInt64("rows"));
      }
      TreeSet<String> blockers = new TreeSet<>();
      for (Row check : checks) {
        if (Boolean.TRUE.equals(blocking.apply(check))) {
          blockers.add(check.getString("table_name") + "." + check.getString("check_name"));
        }
      }
      if (!blockers.isEmpty()) {
        String reason = "blocked by checks: " + String.join(", ", blockers);
        for (String table : staging.tables()) {
          LOG.warn("Not published {}: {}", table, reason);
          out.output(result(table, keys.get(table), null, null, null, null, false, reason));
        }
        return;
      }
      List<Row> results = new ArrayList<>(staging.publish(keys, retried::inc));
      results.forEach(out::output);
    }
  }
}
