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
    StepTargets targets) {

  public CompiledStep {
    inverse = List.copyOf(inverse);
  }

  public StepKind kind() {
    return action.kind();
  }
}
