package org.pipewright.io.http;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.pipewright.transforms.core.CleanRecords;

/** The step of {@link CallJsonApi}: one {@link Caller} per instance, set up where it runs. */
final class CallFn extends DoFn<Row, Row> {
  private final Caller.Config config;
  private final TupleTag<Row> responseTag;
  private final TupleTag<Row> deadLetterTag;
  private final Counter requests;
  private final Counter responses;
  private final Counter deadLetters;
  private final Counter retries;
  private transient Caller caller;

  CallFn(Caller.Config config, TupleTag<Row> responseTag, TupleTag<Row> deadLetterTag) {
    this.config = config;
    this.responseTag = responseTag;
    this.deadLetterTag = deadLetterTag;
    String ns = CleanRecords.METRICS_NAMESPACE;
    this.requests = Metrics.counter(ns, config.apiName + ".requests");
    this.responses = Metrics.counter(ns, config.apiName + ".responses");
    this.deadLetters = Metrics.counter(ns, config.apiName + ".deadLetter");
    this.retries = Metrics.counter(ns, config.apiName + ".retries");
  }

  @Setup
  public void setup() {
    // Reads an env or file key here, on the worker
    caller = new Caller(config, System.getenv(), Thread::sleep);
  }

  @ProcessElement
  public void process(@Element Row request, MultiOutputReceiver out) throws InterruptedException {
    requests.inc();
    Caller.Result result = caller.call(request);
    retries.inc(result.retries);
    if (result.deadLetter) {
      deadLetters.inc();
      out.get(deadLetterTag).output(result.row);
    } else {
      responses.inc();
      out.get(responseTag).output(result.row);
    }
  }
}
