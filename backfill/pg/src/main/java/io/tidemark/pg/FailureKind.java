package io.tidemark.pg;

/**
 * What a failure from PostgreSQL means for the retry decision, as decided by {@link Failures#kind}. The kinds
 * say what happened; what to do about it (retry now, back off, fail the step) is the caller's, but every
 * caller waits with {@link Backoff}.
 */
public enum FailureKind {
  /**
   * The session or connection went away or could not be made ({@code 08xxx}, {@code 57P01..57P03}, a closed
   * socket, a refused or timed-out connect). What was in flight may or may not have committed: re-read
   * before retrying, and retry later rather than now.
   */
  CONNECTION,
  /**
   * The server is short of a resource that comes back ({@code 53xxx} other than a full disk:
   * {@code too_many_connections}, {@code out_of_memory}). The statement was not applied; retry later.
   */
  TRANSIENT,
  /** {@code 55P03}: a conflicting lock was held past {@code lock_timeout}. Nothing applied; always safe to retry. */
  LOCK_TIMEOUT,
  /**
   * {@code 40001}/{@code 40P01}: the transaction was rolled back whole. Safe to rerun a transaction; a
   * statement that runs outside one (e.g. {@code CREATE INDEX CONCURRENTLY}) may have left work behind.
   */
  SERIALIZATION,
  /** Anything else, bugs included: retrying gives the same answer. */
  PERMANENT;

  /** The session is gone or was never made: {@link #CONNECTION}, or a server short of connections. */
  public boolean unreachable() {
    return this == CONNECTION || this == TRANSIENT;
  }
}
