package io.tidemark.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.ThousandDatabasePlan;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The state gauges over a 1,000-database plan and an old ended plan: per-database step series only for the
 * databases with a step running, failed or paused; the rest counted per step; the plan that ended hours
 * ago not exported at all. The Tidemark series stay in the hundreds, not 5 per step per database.
 */
@ExtendWith(FreshDatabaseExtension.class)
class StateGaugesIT {
  private static final String STEP = "migrate[0]/backfill";

  @Test
  void aThousandDatabasePlanExportsSeriesForTheWorkInFlightOnly(TestDatabase db) throws Exception {
    Vertx vertx = Vertx.vertx();
    Pool state = Fixtures.pool(vertx, "state", db);
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      Fleet.get(new ControlStore(state).migrate());
      PlanOperations ops = new PlanOperations(new ControlStore(state), id -> { });
      ThousandDatabasePlan.store(ops, db);
      db.execute(
          "INSERT INTO tidemark.step_states (plan_id, database, step_id, phase, position, state)"
              + " SELECT plan_id, database, '" + STEP + "', 'migrate', 0, CASE WHEN state = 'done' THEN 'done'"
              + " WHEN state = 'failed' THEN 'failed' WHEN state = 'running' THEN 'running' ELSE 'pending' END"
              + " FROM tidemark.plan_databases WHERE plan_id = '" + ThousandDatabasePlan.ID + "'",
          "UPDATE tidemark.plan_databases SET current_step = '" + STEP + "' WHERE plan_id = '"
              + ThousandDatabasePlan.ID + "' AND position = 115",
          "UPDATE tidemark.plans SET state = 'completed', updated_at = now() - interval '3 hours' WHERE id = 'small-a'");

      metrics.exportStates(vertx, ops, Duration.ofMillis(100));
      Fleet.await("the state gauges", Duration.ofSeconds(10),
          () -> !PrometheusText.parse(metrics.scrape()).samples(MetricNames.STEP_DATABASES).isEmpty());
      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.samples(MetricNames.STEP_STATE)).as("10 running, 1 paused, 5 failed").hasSize(16);
      assertThat(scrape.samples(MetricNames.STEP_STATE)).filteredOn(s -> s.labels().get("state").equals("paused"))
          .extracting(s -> s.labels().get("database")).containsExactly("tenant_0115");
      Map<String, String> done = Map.of("plan", ThousandDatabasePlan.ID, "phase", "migrate", "step", STEP, "state", "done");
      assertThat(scrape.value(MetricNames.STEP_DATABASES, done)).isEqualTo(100.0);
      assertThat(scrape.samples(MetricNames.PLAN_STATE)).as("the plan that ended 3 hours ago is not exported")
          .noneMatch(s -> s.labels().get("plan").equals("small-a"));
      long series = scrape.families().entrySet().stream().filter(e -> e.getKey().startsWith(MetricNames.PREFIX))
          .mapToLong(e -> scrape.samples(e.getKey()).size()).sum();
      assertThat(series).as("Tidemark series for a 1,000-database plan").isLessThan(100);
    } finally {
      Fleet.get(state.close());
      Fleet.get(vertx.close());
    }
  }
}
