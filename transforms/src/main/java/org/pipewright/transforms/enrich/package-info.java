/**
 * Generic enrichment for any dataset: amounts valued in other currencies with the rates of the
 * record's day ({@link org.pipewright.transforms.enrich.ConvertCurrency} over a {@link
 * org.pipewright.transforms.enrich.RateTable} side input, fixed in batch or slowly refreshed in
 * streaming), discounts off a list price ({@link org.pipewright.transforms.enrich.Discount}), and
 * how often keys appear in distinct days with a deterministic top N ({@link
 * org.pipewright.transforms.enrich.CountDistinctDays}, {@link
 * org.pipewright.transforms.enrich.TopByDays}). The arithmetic is exact ({@link
 * org.pipewright.transforms.enrich.Money}: {@code BigDecimal}, half up to six decimals) and the
 * rules live in plain classes ({@link org.pipewright.transforms.enrich.CurrencyConverter}).
 *
 * <p>Field names are always configurable; a record that cannot be enriched becomes a dead letter,
 * so every input record ends up in exactly one output.
 */
package org.pipewright.transforms.enrich;
