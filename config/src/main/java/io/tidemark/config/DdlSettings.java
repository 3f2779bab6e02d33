package io.tidemark.config;

import java.time.Duration;

/**
 * {@code defaults.ddl}. {@code statementTimeout} of zero means none. A DDL statement that cannot get its
 * lock within {@code lockTimeout} is retried up to {@code maxAttempts} times, waiting between
 * {@code backoffMin} and {@code backoffMax} (exponential, with jitter).
 *
 * <p>{@code indexBuildLockTimeout} is the {@code lock_timeout} of concurrent index builds (zero: none).
 * They need their own: {@code CREATE INDEX CONCURRENTLY} waits, under {@code lock_timeout}, for every
 * transaction older than itself to end. With the short DDL timeout, one application transaction longer
 * than 500 ms kills the build, possibly after both table scans, again and again. Waiting is harmless to
 * the application: the build holds SHARE UPDATE EXCLUSIVE, which no read or write conflicts with, so
 * nothing queues behind it; the stall report names the transactions it waits for.
 */
public record DdlSettings(
    Duration lockTimeout,
    Duration statementTimeout,
    int maxAttempts,
    Duration backoffMin,
    Duration backoffMax,
    Duration indexBuildLockTimeout) {

  /** Settings whose index builds use the same {@code lock_timeout} as every other statement. */
  public DdlSettings(Duration lockTimeout, Duration statementTimeout, int maxAttempts, Duration backoffMin,
      Duration backoffMax) {
    this(lockTimeout, statementTimeout, maxAttempts, backoffMin, backoffMax, lockTimeout);
  }
}
