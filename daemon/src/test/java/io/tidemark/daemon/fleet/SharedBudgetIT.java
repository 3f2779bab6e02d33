package io.tidemark.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.ChildDaemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two daemons in their own JVMs on one control store share one server budget: together they never hold more
 * connections than it, also when one is killed -9 mid-plan and a third starts (its slots lapse after the
 * lease duration, then the others may take them).
 */
class SharedBudgetIT {
  private static final int DATABASES = 40;
  private static final int BUDGET = 6;

  @Test
  void twoDaemonsTogetherStayWithinOneBudgetAcrossAKillAndARestart() {
    try (Copies fleet = new Copies("shared", DATABASES, 3000)) {
      List<String> databases = fleet.targets.values().stream().map(TestDatabase::name).toList();
      try (ActivitySampler sampler = new ActivitySampler(fleet.state, databases, 20);
          ChildDaemon a = ChildDaemon.start(hocon(fleet, "share-a"), "share-a");
          ChildDaemon b = ChildDaemon.start(hocon(fleet, "share-b"), "share-b")) {
        fleet.state.execute("SELECT 1");
        submit(fleet);
        Fleet.await("ten databases through expand", Duration.ofSeconds(90), () -> fleet.state.queryLong(
            "SELECT count(*) FROM tidemark.events WHERE plan_id = 'shared' AND kind = 'lease-acquired'") >= 10
            && held(fleet, "share-a") > 0);
        a.kill();
        try (ChildDaemon c = ChildDaemon.start(hocon(fleet, "share-c"), "share-c")) {
          Fleet.await("plan shared completed", Duration.ofSeconds(150), () -> "completed".equals(
              fleet.state.queryValue("SELECT state FROM tidemark.plans WHERE id = 'shared'")));
          // The plan can finish within one lease-duration (3 s) of the kill: the dead daemon's slots lapse by
          // expiry, so wait a lease-duration for it rather than expect it at the moment the plan completes.
          Fleet.await("the killed daemon's slots lapsed", Duration.ofSeconds(10), () -> fleet.state.queryLong(
              "SELECT count(*) FROM tidemark.budget_slots WHERE holder = 'share-a' AND expires_at >= now()") == 0);
        }
        sampler.close();
        assertThat(sampler.samples()).isGreaterThan(50);
        assertThat(sampler.peak()).isBetween(2, BUDGET);
      }
    }
  }

  private static long held(Copies fleet, String instance) {
    return fleet.state.queryLong("SELECT count(*) FROM tidemark.budget_slots WHERE holder = '" + instance + "'"
        + " AND server = 'fleet'");
  }

  /** The plan goes in through the control store, as `tidemark submit` on a third machine would put it. */
  private static void submit(Copies fleet) {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var ops = new io.tidemark.daemon.ops.PlanOperations(new io.tidemark.daemon.store.ControlStore(
          io.tidemark.daemon.Fixtures.pool(vertx, "state", fleet.state)), id -> { });
      Fleet.get(ops.submit(TestPlans.users("shared", fleet.names(), 1, DATABASES,
          io.tidemark.planner.CompiledPlan.Approval.AUTO, 200), "plan text", "ci"));
    } finally {
      Fleet.get(vertx.close());
    }
  }

  private static String hocon(Copies fleet, String instance) {
    StringBuilder dbs = new StringBuilder();
    dbs.append("    state { url = \"").append(fleet.state.url()).append("?sslmode=disable\", server = control }\n");
    fleet.targets.forEach((n, d) -> dbs.append("    ").append(n).append(" { url = \"").append(d.url())
        .append("?sslmode=disable\", server = fleet, pool-size = 2 }\n"));
    return """
        tidemark {
          state-database = state
          http.port = 0
          databases {
        %s  }
          servers {
            fleet { max-connections = %d, max-concurrent-backfills = 2, idle-timeout = 1s, connect-timeout = 5s }
            control { max-connections = 8 }
          }
          defaults.ddl { backoff = [50ms, 500ms], lock-timeout = 200ms, max-attempts = 1000 }
          defaults.backfill { target-batch-duration = 50ms }
          daemon { instance-id = "%s", lease-duration = 3s, heartbeat-interval = 1s, poll-interval = 200ms,
                   shutdown-timeout = 5s }
        }
        """.formatted(dbs, BUDGET, instance);
  }
}
