package io.tidemark.backfill;

import io.tidemark.config.BackfillSettings;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Chooses how many keys the next batch takes so that batches stay under {@code target-batch-duration}.
 *
 * <p>The target is a bound, not an average: it is about the longest an application update may wait behind
 * the row locks of one batch. Batches of the same size vary by ±20% on a quiet server (cache, checkpoints,
 * WAL flushes), so aiming the typical batch <em>at</em> the target makes every other batch overshoot it —
 * measured: with the aim at 250 ms, 30–45% of batches took longer than 250 ms, p90 about 300 ms. So the
 * sizer aims at {@value #AIM} × the target (187 ms of 250 ms) and shrinks as soon as a batch exceeds the aim
 * band; a batch 20% slower than typical then still ends under the target. The throughput this costs is one
 * more commit per ~190 ms instead of per ~250 ms: a few milliseconds each.
 *
 * <p>After each batch the per-key cost ({@code duration / keys}), averaged over recent batches but never
 * below the last batch's, gives the size that would hit the aim. Growth is capped at ×1.5 per batch, so one
 * unusually fast batch (cached pages, an empty stretch of the where-clause) cannot jump the size by orders
 * of magnitude and make the next batch hold its row locks for seconds. Except while batches are tiny: the
 * next batch may grow up to where, at the last batch's speed, it would take half of the aim, so even a
 * per-key cost twice as bad as measured keeps it under the aim (and 2.7× as bad under the target). The
 * measured speed is pessimistic for tiny batches anyway: most of a 100-key batch is its fixed cost (six
 * round trips and a commit), which does not grow with the keys. This matters for small tables, where
 * the climb from {@code min-batch-rows} is most of the run: 9,000 rows at 10 us a key took ten batches at
 * ×1.5 (100, 150, 225, ... 2,562, then the rest); now 100 keys in 1 ms let the next take 9,375 (94 ms of
 * the 187.5 ms aim), and the table is done in two. Measured on a slower machine, where a 100-key batch took
 * 15 to 45 ms, growth to a fifth of the aim still took nine batches for those 9,000 rows. A fleet of 1,000
 * such tenants runs its backfills one after the other on a server, so each batch saved is saved a thousand
 * times. Shrinking is proportional and
 * uncapped: a batch that took 4× the aim makes the next one a quarter of the size at once, because every
 * extra slow batch is time the application may wait on our row locks. A new size within ±10% of the current
 * one is not taken, so noise does not make it wobble.
 *
 * <p>Lock waits are not work: a batch that waited on a row lock held by the application (seen by the batch
 * watcher in {@code pg_stat_activity}) or hit {@code lock_timeout} says nothing about how long the rows take
 * to update. Such batches are left out ({@link #observe} with {@code waitedOnLocks}), so an application that
 * holds a lock for a second does not collapse the size to the minimum. Example: target 250 ms (aim 187 ms),
 * 10,000 keys in 180 ms of work plus 900 ms of lock wait — judged on 1.08 s the next batch would be 1,736
 * keys; left out, it stays 10,000.
 *
 * <p>Confined to the run's event-loop context; not thread-safe.
 */
final class BatchSizer {
  /** The share of the target the typical batch aims at, leaving room for batches slower than typical. */
  static final double AIM = 0.75;
  private static final double MAX_GROWTH = 1.5;
  /** How much slower than measured a grown batch may turn out and still end within the aim. */
  private static final double TINY_MARGIN = 2;
  private static final double DEAD_BAND = 0.10;
  /** Weight of the newest batch in the per-key cost average. */
  private static final double SMOOTHING = 0.3;

  private int size;
  /** Moving average of nanoseconds per key over the batches observed; 0 before the first. */
  private double nanosPerKey;
  /** The last batch was tiny: its per-key cost was mostly the batch's fixed cost, not to be averaged in. */
  private boolean lastTiny;

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
    double cost = Math.max(1, took.toNanos()) / (double) keys;
    // After a tiny batch the average restarts from this one: 100 keys in 21 ms (210 us a key, nearly all of
    // it the batch's fixed cost) then 446 in 29 ms (65 us) averaged to 166 us and let the third batch take
    // 1,129 keys where its own cost allows 2,884; averaged, 9,000 rows took seven batches instead of five.
    nanosPerKey = nanosPerKey == 0 || lastTiny ? cost : (1 - SMOOTHING) * nanosPerKey + SMOOTHING * cost;
    lastTiny = took.toNanos() < tinyShare(settings);
    // Slow news is believed at once, fast news only as it accumulates in the average: a batch slower than
    // the average sizes the next one by its own cost, a faster one by the average. Example: at 20 us/key the
    // size is 9,375; one batch at 16 us/key moves the average to 18.8 us and the size to 9,973 (inside the
    // dead band: kept), where trusting it alone would grow to 11,718 and let a slow batch after it overshoot.
    double wanted = aimKeys(settings, Math.max(nanosPerKey, cost));
    if (Math.abs(wanted / size - 1) <= DEAD_BAND) {
      return;
    }
    double proposed = Math.min(wanted, size * maxGrowth(settings, took));
    size = clamp((long) Math.floor(proposed), settings, maxRowsPerSecond);
  }

  /** ×1.5, or more after a tiny batch: as far as half of the aim at the last batch's speed. */
  private static double maxGrowth(BackfillSettings settings, Duration took) {
    return Math.max(MAX_GROWTH, tinyShare(settings) / Math.max(1, took.toNanos()));
  }

  /** Batches shorter than this are tiny: half of the aim. */
  private static double tinyShare(BackfillSettings settings) {
    return settings.targetBatchDuration().toNanos() * AIM / TINY_MARGIN;
  }

  /**
   * The size that would take the aim at the per-key cost measured so far, growth caps aside: what the next
   * run of the same step may start from ({@link SizeHints}). Empty before the first observed batch.
   */
  OptionalInt settled(BackfillSettings settings, long maxRowsPerSecond) {
    if (nanosPerKey == 0) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(clamp((long) aimKeys(settings, nanosPerKey), settings, maxRowsPerSecond));
  }

  /** How many keys take the aim at {@code nanosPerKey}. */
  private static double aimKeys(BackfillSettings settings, double nanosPerKey) {
    return settings.targetBatchDuration().toNanos() * AIM / nanosPerKey;
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
