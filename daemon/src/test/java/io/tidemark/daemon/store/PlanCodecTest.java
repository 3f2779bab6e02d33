package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCodecTest {
  @Test
  void aCompiledPlanSurvivesTheStoreUnchanged() {
    CompiledPlan plan = TestPlans.users("p", List.of("authdb", "apidb"), 1, 2, CompiledPlan.Approval.REQUIRED, 250);

    CompiledPlan back = PlanCodec.decode(new io.vertx.core.json.JsonObject(PlanCodec.encode(plan).encode()));

    assertThat(back).isEqualTo(plan);
  }
}
