package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.eventually;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.backfill.throttle.ThrottleSignal;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.LockHolder;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(FreshDatabaseExtension.class)
class LockWaitIT {
  @RegisterExtension
  static final RunningEngine ENGINE = new RunningEngine();

  /**
   * The application holds row 15,000 for a second and a half: the batch reaching it waits out its
   * lock_timeout (the 200 ms target), rolls back and retries at the same size until the lock is gone.
   */
  @Test
  void anApplicationRowLockMakesTheBatchRetryWithoutLosingRowsOrCollapsingTheSize(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE locked (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO locked (id) SELECT g FROM generate_series(1, 30000) g");
    int min = 100;
    BackfillRun run;
    int sizeWhenBlocked;
    try (LockHolder app = LockHolder.hold(db, "SELECT * FROM locked WHERE id = 15000 FOR UPDATE")) {
      run = ENGINE.start(job(db, "migrate[0]/locked", spec("locked", "n = n + 1", null),
          pace(min, 20_000, 200, 0), NO_THROTTLE));
      eventually(30, "a batch timed out on the application's lock", () -> run.progress().lockRetries() >= 2);
      sizeWhenBlocked = run.progress().batchRows();
      assertThat(db.queryLong("SELECT count(*) FROM locked WHERE id >= 15000 AND n <> 0")).isZero();
      Fixtures.sleep(600);
      app.commit();
    }
    BackfillResult r = await(run.completion());

    assertThat(r.rowsDone()).isEqualTo(30000);
    assertThat(db.queryLong("SELECT count(*) FROM locked WHERE n <> 1")).isZero();
    assertThat(run.progress().lockRetries()).isGreaterThanOrEqualTo(2);
    assertThat(run.progress().lastError().orElseThrow()).contains("55P03");
    // retried at the same size: the lock did not push the size to the minimum
    assertThat(sizeWhenBlocked).isGreaterThan(4 * min);
    assertThat(run.progress().batchRows()).isGreaterThan(4 * min);
  }

  /**
   * A lock released within lock_timeout: the batch just waits. The watcher sees the wait, so the slow batch
   * is left out of the size estimate.
   */
  @Test
  void aShortLockWaitIsNotMistakenForSlowRows(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE brief (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO brief (id) SELECT g FROM generate_series(1, 30000) g");
    LockHolder app = LockHolder.hold(db, "SELECT * FROM brief WHERE id = 15000 FOR UPDATE");
    Thread releaser = new Thread(() -> {
      Fixtures.sleep(200);
      try {
        app.commit();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // lock_timeout follows the target duration: 1 s here, longer than the lock is held
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/brief", spec("brief", "n = n + 1", null),
        pace(100, 20_000, 1000, 0), NO_THROTTLE));
    releaser.start();
    BackfillResult r = await(run.completion());
    releaser.join();
    assertThat(r.rowsDone()).isEqualTo(30000);
    assertThat(db.queryLong("SELECT count(*) FROM brief WHERE n <> 1")).isZero();
    assertThat(run.progress().lockRetries()).isZero();
  }

  /**
   * Application sessions queued behind the batch's row locks trip the lock-waiters signal. The batch
   * (1500, 2000] sleeps 2 s on its last row while holding the locks of rows 1501..1999, and two application
   * sessions keep locking row 1501: the first waits on the batch's transaction, the second on the first
   * (PostgreSQL queues it behind the tuple lock). The batch watcher counts both, and the next throttle
   * check reports it.
   */
  @Test
  void sessionsWaitingOnTheBackfillsLocksThrottle(TestDatabase db) {
    db.execute("CREATE TABLE contended (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO contended (id) SELECT g FROM generate_series(1, 3000) g");
    ThrottleSettings oneWaiter = new ThrottleSettings(Duration.ZERO, 1, 0, "", "", Duration.ofMillis(100));
    String slowRow = "n = n + 1 + CASE WHEN id = 2000 THEN 0 * length(pg_sleep(2)::text) ELSE 0 END";
    // FOR UPDATE, not UPDATE: an update would move row 1501 to the end of the heap, after the slow row
    String touch = "SELECT 1 FROM contended WHERE id = 1501 FOR UPDATE";
    try (AppSession app1 = AppSession.start(db, touch, 20); AppSession app2 = AppSession.start(db, touch, 20)) {
      BackfillRun run = ENGINE.start(job(db, "migrate[0]/contended", spec("contended", slowRow, null),
          pace(500, 500, 400, 0), oneWaiter));
      Set<ThrottleSignal> seen = ConcurrentHashMap.newKeySet();
      long timer = ENGINE.vertx()
          .setPeriodic(5, id -> run.progress().throttle().ifPresent(t -> seen.add(t.signal())));
      BackfillResult r = await(run.completion());
      ENGINE.vertx().cancelTimer(timer);

      assertThat(seen).contains(ThrottleSignal.LOCK_WAITERS);
      assertThat(r.rowsDone()).isEqualTo(3000);
      assertThat(app1.maxLatencyMillis() + app2.maxLatencyMillis()).isGreaterThan(1000); // they did wait
    }
    assertThat(db.queryLong("SELECT count(*) FROM contended WHERE n <> 1")).isZero();
  }
}
