package io.tidemark.planner;

import java.util.List;

/**
 * A plan ready to run: resolved databases in rollout order and every step of every database.
 * {@code contentHash} is the SHA-256 of the plan's canonical form, so the same plan submitted twice is
 * recognised and a different plan under the same id is refused.
 */
public record CompiledPlan(
    String id,
    String description,
    String contentHash,
    List<String> databases,
    Rollout rollout,
    Approval approval,
    List<CompiledStep> steps) {

  public CompiledPlan {
    databases = List.copyOf(databases);
    steps = PlanSteps.of(steps);
  }

  /** The steps of one phase on one database, in execution order. */
  public List<CompiledStep> steps(String database, Phase phase) {
    return ((PlanSteps) steps).of(database, phase);
  }

  /**
   * {@code rollout}: how many databases go first alone (canary), then how many at a time, and after how many
   * failed databases the rollout stops ({@code max-failures}; empty when the plan does not say, which is 1:
   * the first failure stops it, the safe default). Empty rather than 1 so plans that do not mention it keep
   * their content hash.
   */
  public record Rollout(int canary, int parallel, java.util.OptionalInt maxFailures) {
    /** The default of {@code rollout.max-failures}. */
    public static final int DEFAULT_MAX_FAILURES = 1;

    public Rollout(int canary, int parallel) {
      this(canary, parallel, java.util.OptionalInt.empty());
    }

    /** Failed databases at which the rollout stops starting new ones and the plan fails. */
    public int failureLimit() {
      return maxFailures.orElse(DEFAULT_MAX_FAILURES);
    }
  }

  /** Whether contract waits for an operator's approval. */
  public enum Approval {
    REQUIRED, AUTO
  }
}
