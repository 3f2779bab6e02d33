package io.tidemark.backfill;

import java.time.Duration;

/**
 * One batch that committed, as reported to the engine's batch listener: what the metrics count
 * ({@code tidemark_backfill_rows_total}, the {@code tidemark_backfill_batch_duration_seconds} histogram,
 * {@code tidemark_backfill_batch_rows}). {@code keys} is the keys the batch walked, {@code rowsUpdated} the
 * rows its {@code UPDATE} changed, {@code duration} the whole transaction.
 */
public record CommittedBatch(
    String planId, String stepId, String database, String schema, String table,
    long keys, long rowsUpdated, Duration duration) {}
