package io.tidemark.backfill.throttle;

import java.time.Duration;

/**
 * Why the next batch is held back: the signal, a detail for people ({@code lag 14.2s > 10s},
 * {@code HTTP 503}, {@code unreadable: Connection refused}), whether the signal could not be read (fail
 * closed), and how long to wait before looking again.
 */
public record ThrottleReason(ThrottleSignal signal, String detail, boolean unreadable, Duration retryAfter) {

  /** {@code flag-file: /run/tidemark/pause exists}. */
  @Override
  public String toString() {
    return signal.label() + ": " + detail;
  }
}
