package io.tidemark.backfill;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * Looks at a running batch from a second session, so lock waits are measured apart from work. A batch
 * still running after half the target duration is sampled in {@code pg_stat_activity} every half target
 * duration: is the batch session waiting on a lock (an application transaction holds a row it must
 * update), and how many sessions wait on locks the batch holds. Fast batches are never sampled, so the cost
 * is one cheap query per half target duration of slow batches only.
 *
 * <p>Confined to the run's event-loop context. A sample that fails is ignored (the throttle has its own
 * fail-closed signals); a sample still running when the next is due is skipped.
 */
final class BatchWatcher {
  /**
   * Whether the batch session waits on a lock, and how many sessions queue behind it: those blocked by the
   * batch directly and, transitively, those blocked by them — PostgreSQL queues a second application
   * session wanting the same row behind the first one's tuple lock, so {@code pg_blocking_pids} names the
   * first waiter, not the batch, for it. Only sessions in a lock wait are looked at.
   */
  private static final String SAMPLE_SQL = """
      WITH RECURSIVE queued(pid) AS (
        SELECT w.pid FROM pg_stat_activity w
        WHERE w.wait_event_type = 'Lock' AND $1 = ANY (pg_blocking_pids(w.pid))
        UNION
        SELECT w.pid FROM pg_stat_activity w, queued q
        WHERE w.wait_event_type = 'Lock' AND q.pid = ANY (pg_blocking_pids(w.pid))
      )
      SELECT coalesce((SELECT a.wait_event_type = 'Lock' FROM pg_stat_activity a WHERE a.pid = $1), false) AS waiting,
             (SELECT count(*) FROM queued) AS waiters""";
  private static final long MIN_PERIOD_MS = 20;

  private final Vertx vertx;
  private final Pool monitor;

  /** What the samples of one batch saw. */
  record Observation(boolean waitedOnLock, long maxWaiters) {
    static final Observation NONE = new Observation(false, 0);
  }

  BatchWatcher(Vertx vertx, Pool monitor) {
    this.vertx = vertx;
    this.monitor = monitor;
  }

  Watch watch(int pid, Duration target) {
    return new Watch(pid, Math.max(MIN_PERIOD_MS, target.toMillis() / 2));
  }

  /** The sampling of one batch; {@link #stop()} when the batch's transaction ended. */
  final class Watch {
    private final int pid;
    private final long timer;
    private boolean sampling;
    private boolean waited;
    private long waiters;

    private Watch(int pid, long periodMs) {
      this.pid = pid;
      this.timer = vertx.setPeriodic(periodMs, id -> sample());
    }

    private void sample() {
      if (sampling) {
        return;
      }
      sampling = true;
      monitor.preparedQuery(SAMPLE_SQL).execute(Tuple.of(pid))
          .onSuccess(rows -> record(rows.iterator().next()))
          .onComplete(ar -> sampling = false);
    }

    private void record(Row row) {
      waited |= row.getBoolean("waiting");
      waiters = Math.max(waiters, row.getLong("waiters"));
    }

    Observation stop() {
      vertx.cancelTimer(timer);
      return new Observation(waited, waiters);
    }
  }
}
