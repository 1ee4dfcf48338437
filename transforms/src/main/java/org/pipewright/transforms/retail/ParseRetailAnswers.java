package org.pipewright.transforms.retail;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanOutputs;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RawJson;
import org.pipewright.transforms.core.RawRecord;
import org.pipewright.transforms.enrich.RateTable;

/**
 * Parses landed retail API answers, one {@link RawRecord} per answer file ({@code source} = the
 * file's path {@code <root>/<kind>/dt=yyyy-MM-dd/<name>.json}, {@code payload} = the body), into
 * clean rows and dead letters, by the rules of {@link RetailAnswers}. One factory per kind:
 *
 * <ul>
 *   <li>{@link #trends()}: each of an answer's {@code items} is one record, an {@link
 *       RetailAnswers#ITEM} row or a dead letter whose source is {@code <path>#items[<i>]} and
 *       whose payload is that item's JSON.
 *   <li>{@link #vod()}: the answer is one item, an {@link RetailAnswers#ITEM} row or a dead letter.
 *   <li>{@link #rates()}: the answer is one {@link RateTable#SCHEMA} row (the input of {@link
 *       RateTable#fromRows()}) or a dead letter (an API error: {@code api_error: <code> <info>}).
 * </ul>
 *
 * <p>The record's date is the {@code dt=} folder of its path. An answer that cannot be taken
 * apart at all (the reader could not read it whole, no valid {@code dt=} folder, malformed JSON,
 * a trends answer without an {@code items} array, a body over {@link #withMaxPayloadChars}) is
 * one record and one dead letter of the answer's kind, with the file as source and the body as
 * payload (oversized bodies cut to their first {@value #KEPT_PAYLOAD_CHARS} characters).
 *
 * <p>Counting: Beam counters {@code <kind>.read}, {@code <kind>.clean} and {@code
 * <kind>.deadLetter} in the {@value CleanRecords#METRICS_NAMESPACE} namespace, with {@code read =
 * clean + deadLetter} always: for trends, read counts items, plus one for each answer refused as a
 * whole (an answer with an empty {@code items} array adds nothing). The same numbers come from
 * counting {@link CleanResult#output()} and {@link CleanResult#deadLetters()}, which is exact on
 * every runner.
 *
 * <pre>{@code
 * CleanResult trends = rawTrends.apply("Parse trends", ParseRetailAnswers.trends());
 * CleanResult rates = rawRates.apply("Parse rates", ParseRetailAnswers.rates());
 * PCollectionView<RateTable> table = rates.output().apply("Rate table", RateTable.fromRows());
 * }</pre>
 */
public final class ParseRetailAnswers extends PTransform<PCollection<Row>, CleanResult> {
  public static final String TRENDS = "trends";
  public static final String VOD = "vod";
  public static final String RATES = "rates";
  /** The answer kinds, as named in the landing layout. */
  public static final List<String> KINDS = List.of(TRENDS, VOD, RATES);

  public static final int DEFAULT_MAX_PAYLOAD_CHARS = 16 << 20;
  static final int KEPT_PAYLOAD_CHARS = 4096;

  private final String kind;
  private final int maxPayloadChars;

  private ParseRetailAnswers(String kind, int maxPayloadChars) {
    this.kind = kind;
    this.maxPayloadChars = maxPayloadChars;
  }

  /** Trends answers ({@code {"time", "items": [...]}}) to one item row per trending item. */
  public static ParseRetailAnswers trends() {
    return of(TRENDS);
  }

  /** Value-of-the-day answers (one item object) to one item row each. */
  public static ParseRetailAnswers vod() {
    return of(VOD);
  }

  /** Currency rates answers to one {@link RateTable#SCHEMA} row each. */
  public static ParseRetailAnswers rates() {
    return of(RATES);
  }

  /** The parser of {@code kind}, one of {@link #KINDS}. */
  public static ParseRetailAnswers of(String kind) {
    checkArgument(KINDS.contains(kind), "unknown retail answer kind '%s'; expected one of %s", kind, KINDS);
    return new ParseRetailAnswers(kind, DEFAULT_MAX_PAYLOAD_CHARS);
  }

  /** Returns a copy that refuses answers longer than {@code maxPayloadChars} (default 16 Mi) unparsed. */
  public ParseRetailAnswers withMaxPayloadChars(int maxPayloadChars) {
    checkArgument(maxPayloadChars > 0, "maxPayloadChars must be > 0, got %s", maxPayloadChars);
    return new ParseRetailAnswers(kind, maxPayloadChars);
  }

  /** The clean schema of {@code kind}. */
  public static Schema schema(String kind) {
    checkArgument(KINDS.contains(kind), "unknown retail answer kind '%s'; expected one of %s", kind, KINDS);
    return kind.equals(RATES) ? RateTable.SCHEMA : RetailAnswers.ITEM;
  }

  /** The step name in this parser's dead letters: {@code ParseTrends}, {@code ParseVod}, {@code ParseRates}. */
  public String stepName() {
    return kind.equals(VOD) ? "ParseVod" : kind.equals(TRENDS) ? "ParseTrends" : "ParseRates";
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    checkArgument(input.getSchema().equals(RawRecord.SCHEMA),
        "%s expects RawRecord rows, got schema %s", stepName(), input.getSchema());
    ParseFn fn = new ParseFn(kind, stepName(), maxPayloadChars);
    return fn.outputs.apply(input, "Parse " + kind + " answers", fn, schema(kind));
  }

  private static final class ParseFn extends DoFn<Row, Row> {
    private final String kind;
    private final String step;
    private final int maxPayloadChars;
    final CleanOutputs outputs;

    ParseFn(String kind, String step, int maxPayloadChars) {
      this.kind = kind;
      this.step = step;
      this.maxPayloadChars = maxPayloadChars;
      this.outputs = CleanOutputs.of(kind);
    }

    @ProcessElement
    public void process(@Element Row answer, MultiOutputReceiver out) {
      String source = RawRecord.source(answer);
      String payload = RawRecord.payload(answer);
      String date;
      JsonNode body;
      try {
        if (RawRecord.error(answer) != null) {
          throw new BadValueException(RawRecord.error(answer));
        }
        if (payload.length() > maxPayloadChars) {
          deadLetter(out, "answer too large: " + payload.length() + " characters (limit "
                  + maxPayloadChars + "); payload cut to the first " + KEPT_PAYLOAD_CHARS + " characters",
              source, payload.substring(0, Math.min(KEPT_PAYLOAD_CHARS, payload.length())));
          return;
        }
        date = RetailAnswers.dateOf(source);
        body = parse(payload);
        if (kind.equals(TRENDS)) {
          JsonNode items = RetailAnswers.trendingItems(body);
          for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            try {
              outputs.clean(out, RetailAnswers.item(date, source, item));
            } catch (RuntimeException e) {
              deadLetter(out, reason(e), source + "#items[" + i + "]", item.toString());
            }
          }
          return;
        }
        outputs.clean(out, kind.equals(VOD) ? RetailAnswers.item(date, source, body) : RetailAnswers.rates(date, body));
      } catch (RuntimeException | StackOverflowError e) {
        // A bug in a rule must not lose the answer either: it becomes a dead letter like bad input.
        deadLetter(out, e instanceof Error ? "unexpected error: " + e : reason((Exception) e), source, payload);
      }
    }

    private static JsonNode parse(String payload) {
      try {
        return RawJson.parseObject(payload);
      } catch (BadValueException e) {
        throw new BadValueException("malformed_json: " + e.getMessage());
      }
    }

    private static String reason(Exception e) {
      return e instanceof BadValueException ? e.getMessage() : "unexpected error: " + e;
    }

    private void deadLetter(MultiOutputReceiver out, String reason, String source, String payload) {
      outputs.deadLetter(out, DeadLetter.of(kind, step, reason, source, payload));
    }
  }
}
