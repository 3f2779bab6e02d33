package io.tidemark.daemon.runner;

import io.tidemark.daemon.store.RunPhase;
import io.tidemark.daemon.store.StepRecord;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Reversibility;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The steps one database runs in one phase, each with the key the control store tracks it under. For
 * rollback (docs/concepts.md: the expand steps undone in reverse order): the inverses of every expand step that was
 * started (attempted at least once), last started first. Backfills are not undone: what they wrote lives in
 * columns the expand inverses drop, or stays as it was set. An irreversible expand step among them makes the
 * list fail instead, naming it. Pure; any thread.
 */
final class PhaseSteps {
  private PhaseSteps() {}

  /** A step to run and the key of its row in {@code tidemark.step_states}. */
  record Keyed(String key, int position, CompiledStep step) {}

  static List<Keyed> of(CompiledPlan plan, String database, RunPhase phase, List<StepRecord> recorded) {
    if (phase != RunPhase.ROLLBACK) {
      return plan.steps(database, phase.planPhase().orElseThrow()).stream()
          .map(s -> new Keyed(s.id(), s.position(), s)).toList();
    }
    return rollback(plan, database, recorded);
  }

  private static List<Keyed> rollback(CompiledPlan plan, String database, List<StepRecord> recorded) {
    Map<String, StepRecord> byId = recorded.stream().filter(r -> r.database().equals(database))
        .collect(Collectors.toMap(StepRecord::stepId, Function.identity()));
    List<CompiledStep> started = new ArrayList<>(plan.steps(database, Phase.EXPAND).stream()
        .filter(s -> byId.containsKey(s.id()) && byId.get(s.id()).attempts() > 0)
        .toList());
    Collections.reverse(started);
    List<Keyed> out = new ArrayList<>();
    for (CompiledStep s : started) {
      if (s.reversibility() == Reversibility.IRREVERSIBLE) {
        throw new IllegalStateException("step " + s.id() + " (" + s.description() + ") cannot be rolled back");
      }
      for (int i = 0; i < s.inverse().size(); i++) {
        out.add(new Keyed("rollback:" + s.id() + "#" + i, out.size(), s.inverse().get(i)));
      }
    }
    return out;
  }
}
