package io.tidemark.pg;

import io.tidemark.config.DdlSettings;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The one backoff policy: how long to wait before retry number {@code n}. Exponential with full jitter,
 * never below {@code min} nor above {@code max}: after attempt {@code n} the ceiling is
 * {@code min * 2^(n-1)} capped at {@code max}, and the wait is uniform in {@code [min, ceiling]}. With
 * {@code [1s, 60s]}: after attempt 1 exactly 1 s, after attempt 3 anywhere in 1..4 s, from attempt 7 on
 * anywhere in 1..60 s. The jitter spreads the retries of many databases so they do not queue for the same
 * lock in lockstep. Attempts below 1 count as 1; the exponent stops growing at 2^30 so no attempt number
 * overflows. Pure; any thread.
 *
 * <p>DDL steps and the runner's retries of a database use {@code defaults.ddl.backoff} ({@link #of}); a
 * backfill batch uses {@link #BATCH}, because a batch holds row locks for milliseconds and should be back
 * long before a DDL retry would be.
 */
public record Backoff(Duration min, Duration max) {
  /**
   * Backfill batch retries (lock timeout, deadlock, lost connection): 50 ms doubling up to 5 s. A batch's
   * lock wait is one application's transaction, usually gone within a few hundred milliseconds.
   */
  public static final Backoff BATCH = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(5));

  private static final int MAX_DOUBLINGS = 30;

  public static Backoff of(DdlSettings ddl) {
    return new Backoff(ddl.backoffMin(), ddl.backoffMax());
  }

  public Duration delayAfter(int attempt) {
    return delayAfter(attempt, ThreadLocalRandom.current());
  }

  public Duration delayAfter(int attempt, RandomGenerator random) {
    long minMs = Math.max(0, min.toMillis());
    long maxMs = Math.max(minMs, max.toMillis());
    int doublings = Math.min(Math.max(0, attempt - 1), MAX_DOUBLINGS);
    long ceiling = Math.max(minMs, Math.min(maxMs, saturatingShift(minMs, doublings)));
    long spread = ceiling - minMs;
    return Duration.ofMillis(minMs + (spread == 0 ? 0 : random.nextLong(spread + 1)));
  }

  /** {@code value * 2^doublings}, or {@code Long.MAX_VALUE} when that would overflow. */
  private static long saturatingShift(long value, int doublings) {
    return value > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : value << doublings;
  }
}
