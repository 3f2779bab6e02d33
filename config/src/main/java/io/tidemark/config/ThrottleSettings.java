package io.tidemark.config;

import java.time.Duration;

/**
 * {@code defaults.throttle}. Zero or an empty string turns a signal off. {@code checkInterval} is how often
 * the signals are read between batches.
 */
public record ThrottleSettings(
    Duration maxReplicationLag,
    int maxLockWaiters,
    int maxActiveSessions,
    String httpCheck,
    String flagFile,
    Duration checkInterval) {

  /** Shows only the scheme and host of {@code httpCheck}, which may carry a token in its path or query. */
  @Override
  public String toString() {
    return "ThrottleSettings[maxReplicationLag=" + maxReplicationLag + ", maxLockWaiters=" + maxLockWaiters
        + ", maxActiveSessions=" + maxActiveSessions + ", httpCheck="
        + (httpCheck == null || httpCheck.isEmpty() ? "" : HookConfig.origin(httpCheck))
        + ", flagFile=" + flagFile + ", checkInterval=" + checkInterval + "]";
  }
}
