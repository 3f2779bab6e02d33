package io.tidemark.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A simulated application session: one connection on its own thread running {@code sql} in a loop (each
 * execution its own autocommit statement), recording every execution's latency. Used to prove Tidemark
 * never makes the application wait: start it, run the step, stop it, assert on {@link #maxLatencyMillis()}.
 * Errors are counted, not thrown, so a test can assert on them too.
 */
public final class AppSession implements AutoCloseable {
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<SQLException> lastError = new AtomicReference<>();
  private final CountDownLatch started = new CountDownLatch(1);

  private AppSession(TestDatabase db, String sql, long pauseMillis) {
    this.thread = new Thread(() -> loop(db, sql, pauseMillis), "app-session");
    this.thread.setDaemon(true);
  }

  /** Starts a session running {@code sql} (one or more statements) every {@code pauseMillis}. */
  public static AppSession start(TestDatabase db, String sql, long pauseMillis) {
    AppSession s = new AppSession(db, sql, pauseMillis);
    s.thread.start();
    try {
      if (!s.started.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("application session did not connect");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return s;
  }

  private void loop(TestDatabase db, String sql, long pauseMillis) {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("SET application_name = 'tidemark-test-app'");
      started.countDown();
      while (running.get()) {
        long t0 = System.nanoTime();
        try {
          s.execute(sql);
        } catch (SQLException e) {
          errors.incrementAndGet();
          lastError.set(e);
        }
        latenciesNanos.add(System.nanoTime() - t0);
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
    } catch (SQLException e) {
      lastError.set(e);
      errors.incrementAndGet();
      started.countDown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the loop and waits for the thread to end. */
  public void stop() {
    running.set(false);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int executions() {
    return latenciesNanos.size();
  }

  public long errors() {
    return errors.get();
  }

  public SQLException lastError() {
    return lastError.get();
  }

  public long maxLatencyMillis() {
    synchronized (latenciesNanos) {
      return latenciesNanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000;
    }
  }

  /** The latency at quantile {@code q} (0..1) in milliseconds. */
  public double latencyMillis(double q) {
    List<Long> copy;
    synchronized (latenciesNanos) {
      copy = new ArrayList<>(latenciesNanos);
    }
    if (copy.isEmpty()) {
      return 0;
    }
    Collections.sort(copy);
    int idx = (int) Math.min(copy.size() - 1, Math.ceil(q * copy.size()) - 1);
    return copy.get(Math.max(0, idx)) / 1e6;
  }

  @Override
  public void close() {
    stop();
  }
}
