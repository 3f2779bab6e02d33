package io.tidemark.planner.plan;

import io.tidemark.planner.CompiledPlan.Approval;
import io.tidemark.planner.CompiledPlan.Rollout;
import io.tidemark.planner.Phase;
import java.util.List;

/**
 * A parsed and validated plan, before its databases are resolved against a configuration.
 *
 * @param databases database and group names as written, in order
 * @param rollout   {@code canary} 0 and {@code parallel} 1 when the plan says nothing: one database at a time,
 *                  the most careful rollout; a plan asks for speed explicitly
 * @param approval  {@code required} unless the plan says {@code auto}
 */
public record Plan(
    String id,
    String description,
    List<String> databases,
    Rollout rollout,
    Approval approval,
    List<Operation> expand,
    List<Operation> migrate,
    List<Operation> contract) {

  public Plan {
    databases = List.copyOf(databases);
    expand = List.copyOf(expand);
    migrate = List.copyOf(migrate);
    contract = List.copyOf(contract);
  }

  public List<Operation> operations(Phase phase) {
    return switch (phase) {
      case EXPAND -> expand;
      case MIGRATE -> migrate;
      case CONTRACT -> contract;
    };
  }
}
