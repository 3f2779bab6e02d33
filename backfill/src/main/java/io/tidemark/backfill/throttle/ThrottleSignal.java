package io.tidemark.backfill.throttle;

/**
 * The throttle signals, in the order they are evaluated (docs/operator-guide.md); the first that trips is the reason
 * reported in progress and in {@code tidemark_throttle_active{reason}}. {@link #label()} is that label.
 */
public enum ThrottleSignal {
  MAX_ROWS_PER_SECOND("max-rows-per-second"),
  REPLICATION_LAG("replication-lag"),
  LOCK_WAITERS("lock-waiters"),
  ACTIVE_SESSIONS("active-sessions"),
  HTTP_CHECK("http-check"),
  FLAG_FILE("flag-file"),
  OPERATOR("operator"),
  /** The throttle check itself failed (a bug, not a signal): batches are held until it succeeds. */
  CHECK_FAILED("check-failed");

  private final String label;

  ThrottleSignal(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
