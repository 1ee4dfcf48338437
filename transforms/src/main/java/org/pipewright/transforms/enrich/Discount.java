package org.pipewright.transforms.enrich;

import static org.pipewright.transforms.internal.Checks.checkArgument;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.pipewright.transforms.core.BadValueException;
import org.pipewright.transforms.core.CleanRecords;
import org.pipewright.transforms.core.CleanResult;
import org.pipewright.transforms.core.DeadLetter;
import org.pipewright.transforms.core.RowJson;

/**
 * Adds the discount in percent off the list price, {@code (msrp - price) / msrp * 100}, as a
 * nullable {@code DECIMAL} field after the input's fields, rounded half up to six decimals from
 * the exact quotient ({@link Money#discountPercent}).
 *
 * <ul>
 *   <li>No list price, or one that is zero or negative: the discount is null (the record is kept).
 *   <li>A price above the list price: a negative discount (a mark-up), kept as the data says.
 *   <li>No price, or a negative one: a dead letter ({@value #MISSING_PRICE} or {@value
 *       #NEGATIVE_PRICE}: ...) of {@link #withKind kind}, step {@value #STEP}, the record as JSON.
 * </ul>
 *
 * <p>Defaults: list price {@value #DEFAULT_MSRP_FIELD}, price {@value #DEFAULT_PRICE_FIELD} (both
 * {@code DECIMAL}), output {@value #DEFAULT_OUTPUT_FIELD}.
 *
 * <pre>{@code
 * CleanResult discounted = items.apply("Discount", Discount.create().withKind("trends"));
 * // 59.99 / 42.95 -> discount 28.404734
 * }</pre>
 */
public final class Discount extends PTransform<PCollection<Row>, CleanResult> {
  public static final String STEP = "Discount";
  public static final String DEFAULT_MSRP_FIELD = "msrp";
  public static final String DEFAULT_PRICE_FIELD = "sale_price";
  public static final String DEFAULT_OUTPUT_FIELD = "discount";
  public static final String MISSING_PRICE = "missing_sale_price";
  public static final String NEGATIVE_PRICE = "negative_sale_price";

  private final String msrpField;
  private final String priceField;
  private final String outputField;
  private final String kind;

  private Discount(String msrpField, String priceField, String outputField, String kind) {
    this.msrpField = msrpField;
    this.priceField = priceField;
    this.outputField = outputField;
    this.kind = kind;
  }

  /** The discount of {@value #DEFAULT_PRICE_FIELD} off {@value #DEFAULT_MSRP_FIELD}. */
  public static Discount create() {
    return new Discount(DEFAULT_MSRP_FIELD, DEFAULT_PRICE_FIELD, DEFAULT_OUTPUT_FIELD,
        ConvertCurrency.DEFAULT_KIND);
  }

  public Discount withMsrpField(String msrpField) {
    checkArgument(msrpField != null && !msrpField.isEmpty(), "msrpField must not be empty");
    return new Discount(msrpField, priceField, outputField, kind);
  }

  public Discount withPriceField(String priceField) {
    checkArgument(priceField != null && !priceField.isEmpty(), "priceField must not be empty");
    return new Discount(msrpField, priceField, outputField, kind);
  }

  public Discount withOutputField(String outputField) {
    checkArgument(outputField != null && !outputField.isEmpty(), "outputField must not be empty");
    return new Discount(msrpField, priceField, outputField, kind);
  }

  /** Returns a copy whose dead letters and counters name the record kind {@code kind}. */
  public Discount withKind(String kind) {
    checkArgument(kind != null && !kind.isEmpty(), "kind must not be empty");
    return new Discount(msrpField, priceField, outputField, kind);
  }

  /**
   * The discount of one record, or the dead-letter reason as a {@link BadValueException}.
   */
  static @Nullable BigDecimal discount(@Nullable BigDecimal msrp, @Nullable BigDecimal price) {
    if (price == null) {
      throw new BadValueException(MISSING_PRICE);
    }
    if (price.signum() < 0) {
      throw new BadValueException(
          NEGATIVE_PRICE + ": " + price.toPlainString());
    }
    return Money.discountPercent(msrp, price);
  }

  @Override
  public CleanResult expand(PCollection<Row> input) {
    Schema schema = input.getSchema();
    checkDecimal(schema, msrpField);
    checkDecimal(schema, priceField);
    checkArgument(!schema.hasField(outputField), "input already has a field %s", outputField);
    Schema out = Schema.builder().addFields(schema.getFields())
        .addNullableField(outputField, FieldType.DECIMAL).build();
    TupleTag<Row> outputTag = new TupleTag<Row>() {};
    TupleTag<Row> deadLetterTag = new TupleTag<Row>() {};
    PCollectionTuple tuple = input.apply("Discount of " + priceField,
        ParDo.of(new DiscountFn(schema.indexOf(msrpField), schema.indexOf(priceField), out, kind,
                outputTag, deadLetterTag))
            .withOutputTags(outputTag, TupleTagList.of(deadLetterTag)));
    return CleanResult.of(tuple.get(outputTag).setRowSchema(out),
        tuple.get(deadLetterTag).setRowSchema(DeadLetter.SCHEMA));
  }

  private static void checkDecimal(Schema schema, String field) {
    checkArgument(schema.hasField(field)
            && schema.getField(field).getType().getTypeName() == Schema.TypeName.DECIMAL,
        "%s needs a DECIMAL field '%s', schema is %s", STEP, field, schema);
  }

  private static final class DiscountFn extends DoFn<Row, Row> {
    private final int msrpIndex;
    private final int priceIndex;
    private final Schema out;
    private final String kind;
    private final TupleTag<Row> outputTag;
    private final TupleTag<Row> deadLetterTag;
    private final Counter dead;

    DiscountFn(int msrpIndex, int priceIndex, Schema out, String kind, TupleTag<Row> outputTag,
        TupleTag<Row> deadLetterTag) {
      this.outputTag = outputTag;
      this.msrpIndex = msrpIndex;
      this.priceIndex = priceIndex;
      this.out = out;
      this.kind = kind;
      this.deadLetterTag = deadLetterTag;
      this.dead = Metrics.counter(CleanRecords.METRICS_NAMESPACE, kind + "." + STEP + ".deadLetter");
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver o) {
      BigDecimal discount;
      try {
        discount = discount((BigDecimal) row.getValue(msrpIndex), (BigDecimal) row.getValue(priceIndex));
      } catch (BadValueException e) {
        dead.inc();
        o.get(deadLetterTag).output(DeadLetter.of(kind, STEP, e.getMessage(), DeadLetter.sourceField(row), RowJson.format(row)));
        return;
      }
      List<Object> values = new ArrayList<>(out.getFieldCount());
      values.addAll(row.getValues());
      values.add(discount);
      o.get(outputTag).output(Row.withSchema(out).attachValues(values));
    }
  }
}
