package io.tidemark.planner;

import java.util.List;
import java.util.Optional;

/**
 * One step of a compiled plan on one database.
 *
 * @param database     the configured database name it runs on
 * @param phase        the phase it belongs to
 * @param position     0-based order within (database, phase)
 * @param id           stable id, unique within the plan and database: {@code expand[1]/create-index}; the
 *                     control store and checkpoints key on it, so it must not depend on anything but the
 *                     plan text
 * @param sourcePath   the operation's path in the plan file ({@code expand[1]})
 * @param description  one line for people: {@code create index users_email_address_idx on public.users}
 * @param action       what runs (its type says whether it is transactional)
 * @param probe        the catalog probe telling whether the effect exists; empty when none can exist
 *                     (raw SQL, backfill: those rely on the control store and checkpoints)
 * @param reversibility whether rollback can undo it
 * @param inverse      the steps that undo it, in the order they run (empty unless REVERSIBLE); their phase
 *                     is the phase of the step they undo
 * @param unsafeReason set when a raw SQL step overrode a lint finding with {@code unsafe = "reason"}
 * @param targets      the tables, columns (with declared types), indexes, constraints and types the step
 *                     touches, for preflight; {@link StepTargets#UNKNOWN} for inverse steps and plans stored
 *                     before targets were recorded
 * @param calledFunctions the functions the operation's expressions call ({@code lower}, {@code app.f}), as
 *                     the planner's tokenizer read them from the plan; preflight refuses volatile ones that
 *                     are not on the allow list (docs/plan-reference.md)
 */
public record CompiledStep(
    String database,
    Phase phase,
    int position,
    String id,
    String sourcePath,
    String description,
    StepAction action,
    Optional<Probe> probe,
    Reversibility reversibility,
    List<CompiledStep> inverse,
    Optional<String> unsafeReason,
    StepTargets targets,
    List<String> calledFunctions) {

  public CompiledStep {
    inverse = List.copyOf(inverse);
    calledFunctions = List.copyOf(calledFunctions);
  }

  /** A step whose expressions call no function. */
  public CompiledStep(String database, Phase phase, int position, String id, String sourcePath, String description,
      StepAction action, Optional<Probe> probe, Reversibility reversibility, List<CompiledStep> inverse,
      Optional<String> unsafeReason, StepTargets targets) {
    this(database, phase, position, id, sourcePath, description, action, probe, reversibility, inverse,
        unsafeReason, targets, List.of());
  }

  /** This step, and the steps that undo it, with {@code functions} as their called functions. */
  public CompiledStep calling(List<String> functions) {
    return new CompiledStep(database, phase, position, id, sourcePath, description, action, probe, reversibility,
        inverse.stream().map(s -> s.calling(functions)).toList(), unsafeReason, targets, functions);
  }

  public StepKind kind() {
    return action.kind();
  }
}
