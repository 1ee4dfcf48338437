package org.pipewright.transforms.core;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pipewright.transforms.internal.Checks;

/**
 * Routes {@link TaggedRecord}s to one collection of {@link RawRecord}s per known kind. A record of
 * a kind that was not asked for (a new topic matching a pattern, a partition key nobody expected)
 * becomes a dead letter of kind {@code unknown}, so it is kept and counted, never dropped.
 *
 * <pre>{@code
 * SplitByKind.Result byKind = tagged.apply("Split", SplitByKind.of(List.of("pin", "geo", "user")));
 * byKind.get("pin");         // RawRecord rows of pins
 * byKind.deadLetters();      // records of unknown kinds
 * }</pre>
 */
public final class SplitByKind extends PTransform<PCollection<Row>, SplitByKind.Result> {
  public static final String UNKNOWN = "unknown";

  private final List<String> kinds;

  private SplitByKind(List<String> kinds) {
    this.kinds = kinds;
  }

  public static SplitByKind of(List<String> kinds) {
    checkArgument(kinds != null && !kinds.isEmpty(), "at least one kind is needed");
    return new SplitByKind(List.copyOf(kinds));
  }

  /** One collection per kind, and the dead letters. */
  public static final class Result extends TupleOutput {
    private final Map<String, PCollection<Row>> byKind;
    private final PCollection<Row> deadLetters;

    Result(PCollectionTuple tuple, Map<String, PCollection<Row>> byKind, PCollection<Row> deadLetters) {
      super(tuple);
      this.byKind = byKind;
      this.deadLetters = deadLetters;
    }

    public PCollection<Row> get(String kind) {
      PCollection<Row> records = byKind.get(kind);
      checkArgument(records != null, "kind '%s' was not split out; known: %s", kind, byKind.keySet());
      return records;
    }

    public PCollection<Row> deadLetters() {
      return deadLetters;
    }
  }

  @Override
  public Result expand(PCollection<Row> input) {
    checkArgument(input.getSchema().equals(TaggedRecord.SCHEMA),
        "SplitByKind expects TaggedRecord rows, got %s", input.getSchema());
    Map<String, TupleTag<Row>> tags = new LinkedHashMap<>();
    for (String kind : kinds) {
      tags.put(kind, new TupleTag<Row>(kind) {});
    }
    TupleTag<Row> dead = new TupleTag<Row>(UNKNOWN) {};
    List<TupleTag<?>> additional = new ArrayList<>(tags.values());
    PCollectionTuple split = input.apply("Route by kind",
        ParDo.of(new RouteFn(tags, dead)).withOutputTags(dead, TupleTagList.of(additional)));
    Map<String, PCollection<Row>> byKind = new LinkedHashMap<>();
    tags.forEach((kind, tag) -> byKind.put(kind, split.get(tag).setRowSchema(RawRecord.SCHEMA)));
    return new Result(split, byKind, split.get(dead).setRowSchema(DeadLetter.SCHEMA));
  }

  private static final class RouteFn extends DoFn<Row, Row> {
    private final Map<String, TupleTag<Row>> tags;
    private final TupleTag<Row> dead;
    private final Counter unknown = Metrics.counter(CleanRecords.METRICS_NAMESPACE, UNKNOWN + ".deadLetter");

    RouteFn(Map<String, TupleTag<Row>> tags, TupleTag<Row> dead) {
      this.tags = tags;
      this.dead = dead;
    }

    @ProcessElement
    public void process(@Element Row record, MultiOutputReceiver out) {
      TupleTag<Row> tag = tags.get(TaggedRecord.kind(record));
      if (tag != null) {
        out.get(tag).output(TaggedRecord.toRaw(record));
        return;
      }
      unknown.inc();
      out.get(dead).output(DeadLetter.of(UNKNOWN, "SplitByKind",
          "unknown record kind '" + TaggedRecord.kind(record) + "' (expected one of " + tags.keySet() + ")",
          TaggedRecord.source(record), TaggedRecord.payload(record)));
    }
  }
}
