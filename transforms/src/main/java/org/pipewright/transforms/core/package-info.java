/**
 * Generic cleansing for any dataset: decode raw records into Beam {@code Row}s with a {@link
 * org.pipewright.transforms.core.RecordCleaner} ({@link org.pipewright.transforms.core.CleanRecords}),
 * route every refused record to a dead-letter output with its reason and original payload ({@link
 * org.pipewright.transforms.core.DeadLetter}; a DoFn of your own does the same through {@link
 * org.pipewright.transforms.core.CleanOutputs}), parse dirty values ({@link
 * org.pipewright.transforms.core.Values}, {@link org.pipewright.transforms.core.Numbers}, {@link
 * org.pipewright.transforms.core.Timestamps}, {@link org.pipewright.transforms.core.FollowerCounts}),
 * remove exact re-sends ({@link org.pipewright.transforms.core.Deduplicate}), and small aggregates
 * ({@link org.pipewright.transforms.core.GroupCounts}, {@link org.pipewright.transforms.core.GroupMedians},
 * {@link org.pipewright.transforms.core.TopTies}), and counts of many collections as data ({@link
 * org.pipewright.transforms.core.Tally}). Streaming jobs record how far they durably got with
 * {@link org.pipewright.transforms.core.SafePoint}.
 *
 * <p>Nothing here knows a dataset: field names, kinds and keys are always given by the caller. The
 * rule every transform keeps: each input record ends up in exactly one output or dead letter.
 */
package org.pipewright.transforms.core;
