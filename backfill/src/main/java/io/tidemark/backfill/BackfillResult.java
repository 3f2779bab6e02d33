package io.tidemark.backfill;

import java.time.Duration;

/**
 * How a run ended without failing: {@link BackfillState#DONE} or {@link BackfillState#STOPPED}. Counts are
 * totals over every run of the step (from the checkpoint); {@code elapsed} is this run's wall time from
 * {@code start} (budget wait, connecting and catalog reads included), {@code batching} the part from the
 * first batch on (what a benchmark compares with a single {@code UPDATE}).
 */
public record BackfillResult(
    BackfillState state, long rowsDone, long rowsUpdated, long batches, Duration elapsed, Duration batching) {}
