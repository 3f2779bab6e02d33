package io.tidemark.backfill;

import io.tidemark.backfill.throttle.ThrottleReason;
import java.time.Duration;
import java.util.Optional;

/**
 * One immutable snapshot of a backfill's progress, replaced as a whole after every batch and every throttle
 * decision, so a reader (metrics scrape, {@code GET /plans/{id}}, {@code tidemark watch}) always sees
 * consistent numbers. Counts include batches committed by earlier runs of the same step (from the
 * checkpoint).
 *
 * @param rowsDone          keys walked so far (rows in the finished key ranges, matching {@code where} or not)
 * @param rowsUpdated       rows the batches' {@code UPDATE} changed
 * @param rowsEstimated     estimated keys up to the frozen upper bound: {@code pg_class.reltuples} at start,
 *                          refined by the walked fraction of the key range for integer, numeric and uuid keys;
 *                          never below {@code rowsDone}; 0 when unknown (a never-analyzed table)
 * @param ratio             {@code rowsDone / rowsEstimated} in [0, 1]; exactly 1 when done
 * @param rowsPerSecond     keys per second over the last 30 s, throttled pauses included
 * @param eta               remaining keys at that rate; empty while the rate or the estimate is unknown
 * @param batchRows         the size the next batch will take
 * @param lastBatchDuration how long the last committed batch's transaction took
 * @param lockRetries       batches that hit {@code lock_timeout} (or a deadlock) and were retried
 * @param throttle          why the backfill is held back right now, if it is
 * @param lastError         the last retried or fatal error, for people
 */
public record BackfillProgress(
    BackfillState state,
    long rowsDone,
    long rowsUpdated,
    long rowsEstimated,
    double ratio,
    double rowsPerSecond,
    Optional<Duration> eta,
    long batches,
    int batchRows,
    Duration lastBatchDuration,
    long lockRetries,
    Optional<ThrottleReason> throttle,
    Optional<String> lastError) {

  static BackfillProgress initial(BackfillState state, int batchRows) {
    return new BackfillProgress(state, 0, 0, 0, 0, 0, Optional.empty(), 0, batchRows, Duration.ZERO, 0,
        Optional.empty(), Optional.empty());
  }
}
