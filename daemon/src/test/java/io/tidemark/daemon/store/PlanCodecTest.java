package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCodecTest {
  @Test
  void aCompiledPlanSurvivesTheStoreUnchanged() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb", "apidb"), 1, 2, CompiledPlan.Approval.REQUIRED, 250);

    CompiledPlan back = PlanCodec.decode(new io.vertx.core.json.JsonObject(PlanCodec.encode(plan).encode()));

    assertThat(back).isEqualTo(plan);
  }

  @Test
  void calledFunctionsSurviveTheStoreAndOldRowsWithoutThemDecode() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb"), 0, 1, CompiledPlan.Approval.REQUIRED, 250);
    CompiledStep first = plan.steps().get(0).calling(List.of("lower", "app.f"));
    CompiledPlan calling = new CompiledPlan(plan.id(), plan.description(), plan.contentHash(), plan.databases(),
        plan.rollout(), plan.approval(), List.of(first));
    JsonObject stored = new JsonObject(PlanCodec.encode(calling).encode());

    assertThat(PlanCodec.decode(stored).steps().get(0).calledFunctions()).containsExactly("lower", "app.f");
    stored.getJsonArray("steps").getJsonObject(0).remove("calledFunctions");
    assertThat(PlanCodec.decode(stored).steps().get(0).calledFunctions()).isEmpty();
  }
}
