package io.tidemark.daemon.fleet;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.ServerConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetBudgetIT {
  private static final int DATABASES = Integer.getInteger("fleet.databases", 150);
  private static final int BUDGET = 8;

  @Test
  void planOverOneHundredFiftyDatabasesCompletesWithinAServerBudgetOfEight() {
    try (Copies fleet = new Copies("budget", DATABASES, 30)) {
      TidemarkConfig config = fleet.config("b1",
          new ServerConfig(Copies.SERVER, 2, BUDGET, Duration.ofSeconds(5), Duration.ofSeconds(2)), Map.of());
      List<String> databases = fleet.targets.values().stream().map(TestDatabase::name).toList();
      Daemon daemon = get(Daemon.start(config));
      try (ActivitySampler sampler = new ActivitySampler(fleet.state, databases, 20);
          ActivitySampler drives = ActivitySampler.drives(fleet.state, "fleet150", 20)) {
        CompiledPlan plan = TestPlans.users("fleet150", fleet.names(), 1, DATABASES, CompiledPlan.Approval.AUTO, 500);
        get(daemon.operations().submit(plan, "plan text", "ci"));
        Fleet.await("plan fleet150 completed", Duration.ofSeconds(90), () -> "completed".equals(
            fleet.state.queryValue("SELECT state FROM tidemark.plans WHERE id = 'fleet150'")));
        sampler.close();
        assertThat(sampler.samples()).isGreaterThan(10);
        assertThat(sampler.peak()).isBetween(1, BUDGET);
        assertThat(daemon.connections().peak(Copies.SERVER)).isBetween(1, BUDGET);
        drives.close();
        // Half the budget: every database started at once made each query queue behind every other one's.
        assertThat(drives.peak()).as("databases driven at once").isBetween(1, BUDGET / 2);
      } finally {
        get(daemon.stop());
      }
      for (TestDatabase db : List.of(fleet.targets.get("t0000"), fleet.targets.get(String.format("t%04d", DATABASES - 1)))) {
        assertThat(db.queryLong("SELECT count(*) FROM public.users WHERE status IS NULL")).isZero();
        assertThat(db.queryValue("SELECT phase_reached FROM tidemark.applied_plans WHERE plan_id = 'fleet150'"))
            .isEqualTo("contract");
      }
    }
  }
}
