package io.tidemark.daemon.exec;

import io.tidemark.config.DdlSettings;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The wait before retrying a step: exponential with full jitter, never below {@code min} nor above
 * {@code max}. After attempt {@code n} the ceiling is {@code min * 2^(n-1)} capped at {@code max}, and the
 * wait is uniform in {@code [min, ceiling]}. With {@code [1s, 60s]}: after attempt 1 exactly 1 s, after
 * attempt 3 anywhere in 1..4 s, from attempt 7 on anywhere in 1..60 s. The jitter spreads the retries of
 * many databases so they do not queue for the same lock in lockstep.
 */
record Backoff(Duration min, Duration max) {

  static Backoff of(DdlSettings ddl) {
    return new Backoff(ddl.backoffMin(), ddl.backoffMax());
  }

  Duration delayAfter(int attempt, RandomGenerator random) {
    long minMs = Math.max(0, min.toMillis());
    long maxMs = Math.max(minMs, max.toMillis());
    int doublings = Math.min(Math.max(0, attempt - 1), 30);
    long ceiling = Math.min(maxMs, minMs * (1L << doublings));
    long spread = Math.max(0, ceiling - minMs);
    return Duration.ofMillis(minMs + (spread == 0 ? 0 : random.nextLong(spread + 1)));
  }
}
