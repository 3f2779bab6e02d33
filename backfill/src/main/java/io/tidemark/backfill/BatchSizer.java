package io.tidemark.backfill;

import io.tidemark.config.BackfillSettings;
import java.time.Duration;

/**
 * Chooses how many keys the next batch takes so a batch lasts about {@code target-batch-duration}.
 *
 * <p>After each batch the per-key cost ({@code duration / keys}) gives the size that would have hit the
 * target. Growth is capped at ×1.5 per batch, so one unusually fast batch (cached pages, an empty stretch
 * of the where-clause) cannot jump the size by orders of magnitude and make the next batch hold its row
 * locks for seconds. Shrinking is proportional and uncapped: a batch that took 4× the target makes the next
 * one a quarter of the size at once, because every extra slow batch is time the application may wait on
 * our row locks. Within ±10% of the target the size stays put, so noise does not make it wobble.
 *
 * <p>Lock waits are not work: a batch that waited on a row lock held by the application (seen by the batch
 * watcher in {@code pg_stat_activity}) or hit {@code lock_timeout} says nothing about how long the rows take
 * to update. Such batches are left out ({@link #observe} with {@code waitedOnLocks}), so an application that
 * holds a lock for a second does not collapse the size to the minimum. Example: target 250 ms, 10,000 keys
 * in 200 ms of work plus 900 ms of lock wait — judged on 1.1 s the next batch would be 2,272 keys; left out,
 * it stays 10,000.
 *
 * <p>Confined to the run's event-loop context; not thread-safe.
 */
final class BatchSizer {
  private static final double MAX_GROWTH = 1.5;
  private static final double DEAD_BAND = 0.10;

  private int size;

  /** Starts at the minimum: the first batches are cheap probes of how fast this table updates. */
  BatchSizer(BackfillSettings settings) {
    this(settings.minBatchRows());
  }

  BatchSizer(int initialSize) {
    this.size = Math.max(1, initialSize);
  }

  /** The next batch's size within the current limits (they may have changed at runtime). */
  int size(BackfillSettings settings, long maxRowsPerSecond) {
    size = clamp(size, settings, maxRowsPerSecond);
    return size;
  }

  /** Feeds one committed batch of {@code keys} keys that took {@code took}. */
  void observe(BackfillSettings settings, long maxRowsPerSecond, long keys, Duration took, boolean waitedOnLocks) {
    if (waitedOnLocks || keys <= 0) {
      return;
    }
    double target = settings.targetBatchDuration().toNanos();
    double actual = Math.max(1, took.toNanos());
    double ratio = target / actual;
    if (Math.abs(ratio - 1) <= DEAD_BAND) {
      return;
    }
    // A short last batch (keys < size) that ran fast says "at least this fast", which is enough to grow.
    double base = ratio > 1 ? Math.max(keys, size) : keys;
    double proposed = Math.min(base * ratio, size * MAX_GROWTH);
    size = clamp((long) Math.floor(proposed), settings, maxRowsPerSecond);
  }

  /** Halves the size: sessions queued behind the batch's row locks, so hold fewer at a time. */
  void contention(BackfillSettings settings, long maxRowsPerSecond) {
    size = clamp(size / 2, settings, maxRowsPerSecond);
  }

  /**
   * With a rows/s cap a batch never exceeds one target duration's worth of the rate, so the cap is met by
   * many small evenly spaced batches rather than one big batch and a long pause.
   */
  static int clamp(long wanted, BackfillSettings settings, long maxRowsPerSecond) {
    long min = Math.max(1, settings.minBatchRows());
    long max = Math.max(min, settings.maxBatchRows());
    if (maxRowsPerSecond > 0) {
      long perTarget = maxRowsPerSecond * Math.max(1, settings.targetBatchDuration().toMillis()) / 1000;
      max = Math.max(min, Math.min(max, perTarget));
    }
    return (int) Math.max(min, Math.min(max, wanted));
  }
}
