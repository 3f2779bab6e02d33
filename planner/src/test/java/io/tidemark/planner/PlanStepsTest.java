package io.tidemark.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.compile.PlanCompiler;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanStepsTest {
  private static final String PLAN = """
      id = p
      databases = [authdb, apidb, admindb]
      expand = [
        { op = add_column, table = users, column = status, type = text }
        { op = create_index, table = users, name = users_status_idx, columns = [status] }
      ]
      migrate = [ { op = backfill, table = users, set = "status = 'active'" } ]
      contract = [ { op = set_not_null, table = users, column = status } ]
      """;

  @Test
  void oneDatabasesStepsOfAPhaseAreThoseAScanWouldFindInPlanOrder() {
    CompiledPlan plan = PlanCompiler.compile(Fixtures.parse(PLAN), Fixtures.config());
    for (String database : plan.databases()) {
      for (Phase phase : Phase.values()) {
        List<CompiledStep> scanned = plan.steps().stream()
            .filter(s -> s.database().equals(database) && s.phase() == phase).toList();
        assertThat(plan.steps(database, phase)).isEqualTo(scanned);
      }
    }
    assertThat(plan.steps("apidb", Phase.EXPAND)).extracting(CompiledStep::id)
        .containsExactly("expand[0]/add-column", "expand[1]/create-index");
    assertThat(plan.steps("nosuchdb", Phase.EXPAND)).isEmpty();
  }

  @Test
  void aPlanRebuiltFromItsStepsEqualsTheOriginal() {
    CompiledPlan plan = PlanCompiler.compile(Fixtures.parse(PLAN), Fixtures.config());
    CompiledPlan copy = new CompiledPlan(plan.id(), plan.description(), plan.contentHash(), plan.databases(),
        plan.rollout(), plan.approval(), List.copyOf(plan.steps()));
    assertThat(copy).isEqualTo(plan).hasSameHashCodeAs(plan);
    assertThat(copy.steps("authdb", Phase.CONTRACT)).isEqualTo(plan.steps("authdb", Phase.CONTRACT));
  }
}
