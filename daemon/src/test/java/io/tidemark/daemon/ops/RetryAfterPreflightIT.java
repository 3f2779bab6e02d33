package io.tidemark.daemon.ops;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code retry} of a plan that failed in preflight runs preflight again before any step runs. */
class RetryAfterPreflightIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void retryAfterAPreflightFailurePreflightsAgainAndRunsOnlyOnceTheProblemIsFixed() {
    try (Fleet fleet = new Fleet("retrypf", 10)) {
      Daemon daemon = fleet.start("d1");
      fleet.target("apidb").execute("DROP TABLE public.users");
      get(daemon.operations().submit(TestPlans.users("rp", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100),
          "text", "ci"));
      fleet.awaitPlanState("rp", "failed", WAIT);
      assertThat(preflightFailures(fleet)).isEqualTo(3);

      // Nothing fixed: the retry must meet preflight again, not start expanding with users still missing.
      assertThat(get(daemon.operations().retry("rp", Optional.empty(), "oncall"))).isInstanceOf(ActionResult.Done.class);
      Fleet.await("second preflight failure", WAIT, () -> preflightFailures(fleet) == 6);
      fleet.awaitPlanState("rp", "failed", WAIT);
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'rp'"
          + " AND step_id IS NOT NULL")).as("no step ran anywhere").isZero();
      assertThat(fleet.target("authdb").queryLong("SELECT count(*) FROM pg_attribute"
          + " WHERE attrelid = 'public.users'::regclass AND attname = 'status'")).isZero();

      // Fixed: the retry passes preflight and the plan runs to the end.
      TestPlans.prepareUsers(fleet.target("apidb"), 10);
      get(daemon.operations().retry("rp", Optional.empty(), "oncall"));
      fleet.awaitPlanState("rp", "completed", WAIT);
      assertThat(preflightFailures(fleet)).isEqualTo(6);
    }
  }

  private static long preflightFailures(Fleet fleet) {
    return fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'rp'"
        + " AND kind = 'preflight-failed'");
  }
}
