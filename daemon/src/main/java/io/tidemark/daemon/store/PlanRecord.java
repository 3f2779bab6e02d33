package io.tidemark.daemon.store;

import io.tidemark.planner.CompiledPlan;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A plan as the control store holds it. {@code resumeState} is the state a paused plan returns to;
 * {@code maxRowsPerSecond} and {@code operatorThrottle} are the runtime throttle overrides an operator set.
 */
public record PlanRecord(
    String id,
    String contentHash,
    String planText,
    CompiledPlan compiled,
    String submittedBy,
    PlanState state,
    RunPhase phase,
    Optional<PlanState> resumeState,
    Optional<String> approvedBy,
    OptionalLong maxRowsPerSecond,
    boolean operatorThrottle,
    Optional<String> lastError,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public boolean approvalRequired() {
    return compiled.approval() == CompiledPlan.Approval.REQUIRED;
  }
}
