package org.pipewright.transforms.movies;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanOutputs;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;

/**
 * The plumbing the movies parsers share: runs one rule per CSV row ({@code source} then string
 * columns), good rows to the output, refusals to dead letters whose payload is {@link #payload}.
 */
final class ParseCsvRows extends PTransform<PCollection<Row>, CleanResult> {
  private final String kind;
  private final String step;
  private final List<String> columns;
  private final Schema outputSchema;
  private final SerializableFunction<Row, Row> rule;

  ParseCsvRows(String kind, String step, List<String> columns, Schema outputSchema,
      SerializableFunction<Row, Row> rule) {
    this.kind = kind;
    this.step = step;
    this.columns = columns;
    this.outputSchema = outputSchema;
    this.rule = rule;
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    checkInput(step, input.getSchema(), columns);
    ParseFn fn = new ParseFn(kind, step, rule);
    return fn.outputs.apply(input, "Parse " + kind, fn, outputSchema);
  }

  /** The input must be ReadCsv's shape: a string {@code source} and every needed column as a string. */
  static void checkInput(String step, Schema schema, List<String> columns) {
    checkArgument(schema.hasField("source") && schema.getField("source").getType().getTypeName() == Schema.TypeName.STRING,
        "%s expects ReadCsv rows with a string 'source' field, got schema %s", step, schema);
    for (String column : columns) {
      checkArgument(schema.hasField(column) && schema.getField(column).getType().getTypeName() == Schema.TypeName.STRING,
          "%s needs the string column '%s', got schema %s", step, column, schema);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A refused CSV row as dead-letter payload: a JSON object of its columns in file order (without
   * {@code source}, which the dead letter has), null for empty fields. JSON rather than CSV text:
   * the columns stay named, and overviews with commas, quotes and line breaks need no re-quoting.
   */
  static String payload(Row csv) {
    ObjectNode node = JSON.createObjectNode();
    Schema schema = csv.getSchema();
    for (int i = 0; i < schema.getFieldCount(); i++) {
      String name = schema.getField(i).getName();
      if (!name.equals("source")) {
        Object value = csv.getValue(i);
        if (value == null) {
          node.putNull(name);
        } else {
          node.put(name, value.toString());
        }
      }
    }
    return node.toString();
  }

  private static final class ParseFn extends DoFn<Row, Row> {
    private final String kind;
    private final String step;
    private final SerializableFunction<Row, Row> rule;
    final CleanOutputs outputs;

    ParseFn(String kind, String step, SerializableFunction<Row, Row> rule) {
      this.kind = kind;
      this.step = step;
      this.rule = rule;
      this.outputs = CleanOutputs.of(kind);
    }

    @ProcessElement
    public void process(@Element Row csv, MultiOutputReceiver out) {
      Row parsed;
      try {
        parsed = rule.apply(csv);
      } catch (BadValueException e) {
        deadLetter(out, e.getMessage(), csv);
        return;
      } catch (RuntimeException | StackOverflowError e) {
        // A bug in a rule must not lose the record either: it becomes a dead letter like bad input.
        deadLetter(out, "unexpected error: " + e, csv);
        return;
      }
      outputs.clean(out, parsed);
    }

    private void deadLetter(MultiOutputReceiver out, String reason, Row csv) {
      outputs.deadLetter(out, DeadLetter.of(kind, step, reason, csv.getString("source"), payload(csv)));
    }
  }
}
