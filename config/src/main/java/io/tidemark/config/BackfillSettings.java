package io.tidemark.config;

import java.time.Duration;

/**
 * {@code defaults.backfill}. {@code maxRowsPerSecond} of zero means no cap. {@code synchronousCommit = false}
 * runs batch sessions with {@code synchronous_commit = off}: faster, and a crash of the database server can
 * lose the last few batches together with their checkpoints (never one without the other).
 */
public record BackfillSettings(
    Duration targetBatchDuration,
    int minBatchRows,
    int maxBatchRows,
    long maxRowsPerSecond,
    boolean synchronousCommit) {}
