package org.pipewright.transforms.pinterest;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.Deduplicate;
import org.pipewright.transforms.core.RecordCleaner;

/**
 * Cleans the three Pinterest record kinds ({@value #PIN_KIND}, {@value #GEO_KIND}, {@value
 * #USER_KIND}) in one step, the same way in the batch, streaming and analytics jobs.
 *
 * <p>Input: a tuple of {@code RawRecord} rows tagged by kind name ({@link #tag(String)}); kinds
 * missing from the tuple are skipped. Output: per kind the clean rows (de-duplicated when {@link
 * #withDedupe} is on: exact re-sends of a record are kept once), the rows before de-duplication
 * (for counting), and the dead letters; {@link Result#tables()} is the tuple that {@link
 * PinterestQueries#all()} takes.
 *
 * <pre>{@code
 * PCollectionTuple raw = PCollectionTuple.of(CleanPinterest.tag("pin"), rawPins)
 *     .and(CleanPinterest.tag("geo"), rawGeo).and(CleanPinterest.tag("user"), rawUsers);
 * CleanPinterest.Result clean = raw.apply("Clean", CleanPinterest.all().withDedupe(true));
 * PCollectionTuple results = clean.tables().apply("Analytics", PinterestQueries.all());
 * clean.deadLetters();   // every refused record of every kind
 * }</pre>
 */
public final class CleanPinterest extends PTransform<PCollectionTuple, CleanPinterest.Result> {
  public static final String PIN_KIND = "pin";
  public static final String GEO_KIND = "geo";
  public static final String USER_KIND = "user";
  /** The record kinds, in the order every job handles them. */
  public static final List<String> KINDS = List.of(PIN_KIND, GEO_KIND, USER_KIND);
  /** The field that identifies a post in all three kinds. */
  public static final String ID_FIELD = "ind";

  private final int maxPayloadChars;
  private final boolean dedupe;

  private CleanPinterest(int maxPayloadChars, boolean dedupe) {
    this.maxPayloadChars = maxPayloadChars;
    this.dedupe = dedupe;
  }

  /** All three kinds, without de-duplication, with {@link CleanRecords}' default payload limit. */
  public static CleanPinterest all() {
    return new CleanPinterest(CleanRecords.DEFAULT_MAX_PAYLOAD_CHARS, false);
  }

  /** Returns a copy that refuses payloads longer than {@code maxPayloadChars} characters. */
  public CleanPinterest withMaxPayloadChars(int maxPayloadChars) {
    checkArgument(maxPayloadChars > 0, "maxPayloadChars must be > 0, got %s", maxPayloadChars);
    return new CleanPinterest(maxPayloadChars, dedupe);
  }

  /**
   * Returns a copy that keeps exact re-sends of a record once (by {@value #ID_FIELD}); a streaming
   * job leaves this off, as its upserts by {@value #ID_FIELD} already store a re-send once.
   */
  public CleanPinterest withDedupe(boolean dedupe) {
    return new CleanPinterest(maxPayloadChars, dedupe);
  }

  /** The tag of one kind's table, in the input (raw records) and in {@link Result#tables()}. */
  public static TupleTag<Row> tag(String kind) {
    checkKind(kind);
    return new TupleTag<>(kind);
  }

  /** The clean schema of {@code kind}. */
  public static Schema schema(String kind) {
    switch (checkKind(kind)) {
      case PIN_KIND:
        return PinterestSchemas.PIN;
      case GEO_KIND:
        return PinterestSchemas.GEO;
      default:
        return PinterestSchemas.USER;
    }
  }

  /** The pure cleaning rules of one kind, for use outside a pipeline. */
  public static RecordCleaner recordCleaner(String kind) {
    switch (checkKind(kind)) {
      case PIN_KIND:
        return new PinCleaner();
      case GEO_KIND:
        return new GeoCleaner();
      default:
        return new UserCleaner();
    }
  }

  /** The cleaning step of one kind alone. */
  public static CleanRecords cleaner(String kind) {
    switch (checkKind(kind)) {
      case PIN_KIND:
        return CleanRecords.with(recordCleaner(kind)).withStepName("CleanPins");
      case GEO_KIND:
        return CleanRecords.with(recordCleaner(kind)).withStepName("CleanGeo");
      default:
        return CleanRecords.with(recordCleaner(kind)).withStepName("CleanUsers");
    }
  }

  /** Pin records to {@link PinterestSchemas#PIN}. */
  public static CleanRecords pins() {
    return cleaner(PIN_KIND);
  }

  /** Geo records to {@link PinterestSchemas#GEO}. */
  public static CleanRecords geo() {
    return cleaner(GEO_KIND);
  }

  /** User records to {@link PinterestSchemas#USER}. */
  public static CleanRecords users() {
    return cleaner(USER_KIND);
  }

  private static String checkKind(String kind) {
    checkArgument(KINDS.contains(kind), "unknown Pinterest kind '%s'; expected one of %s", kind, KINDS);
    return kind;
  }

  @Override
  public Result expand(PCollectionTuple raw) {
    Map<String, PCollection<Row>> cleaned = new LinkedHashMap<>();
    Map<String, PCollection<Row>> clean = new LinkedHashMap<>();
    Map<String, PCollection<Row>> dead = new LinkedHashMap<>();
    for (String kind : KINDS) {
      if (!raw.has(kind)) {
        continue;
      }
      CleanResult result = raw.<Row>get(kind)
          .apply("Clean " + kind, cleaner(kind).withMaxPayloadChars(maxPayloadChars));
      cleaned.put(kind, result.output());
      clean.put(kind, dedupe
          ? result.output().apply("Dedupe " + kind, Deduplicate.rows().withKeyField(ID_FIELD))
          : result.output());
      dead.put(kind, result.deadLetters());
    }
    PCollection<Row> allDead = PCollectionList.of(new ArrayList<>(dead.values()))
        .apply("Gather dead letters", Flatten.pCollections());
    return new Result(raw.getPipeline(), cleaned, clean, dead, allDead);
  }

  /** What {@link CleanPinterest} produces, per kind. */
  public static final class Result implements POutput {
    private final Pipeline pipeline;
    private final Map<String, PCollection<Row>> cleaned;
    private final Map<String, PCollection<Row>> clean;
    private final Map<String, PCollection<Row>> deadLetters;
    private final PCollection<Row> allDeadLetters;

    private Result(Pipeline pipeline, Map<String, PCollection<Row>> cleaned,
        Map<String, PCollection<Row>> clean, Map<String, PCollection<Row>> deadLetters,
        PCollection<Row> allDeadLetters) {
      this.pipeline = pipeline;
      this.cleaned = cleaned;
      this.clean = clean;
      this.deadLetters = deadLetters;
      this.allDeadLetters = allDeadLetters;
    }

    /** The kinds that were in the input. */
    public List<String> kinds() {
      return new ArrayList<>(clean.keySet());
    }

    /** Clean rows of {@code kind} (de-duplicated when that is on). */
    public PCollection<Row> clean(String kind) {
      return get(clean, kind);
    }

    /** Clean rows of {@code kind} before de-duplication: minus {@link #clean} gives the duplicates. */
    public PCollection<Row> beforeDedupe(String kind) {
      return get(cleaned, kind);
    }

    /** Refused records of {@code kind}. */
    public PCollection<Row> deadLetters(String kind) {
      return get(deadLetters, kind);
    }

    /** Refused records of every kind, in one collection. */
    public PCollection<Row> deadLetters() {
      return allDeadLetters;
    }

    /** The clean tables tagged by {@link #tag(String)}: the input of {@link PinterestQueries#all()}. */
    public PCollectionTuple tables() {
      PCollectionTuple tables = PCollectionTuple.empty(pipeline);
      for (Map.Entry<String, PCollection<Row>> e : clean.entrySet()) {
        tables = tables.and(tag(e.getKey()), e.getValue());
      }
      return tables;
    }

    private static PCollection<Row> get(Map<String, PCollection<Row>> map, String kind) {
      PCollection<Row> rows = map.get(kind);
      checkArgument(rows != null, "kind '%s' was not in the input; it had %s", kind, map.keySet());
      return rows;
    }

    @Override
    public Pipeline getPipeline() {
      return pipeline;
    }

    // Fresh tags: the Spark runner tells outputs apart by tag id (see CleanResult)
    @Override
    public Map<TupleTag<?>, PValue> expand() {
      Map<TupleTag<?>, PValue> all = new LinkedHashMap<>();
      for (String kind : clean.keySet()) {
        all.put(new TupleTag<Row>(), clean.get(kind));
        if (cleaned.get(kind) != clean.get(kind)) {
          all.put(new TupleTag<Row>(), cleaned.get(kind));
        }
        all.put(new TupleTag<Row>(), deadLetters.get(kind));
      }
      all.put(new TupleTag<Row>(), allDeadLetters);
      return all;
    }

    @Override
    public void finishSpecifyingOutput(String transformName, PInput input, PTransform<?, ?> transform) {}
  }
}
