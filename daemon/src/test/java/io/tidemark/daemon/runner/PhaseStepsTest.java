package io.tidemark.daemon.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.store.RunPhase;
import io.tidemark.daemon.store.StepRecord;
import io.tidemark.daemon.store.StepState;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Reversibility;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhaseStepsTest {
  private static final CompiledPlan PLAN = TestPlans.users("p", List.of("a", "b"), 0, 2, CompiledPlan.Approval.AUTO, 100);

  @Test
  void aPhaseRunsItsCompiledStepsOfThatDatabaseInOrder() {
    assertThat(PhaseSteps.of(PLAN, "a", RunPhase.EXPAND, List.of())).extracting(PhaseSteps.Keyed::key)
        .containsExactly("expand[0]/add-column", "expand[1]/create-index");
  }

  @Test
  void rollbackUndoesTheStartedExpandStepsLastFirstAndLeavesBackfillsAlone() {
    List<StepRecord> recorded = List.of(
        record("a", "expand[0]/add-column", 1), record("a", "expand[1]/create-index", 2),
        record("a", "migrate[0]/backfill", 1), record("b", "expand[0]/add-column", 1));

    List<PhaseSteps.Keyed> a = PhaseSteps.of(PLAN, "a", RunPhase.ROLLBACK, recorded);
    List<PhaseSteps.Keyed> b = PhaseSteps.of(PLAN, "b", RunPhase.ROLLBACK, recorded);

    assertThat(a).extracting(k -> k.step().action().statements().get(k.step().action().statements().size() - 1))
        .containsExactly(PLAN.steps("a", Phase.EXPAND).get(1).inverse().get(0).action().statements().get(0),
            PLAN.steps("a", Phase.EXPAND).get(0).inverse().get(0).action().statements().get(0));
    assertThat(a).extracting(PhaseSteps.Keyed::key).allMatch(k -> k.startsWith("rollback:expand["));
    assertThat(b).hasSize(1);
  }

  @Test
  void rollbackOverAnIrreversibleStartedStepFailsNamingIt() {
    List<CompiledStep> steps = new ArrayList<>(PLAN.steps());
    CompiledStep first = PLAN.steps("a", Phase.EXPAND).get(0);
    steps.set(steps.indexOf(first), new CompiledStep(first.database(), first.phase(), first.position(), first.id(),
        first.sourcePath(), first.description(), first.action(), first.probe(), Reversibility.IRREVERSIBLE, List.of(),
        Optional.empty(), first.targets()));
    CompiledPlan plan = new CompiledPlan(PLAN.id(), PLAN.description(), PLAN.contentHash(), PLAN.databases(),
        PLAN.rollout(), PLAN.approval(), steps);

    assertThatThrownBy(() -> PhaseSteps.of(plan, "a", RunPhase.ROLLBACK, List.of(record("a", first.id(), 1))))
        .hasMessageContaining(first.id());
  }

  private static StepRecord record(String db, String id, int attempts) {
    return new StepRecord("p", db, id, RunPhase.EXPAND, 0, StepState.DONE, attempts, Optional.empty(),
        Optional.empty(), null);
  }
}
