package io.tidemark.backfill;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rows per second over a moving window: the rate between the oldest sample still inside the window and
 * the newest. Throttled pauses count as time, so the rate is what an operator sees happen, and the ETA
 * derived from it includes throttling. Confined to the run's context; not thread-safe.
 */
final class RateWindow {
  private record Sample(long nanos, long rows) {}

  private final long windowNanos;
  private final Deque<Sample> samples = new ArrayDeque<>();

  RateWindow(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** Records that {@code cumulativeRows} rows were done at {@code nanos} (a {@link System#nanoTime()}). */
  void record(long nanos, long cumulativeRows) {
    samples.addLast(new Sample(nanos, cumulativeRows));
    while (samples.size() > 2 && samples.peekFirst().nanos() < nanos - windowNanos) {
      samples.removeFirst();
    }
  }

  /** Rows per second in the window, 0 before two samples exist. */
  double rate() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long dt = last.nanos() - first.nanos();
    return dt <= 0 ? 0 : (last.rows() - first.rows()) * 1e9 / dt;
  }
}
