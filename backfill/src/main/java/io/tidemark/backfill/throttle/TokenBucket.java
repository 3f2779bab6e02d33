package io.tidemark.backfill.throttle;

/**
 * The {@code max-rows-per-second} cap: a token bucket holding at most one second of rows. A batch takes
 * its rows after it committed (the bucket may go into debt by one batch); the next batch waits until the
 * debt is paid. With 1,000 rows/s and 250-row batches that is one batch every 250 ms after the first
 * second's burst. The rate can change between calls; zero turns the cap off and forgets any debt.
 * Thread-safe (synchronized); time comes in as {@link System#nanoTime()} values so tests can drive it.
 */
final class TokenBucket {
  private double tokens;
  private long lastNanos;
  private long rate;

  synchronized void consume(long rows, long nowNanos, long rowsPerSecond) {
    refill(nowNanos, rowsPerSecond);
    if (rate > 0) {
      tokens -= rows;
    }
  }

  /** How long until the bucket is out of debt; 0 when a batch may start now. */
  synchronized long waitNanos(long nowNanos, long rowsPerSecond) {
    refill(nowNanos, rowsPerSecond);
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / rate);
  }

  private void refill(long nowNanos, long rowsPerSecond) {
    if (rowsPerSecond <= 0) {
      rate = 0;
      tokens = 0;
      lastNanos = nowNanos;
      return;
    }
    if (rate != rowsPerSecond) {
      tokens = rate == 0 ? rowsPerSecond : Math.min(tokens, rowsPerSecond);
      rate = rowsPerSecond;
      lastNanos = nowNanos;
    }
    tokens = Math.min(rate, tokens + (nowNanos - lastNanos) * rate / 1e9);
    lastNanos = nowNanos;
  }
}
