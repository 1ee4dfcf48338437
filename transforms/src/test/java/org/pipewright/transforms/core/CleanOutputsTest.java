package org.pipewright.transforms.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

public class CleanOutputsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static final Schema NUMBER = Schema.builder().addInt64Field("n").build();

  /** Parses "source|text" strings; a text that is no number is a dead letter. */
  static final class ParseFn extends DoFn<String, Row> {
    final CleanOutputs outputs = CleanOutputs.of("numbers");

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) {
      String[] parts = line.split("\\|", 2);
      try {
        outputs.clean(out, Row.withSchema(NUMBER).attachValues(Long.parseLong(parts[1])));
      } catch (NumberFormatException e) {
        outputs.deadLetter(out, DeadLetter.of("numbers", "parse-numbers", "not_a_number", parts[0], parts[1]));
      }
    }
  }

  @Test
  public void eachRecordGoesToOneOutputWithItsSchemaAndIsCounted() {
    ParseFn fn = new ParseFn();
    CleanResult result = fn.outputs.apply(
        pipeline.apply(Create.of("a:1|7", "a:2|x", "a:3|-2", "a:4|")), "Parse", fn, NUMBER);

    assertEquals(NUMBER, result.output().getSchema());
    assertEquals(DeadLetter.SCHEMA, result.deadLetters().getSchema());
    PAssert.that(result.output()).containsInAnyOrder(
        Row.withSchema(NUMBER).attachValues(7L), Row.withSchema(NUMBER).attachValues(-2L));
    PCollection<String> dead = result.deadLetters().apply(MapElements.into(TypeDescriptors.strings())
        .via(d -> d.getString("source") + " " + d.getString("step") + " " + d.getString("reason") + " "
            + d.getString("payload")));
    PAssert.that(dead).containsInAnyOrder("a:2 parse-numbers not_a_number x", "a:4 parse-numbers not_a_number ");
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    assertEquals(4, counter(run, "numbers.read"));
    assertEquals(2, counter(run, "numbers.clean"));
    assertEquals(2, counter(run, "numbers.deadLetter"));
  }

  @Test
  public void aKindIsRequired() {
    assertThrows(IllegalArgumentException.class, () -> CleanOutputs.of(""));
    assertThrows(IllegalArgumentException.class, () -> CleanOutputs.of(null));
  }

  private static long counter(PipelineResult run, String name) {
    return Counters.total(run, name);
  }
}
