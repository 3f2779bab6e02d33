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
    steps = List.copyOf(steps);
  }

  /** The steps of one phase on one database, in execution order. */
  public List<CompiledStep> steps(String database, Phase phase) {
    return steps.stream().filter(s -> s.database().equals(database) && s.phase() == phase).toList();
  }

  /** {@code rollout}: how many databases go first alone (canary), then how many at a time. */
  public record Rollout(int canary, int parallel) {}

  /** Whether contract waits for an operator's approval. */
  public enum Approval {
    REQUIRED, AUTO
  }
}
