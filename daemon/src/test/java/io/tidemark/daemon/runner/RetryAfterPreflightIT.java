package io.tidemark.daemon.runner;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.planner.CompiledPlan;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code retry} of a plan on which no step ever started (preflight failed) sends it back to {@code submitted}:
 * preflight runs again before anything else, so a problem left unfixed fails the plan again, untouched.
 */
class RetryAfterPreflightIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void retryAfterAPreflightFailureRunsPreflightAgainBeforeAnyStep() {
    try (Fleet fleet = new Fleet("retrypreflight", 10)) {
      Daemon daemon = fleet.start("d1");
      fleet.target("apidb").execute("DROP TABLE public.users");
      get(daemon.operations().submit(TestPlans.users("rp", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100),
          "text", "ci"));
      fleet.awaitPlanState("rp", "failed", WAIT);

      assertThat(get(daemon.operations().retry("rp", java.util.Optional.of("authdb"), "oncall")))
          .as("even one database: nothing ran, so the whole plan is preflighted again")
          .isEqualTo(new ActionResult.Done<>(PlanState.SUBMITTED));
      Fleet.await("preflight failed a second time", WAIT, () -> preflightFailures(fleet) == 2 * Fleet.NAMES.size());
      fleet.awaitPlanState("rp", "failed", WAIT);
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.step_states WHERE plan_id = 'rp'"))
          .as("the unfixed problem stopped it before any step").isZero();

      TestPlans.prepareUsers(fleet.target("apidb"), 10);
      assertThat(get(daemon.operations().retry("rp", java.util.Optional.empty(), "oncall")))
          .isEqualTo(new ActionResult.Done<>(PlanState.SUBMITTED));
      fleet.awaitPlanState("rp", "completed", WAIT);
      assertThat(preflightFailures(fleet)).isEqualTo(2 * Fleet.NAMES.size());
    }
  }

  private static long preflightFailures(Fleet fleet) {
    return fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'rp'"
        + " AND kind = 'preflight-failed'");
  }
}
