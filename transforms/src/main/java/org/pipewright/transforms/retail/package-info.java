/**
 * The retail domain: the products API's trending and value-of-the-day answers and the currency
 * API's rates, as landed one file per answer ({@code <root>/<kind>/dt=yyyy-MM-dd/<name>.json}),
 * parsed into clean item and rate rows ({@link org.pipewright.transforms.retail.ParseRetailAnswers},
 * rules in {@link org.pipewright.transforms.retail.RetailAnswers}). Enrichment (currency values,
 * discounts, trending frequency) is the generic {@code enrich} package's.
 */
package org.pipewright.transforms.retail;
