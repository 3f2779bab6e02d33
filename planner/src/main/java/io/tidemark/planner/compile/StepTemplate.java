package io.tidemark.planner.compile;

import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.Probe;
import io.tidemark.planner.Reversibility;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.StepTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A compiled step before it is stamped with a database and a position: the steps of a plan are the same on
 * every database, so each operation is compiled once.
 */
record StepTemplate(
    Phase phase,
    String id,
    String sourcePath,
    String description,
    StepAction action,
    Optional<Probe> probe,
    Reversibility reversibility,
    List<StepTemplate> inverse,
    Optional<String> unsafeReason,
    StepTargets targets) {

  StepTemplate {
    inverse = List.copyOf(inverse);
  }

  /**
   * A step with nothing to undo, touching nothing known yet; chain {@link #touching}, {@link #undoneBy},
   * {@link #irreversible} or {@link #unsafe}.
   */
  static StepTemplate of(Phase phase, String sourcePath, String name, String description, StepAction action,
      Probe probe) {
    return new StepTemplate(phase, sourcePath + "/" + name, sourcePath, description, action,
        Optional.ofNullable(probe), Reversibility.NOTHING_TO_UNDO, List.of(), Optional.empty(), StepTargets.UNKNOWN);
  }

  /** Reversible by one inverse step, id {@code <id>/undo}. */
  StepTemplate undoneBy(String undoDescription, StepAction undo, Probe undoProbe) {
    StepTemplate inverseStep = new StepTemplate(phase, id + "/undo", sourcePath, undoDescription, undo,
        Optional.ofNullable(undoProbe), Reversibility.NOTHING_TO_UNDO, List.of(), unsafeReason, StepTargets.UNKNOWN);
    return withInverse(List.of(inverseStep));
  }

  /** Reversible by several inverse steps run in the given order, ids {@code <id>/undo-1}, ... */
  StepTemplate undoneBy(String undoDescription, List<StepAction> undo) {
    if (undo.size() == 1) {
      return undoneBy(undoDescription, undo.get(0), null);
    }
    List<StepTemplate> steps = new ArrayList<>();
    for (int i = 0; i < undo.size(); i++) {
      steps.add(new StepTemplate(phase, id + "/undo-" + (i + 1), sourcePath, undoDescription, undo.get(i),
          Optional.empty(), Reversibility.NOTHING_TO_UNDO, List.of(), unsafeReason, StepTargets.UNKNOWN));
    }
    return withInverse(steps);
  }

  StepTemplate irreversible() {
    return new StepTemplate(phase, id, sourcePath, description, action, probe, Reversibility.IRREVERSIBLE,
        List.of(), unsafeReason, targets);
  }

  StepTemplate unsafe(Optional<String> reason) {
    return new StepTemplate(phase, id, sourcePath, description, action, probe, reversibility,
        inverse.stream().map(s -> s.unsafe(reason)).toList(), reason, targets);
  }

  private StepTemplate withInverse(List<StepTemplate> steps) {
    return new StepTemplate(phase, id, sourcePath, description, action, probe, Reversibility.REVERSIBLE, steps,
        unsafeReason, targets);
  }

  /** The same step, touching {@code touched} (see {@link StepTargets}); inverse steps keep theirs. */
  StepTemplate touching(StepTargets touched) {
    return new StepTemplate(phase, id, sourcePath, description, action, probe, reversibility, inverse,
        unsafeReason, touched);
  }

  /** The step on one database; inverse steps are numbered 0.. in the order they run. */
  CompiledStep on(String database, int position) {
    List<CompiledStep> undo = new ArrayList<>();
    for (int i = 0; i < inverse.size(); i++) {
      undo.add(inverse.get(i).on(database, i));
    }
    return new CompiledStep(database, phase, position, id, sourcePath, description, action, probe, reversibility,
        undo, unsafeReason, targets);
  }
}
