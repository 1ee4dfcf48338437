package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;
import static org.pipewright.transforms.internal.Checks.checkNotNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * Adds the value of an amount in other currencies: {@code rate_date} (the day whose rates were
 * used) and one {@code value_<CCY>} {@code DECIMAL} field per currency, after the input's fields.
 *
 * <p>Rates come from a {@link RateTable} side input ({@link RateTable#fromRows()} in batch, {@link
 * RateTable#refreshing} in streaming); the rules (fallback to at most {@value
 * #DEFAULT_MAX_RATE_AGE_DAYS} days earlier by default, half-up rounding to six decimals, one date
 * per record) are {@link CurrencyConverter}'s. A record that cannot be converted (no amount, no
 * usable date, {@code missing_rates}) becomes a dead letter of {@link #withKind kind} with step
 * {@value #STEP}, the reason, the record as JSON and its {@code source} field if it has one (see {@link
 * DeadLetter#sourceField}): every input row is in exactly one output.
 *
 * <p>With a {@link RateTable#refreshing refreshing} table, records in the global window (a
 * streaming source's) are looked up in the table of their timestamp's refresh window and come out
 * in the global window again; records in other windows must use the table's windows already.
 *
 * <p>Defaults: amount field {@value #DEFAULT_AMOUNT_FIELD} ({@code DECIMAL}, in USD), date field
 * {@value #DEFAULT_DATE_FIELD} ({@code STRING}, {@code yyyy-MM-dd}), currencies {@code
 * USD,EUR,GBP,INR,JPY}.
 *
 * <pre>{@code
 * PCollectionView<RateTable> rates = rateRows.apply("Rate table", RateTable.fromRows());
 * CleanResult valued = vodItems.apply("Value in currencies",
 *     ConvertCurrency.using(rates).withCurrencies(List.of("EUR", "GBP")).withKind("vod"));
 * valued.output();       // ..., rate_date, value_EUR, value_GBP
 * valued.deadLetters();  // e.g. reason "missing_rates: no USD rates on 2017-03-10 or up to 3 days before"
 * }</pre>
 */
public final class ConvertCurrency extends PTransform<PCollection<Row>, CleanResult> {
  public static final String STEP = "ConvertCurrency";
  public static final List<String> DEFAULT_CURRENCIES = List.of("USD", "EUR", "GBP", "INR", "JPY");
  public static final int DEFAULT_MAX_RATE_AGE_DAYS = 3;
  public static final String DEFAULT_AMOUNT_FIELD = "sale_price";
  public static final String DEFAULT_DATE_FIELD = "date";
  public static final String DEFAULT_SOURCE_CURRENCY = "USD";
  public static final String DEFAULT_KIND = "record";
  public static final String RATE_DATE_FIELD = "rate_date";
  public static final String VALUE_PREFIX = "value_";

  private final PCollectionView<RateTable> rates;
  private final List<String> currencies;
  private final String sourceCurrency;
  private final int maxRateAgeDays;
  private final String amountField;
  private final String dateField;
  private final String kind;

  private ConvertCurrency(PCollectionView<RateTable> rates, List<String> currencies, String sourceCurrency,
      int maxRateAgeDays, String amountField, String dateField, String kind) {
    this.rates = rates;
    this.currencies = currencies;
    this.sourceCurrency = sourceCurrency;
    this.maxRateAgeDays = maxRateAgeDays;
    this.amountField = amountField;
    this.dateField = dateField;
    this.kind = kind;
  }

  /** Converts with the rates of {@code rates}, with the defaults above. */
  public static ConvertCurrency using(PCollectionView<RateTable> rates) {
    checkNotNull(rates, "rates");
    return new ConvertCurrency(rates, DEFAULT_CURRENCIES, DEFAULT_SOURCE_CURRENCY,
        DEFAULT_MAX_RATE_AGE_DAYS, DEFAULT_AMOUNT_FIELD, DEFAULT_DATE_FIELD, DEFAULT_KIND);
  }

  /** Returns a copy that adds {@code value_<CCY>} for each of {@code currencies}, in this order. */
  public ConvertCurrency withCurrencies(List<String> currencies) {
    CurrencyConverter.of(sourceCurrency, currencies, maxRateAgeDays);
    return new ConvertCurrency(rates, List.copyOf(currencies), sourceCurrency, maxRateAgeDays,
        amountField, dateField, kind);
  }

  /** Returns a copy for amounts in {@code sourceCurrency} (the rates' source; default USD). */
  public ConvertCurrency withSourceCurrency(String sourceCurrency) {
    CurrencyConverter.checkCurrency(sourceCurrency);
    return new ConvertCurrency(rates, currencies, sourceCurrency, maxRateAgeDays, amountField,
        dateField, kind);
  }

  /** Returns a copy that uses rates at most {@code maxRateAgeDays} days older than the record (0: same day only). */
  public ConvertCurrency withMaxRateAgeDays(int maxRateAgeDays) {
    checkArgument(maxRateAgeDays >= 0, "maxRateAgeDays must be >= 0, got %s", maxRateAgeDays);
    return new ConvertCurrency(rates, currencies, sourceCurrency, maxRateAgeDays, amountField,
        dateField, kind);
  }

  /** Returns a copy that converts the {@code DECIMAL} field {@code amountField}. */
  public ConvertCurrency withAmountField(String amountField) {
    checkArgument(amountField != null && !amountField.isEmpty(), "amountField must not be empty");
    return new ConvertCurrency(rates, currencies, sourceCurrency, maxRateAgeDays, amountField,
        dateField, kind);
  }

  /** Returns a copy that takes the record's day from the {@code STRING} field {@code dateField}. */
  public ConvertCurrency withDateField(String dateField) {
    checkArgument(dateField != null && !dateField.isEmpty(), "dateField must not be empty");
    return new ConvertCurrency(rates, currencies, sourceCurrency, maxRateAgeDays, amountField,
        dateField, kind);
  }

  /** Returns a copy whose dead letters and counters name the record kind {@code kind}. */
  public ConvertCurrency withKind(String kind) {
    checkArgument(kind != null && !kind.isEmpty(), "kind must not be empty");
    return new ConvertCurrency(rates, currencies, sourceCurrency, maxRateAgeDays, amountField,
        dateField, kind);
  }

  /** The output schema for {@code input}: its fields, {@code rate_date}, then the value fields. */
  public static Schema outputSchema(Schema input, List<String> currencies) {
    Schema.Builder out = Schema.builder().addFields(input.getFields());
    checkArgument(!input.hasField(RATE_DATE_FIELD), "input already has a field %s", RATE_DATE_FIELD);
    out.addStringField(RATE_DATE_FIELD);
    for (String currency : currencies) {
      String name = VALUE_PREFIX + currency;
      checkArgument(!input.hasField(name), "input already has a field %s", name);
      out.addField(name, FieldType.DECIMAL);
    }
    return out.build();
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    checkArgument(schema.hasField(amountField) && schema.getField(amountField).getType().getTypeName()
            == Schema.TypeName.DECIMAL, "%s needs a DECIMAL field '%s', schema is %s", STEP, amountField, schema);
    checkArgument(schema.hasField(dateField) && schema.getField(dateField).getType().getTypeName()
            == Schema.TypeName.STRING, "%s needs a STRING field '%s', schema is %s", STEP, dateField, schema);
    Schema out = outputSchema(schema, currencies);
    TupleTag<Row> outputTag = new TupleTag<Row>() {};
    TupleTag<Row> deadLetterTag = new TupleTag<Row>() {};
    // A refreshing table is one per time window: records in the global window are looked up in the
    // window of their timestamp, and put back afterwards, so callers need not know.
    WindowFn<?, ?> rateWindows = rates.getWindowingStrategyInternal().getWindowFn();
    boolean rewindow = !(rateWindows instanceof GlobalWindows)
        && input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows;
    PCollection<Row> records = input;
    if (rewindow) {
      @SuppressWarnings("unchecked")
      WindowFn<? super Row, ?> windows = (WindowFn<? super Row, ?>) rateWindows;
      records = input.apply("Into the rates' windows", Window.<Row>into(windows));
    }
    PCollectionTuple tuple = records.apply("Convert " + amountField,
        ParDo.of(new ConvertFn(rates, CurrencyConverter.of(sourceCurrency, currencies, maxRateAgeDays),
                schema.indexOf(amountField), schema.indexOf(dateField), out, kind, deadLetterTag))
            .withSideInputs(rates)
            .withOutputTags(outputTag, TupleTagList.of(deadLetterTag)));
    PCollection<Row> output = tuple.get(outputTag).setRowSchema(out);
    PCollection<Row> deadLetters = tuple.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA);
    if (rewindow) {
      output = output.apply("Output into the global window", Window.into(new GlobalWindows()));
      deadLetters = deadLetters.apply("Dead letters into the global window", Window.into(new GlobalWindows()));
    }
    return CleanResult.of(output, deadLetters);
  }

  private static final class ConvertFn extends DoFn<Row, Row> {
    private final PCollectionView<RateTable> rates;
    private final CurrencyConverter converter;
    private final int amountIndex;
    private final int dateIndex;
    private final Schema out;
    private final String kind;
    private final TupleTag<Row> deadLetterTag;
    private final Counter dead;

    ConvertFn(PCollectionView<RateTable> rates, CurrencyConverter converter, int amountIndex,
        int dateIndex, Schema out, String kind, TupleTag<Row> deadLetterTag) {
      this.rates = rates;
      this.converter = converter;
      this.amountIndex = amountIndex;
      this.dateIndex = dateIndex;
      this.out = out;
      this.kind = kind;
      this.deadLetterTag = deadLetterTag;
      this.dead = Metrics.counter(CleanRecords.METRICS_NAMESPACE, kind + "." + STEP + ".deadLetter");
    }

    @ProcessElement
    public void process(@Element Row row, ProcessContext c) {
      CurrencyConverter.Conversion conversion;
      try {
        conversion = converter.convert(c.sideInput(rates),
            (BigDecimal) row.getValue(amountIndex), (String) row.getValue(dateIndex));
      } catch (BadValueException e) {
        dead.inc();
        c.output(deadLetterTag, DeadLetter.of(kind, STEP, e.getMessage(), DeadLetter.sourceField(row), RowJson.format(row)));
        return;
      }
      List<Object> values = new ArrayList<>(out.getFieldCount());
      values.addAll(row.getValues());
      values.add(conversion.rateDate());
      values.addAll(conversion.values());
      c.output(Row.withSchema(out).attachValues(values));
    }
  }
}
