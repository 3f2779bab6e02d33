package io.tidemark.daemon.fleet;

import io.tidemark.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts, every few milliseconds from its own thread and session, the sessions in {@code pg_stat_activity}
 * whose {@code application_name} starts with {@code tidemark/} and whose database is one of the given ones:
 * what a DBA would see Tidemark hold. Keeps the highest count. {@link #drives} counts a plan's databases
 * being driven (state {@code running} in the control store) instead.
 */
final class ActivitySampler implements AutoCloseable {
  private static final String COUNT = "SELECT count(*) FROM pg_stat_activity"
      + " WHERE application_name LIKE 'tidemark/%' AND datname = ANY (?)";

  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger samples = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean running = true;

  private static final String DRIVES = "SELECT count(*) FROM tidemark.plan_databases"
      + " WHERE plan_id = ? AND state = 'running'";

  ActivitySampler(TestDatabase any, List<String> databases, long everyMs) {
    this(any, COUNT, (c, s) -> s.setArray(1, c.createArrayOf("text", databases.toArray())), everyMs);
  }

  /** The most databases of {@code planId} driven at once, read from the control store in {@code state}. */
  static ActivitySampler drives(TestDatabase state, String planId, long everyMs) {
    return new ActivitySampler(state, DRIVES, (c, s) -> s.setString(1, planId), everyMs);
  }

  private interface Binder {
    void bind(Connection c, PreparedStatement s) throws SQLException;
  }

  private ActivitySampler(TestDatabase db, String sql, Binder binder, long everyMs) {
    thread = new Thread(() -> sample(db, sql, binder, everyMs), "activity-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample(TestDatabase any, String sql, Binder binder, long everyMs) {
    try (Connection c = any.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(c, s);
      while (running) {
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          peak.accumulateAndGet(rs.getInt(1), Math::max);
          samples.incrementAndGet();
        }
        Thread.sleep(everyMs);
      }
    } catch (SQLException | RuntimeException e) {
      failure.set(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  int peak() {
    return peak.get();
  }

  int samples() {
    return samples.get();
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("sampler failed", failure.get());
    }
  }
}
