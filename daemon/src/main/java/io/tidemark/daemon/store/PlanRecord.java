package io.tidemark.daemon.store;

import io.tidemark.planner.CompiledPlan;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A plan as the control store holds it. {@code resumeState} is the state a paused plan returns to;
 * {@code maxRowsPerSecond} and {@code operatorThrottle} are the runtime throttle overrides an operator set;
 * {@code awaiting} says what an operator's approval is awaited for while the plan is {@code awaiting-approval}.
 *
 * <p>{@code compiled} is null exactly when {@code undecodable} holds why this daemon cannot decode the stored
 * form (a corrupt row, or a newer format written by a newer daemon): such a plan is only listed, failed and
 * cancelled, never run, and {@link #compiled()} refuses to answer for it.
 */
public record PlanRecord(
    String id,
    String contentHash,
    String planText,
    CompiledPlan compiled,
    Optional<String> undecodable,
    String submittedBy,
    PlanState state,
    RunPhase phase,
    Optional<PlanState> resumeState,
    Optional<String> approvedBy,
    Optional<String> awaiting,
    OptionalLong maxRowsPerSecond,
    boolean operatorThrottle,
    Optional<String> lastError,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  /** The decoded plan; throws {@link IllegalStateException} for an undecodable one (check {@link #decoded()}). */
  @Override
  public CompiledPlan compiled() {
    if (compiled == null) {
      throw new IllegalStateException("plan " + id + ": " + undecodable.orElse("not decoded"));
    }
    return compiled;
  }

  public boolean decoded() {
    return compiled != null;
  }

  public boolean approvalRequired() {
    return compiled().approval() == CompiledPlan.Approval.REQUIRED;
  }
}
