package io.tidemark.daemon.runner;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.ThrottleChange;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DatabaseFaultsIT {
  private static final int ROWS = 3000;

  @Test
  void completesWithoutOperatorWhileEveryBackendOfOneDatabaseIsTerminatedForTenSeconds() throws Exception {
    try (Fleet fleet = new Fleet("storm", ROWS)) {
      Daemon daemon = fleet.start("d1");
      PlanOperations ops = daemon.operations();
      TestDatabase apidb = fleet.target("apidb");
      get(ops.submit(TestPlans.users("storm", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100), "text", "ci"));
      get(ops.throttle("storm", new ThrottleChange(OptionalLong.of(200), Optional.empty()), "oncall"));
      Fleet.await("backfill on apidb", Duration.ofSeconds(60), () -> apidb.queryLong(
          "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'status'") == 1
          && apidb.queryLong("SELECT count(*) FROM public.users WHERE status IS NOT NULL") > 0);

      long terminated = storm(apidb, Duration.ofSeconds(10));
      long doneDuringStorm = apidb.queryLong("SELECT count(*) FROM public.users WHERE status IS NOT NULL");
      get(ops.throttle("storm", new ThrottleChange(OptionalLong.of(0), Optional.empty()), "oncall"));

      fleet.awaitPlanState("storm", "completed", Duration.ofSeconds(60));
      fleet.assertUsersExact(ROWS);
      assertThat(terminated).as("backends terminated").isGreaterThan(5);
      assertThat(doneDuringStorm).as("storm ended before the backfill did").isLessThan(ROWS);
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'storm'"
          + " AND kind IN ('step-failed', 'retry')")).as("no failure, no operator").isZero();
    }
  }

  /** Terminates every other backend of {@code db} every 100 ms for {@code length}; returns how many. */
  private static long storm(TestDatabase db, Duration length) throws Exception {
    long count = 0;
    long end = System.nanoTime() + length.toNanos();
    try (Connection c = db.server().connect(db.server().adminDatabase()); Statement s = c.createStatement()) {
      while (System.nanoTime() < end) {
        var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
            + db.name() + "' AND pid <> pg_backend_pid()");
        rs.next();
        count += rs.getLong(1);
        Thread.sleep(100);
      }
    }
    return count;
  }
}
