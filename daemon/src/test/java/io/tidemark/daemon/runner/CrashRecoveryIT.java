package io.tidemark.daemon.runner;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.ChildDaemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.ThrottleChange;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.LockHolder;
import io.tidemark.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * One plan, one daemon process killed with SIGKILL at five points and stopped with SIGTERM at a sixth, each
 * time restarted under the same instance id: it completes and the data is exact.
 */
class CrashRecoveryIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ROWS = 3000;
  private static final String PLAN = "crash";

  @Test
  void completesWithExactDataAfterKillsMidExpandIndexBuildBackfillApprovalContractAndASigterm() throws Exception {
    try (Fleet fleet = new Fleet("crash", ROWS)) {
      TestDatabase authdb = fleet.target("authdb");
      ChildDaemon daemon = ChildDaemon.start(fleet, "c1");
      PlanOperations ops = fleet.operations();

      // 1. mid-expand: an application transaction holds users, ADD COLUMN keeps timing out on its lock.
      Connection oldSnapshot = holdSnapshot(authdb);
      LockHolder tableLock = LockHolder.hold(authdb, "SELECT * FROM public.users LIMIT 1");
      get(ops.submit(TestPlans.users(PLAN, Fleet.NAMES, 1, 3, CompiledPlan.Approval.REQUIRED, 100), "text", "ci"));
      awaitLockTimeout(fleet, "expand[0]/add-column");
      daemon.kill();
      tableLock.close();

      // 2. mid-index-build: CREATE INDEX CONCURRENTLY waits for the old snapshot, its index still INVALID.
      daemon = ChildDaemon.start(fleet, "c1");
      Fleet.await("invalid index mid-build", WAIT, () -> authdb.queryLong("SELECT count(*) FROM pg_index"
          + " WHERE indexrelid = to_regclass('public.users_status_idx') AND NOT indisvalid") == 1);
      daemon.kill();
      oldSnapshot.close();

      // 3. mid-backfill, throttled so it is still running when killed.
      get(ops.throttle(PLAN, new ThrottleChange(OptionalLong.of(600), Optional.empty()), "oncall"));
      daemon = ChildDaemon.start(fleet, "c1");
      awaitPartlyBackfilled(authdb);
      daemon.kill();

      // 4. SIGTERM mid-backfill: stops at a batch boundary, hands the database back, exits 0.
      daemon = ChildDaemon.start(fleet, "c1");
      awaitPartlyBackfilled(authdb);
      assertThat(daemon.terminate()).isZero();
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.leases WHERE plan_id = '" + PLAN + "'"
          + " AND expires_at > now()")).as("leases released").isZero();
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plan_databases WHERE plan_id = '" + PLAN
          + "' AND state = 'running'")).isZero();
      get(ops.throttle(PLAN, new ThrottleChange(OptionalLong.of(0), Optional.empty()), "oncall"));

      // 5. awaiting approval.
      daemon = ChildDaemon.start(fleet, "c1");
      fleet.awaitPlanState(PLAN, "awaiting-approval", WAIT);
      daemon.kill();

      // 6. mid-contract: SET NOT NULL keeps timing out behind an application transaction.
      tableLock = LockHolder.hold(authdb, "SELECT * FROM public.users LIMIT 1");
      get(ops.approve(PLAN, "oncall"));
      daemon = ChildDaemon.start(fleet, "c1");
      awaitLockTimeout(fleet, "contract[0]/");
      daemon.kill();
      tableLock.close();

      daemon = ChildDaemon.start(fleet, "c1");
      fleet.awaitPlanState(PLAN, "completed", WAIT);
      daemon.terminate();

      fleet.assertUsersExact(ROWS);
      for (TestDatabase db : fleet.targets.values()) {
        assertThat(db.queryValue("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.users_status_idx'::regclass"))
            .isEqualTo(true);
        assertThat(db.queryValue("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'status'")).isEqualTo(true);
        assertThat(db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'is_active' AND NOT attisdropped")).isZero();
      }
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = '" + PLAN + "'"
          + " AND kind = 'step-done' AND database = 'authdb'")).as("each authdb step done exactly once").isEqualTo(7);
    }
  }

  /** A REPEATABLE READ transaction whose snapshot stays open: concurrent index builds wait for it. */
  private static Connection holdSnapshot(TestDatabase db) throws Exception {
    Connection c = db.connect();
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT count(*) FROM pg_class");
    }
    return c;
  }

  /** Waits for a statement of a step starting with {@code step} to have timed out on its lock (55P03). */
  private static void awaitLockTimeout(Fleet fleet, String step) {
    Fleet.await("lock timeout of " + step, WAIT, () -> fleet.state.queryLong("SELECT count(*) FROM tidemark.events"
        + " WHERE plan_id = '" + PLAN + "' AND kind = 'statement' AND sqlstate = '55P03'"
        + " AND starts_with(step_id, '" + step + "')") > 0);
  }

  private static void awaitPartlyBackfilled(TestDatabase db) {
    long before = db.queryLong("SELECT count(*) FROM public.users WHERE status IS NOT NULL");
    Fleet.await("backfill progressing", WAIT, () -> {
      long n = db.queryLong("SELECT count(*) FROM public.users WHERE status IS NOT NULL");
      return n > before && n < ROWS;
    });
  }
}
