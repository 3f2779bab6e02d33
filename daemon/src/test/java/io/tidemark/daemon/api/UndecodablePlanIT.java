package io.tidemark.daemon.api;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.planner.CompiledPlan;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A plan row this daemon cannot decode (corrupt, or written in a newer format by a newer daemon sharing the
 * control store) fails only that plan: the others keep running and {@code GET /plans} still lists it.
 */
class UndecodablePlanIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void corruptAndNewerFormatRowsFailOnlyTheirPlansAndTheListStillAnswers() {
    Vertx vertx = Vertx.vertx();
    try (Fleet fleet = new Fleet("undecodable", 300)) {
      ControlStore store = new ControlStore(Fixtures.pool(vertx, "state", fleet.state));
      get(store.migrate());
      PlanOperations ops = new PlanOperations(store, id -> { });
      get(ops.submit(plan("corrupt", "authdb"), "text", "ci"));
      get(ops.submit(plan("newer", "apidb"), "text", "ci"));
      fleet.state.execute(
          "UPDATE tidemark.plans SET compiled = '{\"steps\": 7}' WHERE id = 'corrupt'",
          "UPDATE tidemark.plans SET compiled = compiled || '{\"format\": 99, \"writtenBy\": \"9.9.0\"}'"
              + " WHERE id = 'newer'");
      get(ops.submit(plan("healthy", "admindb"), "text", "ci"));

      Daemon d = fleet.start(ApiFixture.withTokens(fleet.config("d1"), ApiFixture.TOKENS, 1 << 20));

      fleet.awaitPlanState("healthy", "completed", WAIT);
      fleet.awaitPlanState("corrupt", "failed", WAIT);
      fleet.awaitPlanState("newer", "failed", WAIT);
      assertThat((String) fleet.state.queryValue("SELECT last_error FROM tidemark.plans WHERE id = 'corrupt'"))
          .startsWith("cannot decode plan: ");
      assertThat((String) fleet.state.queryValue("SELECT last_error FROM tidemark.plans WHERE id = 'newer'"))
          .startsWith("cannot decode plan: format 99 written by version 9.9.0");
      assertThat(fleet.target("authdb").queryLong("SELECT count(*) FROM information_schema.columns"
          + " WHERE table_name = 'users' AND column_name = 'status'")).as("nothing of the corrupt plan ran").isZero();
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.leases WHERE plan_id IN ('corrupt', 'newer')"))
          .isZero();

      ApiFixture.Answer list = ApiFixture.send(d.httpPort(), "GET", "/plans", ApiFixture.VIEWER, null, null);
      assertThat(list.status()).isEqualTo(200);
      assertThat(new JsonObject(list.body()).getJsonArray("plans").stream()
          .map(p -> ((JsonObject) p).getString("id")).toList()).containsExactly("corrupt", "newer", "healthy");
      ApiFixture.Answer one = ApiFixture.send(d.httpPort(), "GET", "/plans/newer", ApiFixture.VIEWER, null, null);
      assertThat(one.status()).isEqualTo(200);
      assertThat(new JsonObject(one.body()).getString("state")).isEqualTo("failed");
      assertThat(new JsonObject(one.body()).getString("undecodable")).contains("format 99");
      assertThat(ApiFixture.send(d.httpPort(), "POST", "/plans/corrupt/cancel", ApiFixture.OPERATOR, null, null)
          .status()).as("an undecodable plan can still be cancelled").isEqualTo(200);
    } finally {
      get(vertx.close());
    }
  }

  private static CompiledPlan plan(String id, String database) {
    return TestPlans.users(id, List.of(database), 0, 1, CompiledPlan.Approval.AUTO, 100);
  }
}
