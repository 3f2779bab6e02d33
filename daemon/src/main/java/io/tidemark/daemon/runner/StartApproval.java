package io.tidemark.daemon.runner;

import io.tidemark.config.PolicySettings;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a plan waits for an operator before its first step, under {@code tidemark.policy.raw-sql-approval}:
 * with {@code required} (the default), a plan with a raw {@code sql} step or an {@code unsafe = "reason"}
 * escape does, and the reason names those steps; typed operations start straight after preflight. Worked
 * example: {@code raw SQL or unsafe steps need an operator's approval before the first step: expand[0]/sql
 * (raw SQL) on authdb, apidb; contract[1]/drop-table (unsafe: "the table is empty")}. Pure; any thread.
 */
final class StartApproval {
  private StartApproval() {}

  /** Why the plan must wait for an operator before its first step; empty when it may start. */
  static Optional<String> reason(CompiledPlan plan, PolicySettings policy) {
    if (!policy.rawSqlApprovalRequired()) {
      return Optional.empty();
    }
    Map<String, List<String>> databasesByStep = new LinkedHashMap<>();
    Map<String, String> whyByStep = new LinkedHashMap<>();
    for (CompiledStep s : plan.steps()) {
      Optional<String> why = why(s);
      if (why.isPresent()) {
        databasesByStep.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(s.database());
        whyByStep.put(s.id(), why.get());
      }
    }
    if (databasesByStep.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    databasesByStep.forEach((id, dbs) -> parts.add(id + " (" + whyByStep.get(id) + ") on " + String.join(", ", dbs)));
    return Optional.of("raw SQL or unsafe steps need an operator's approval before the first step: "
        + String.join("; ", parts));
  }

  /**
   * A step of the {@code sql} operation is named {@code <path>/sql} (transactional) or {@code <path>/sql-N}
   * (one statement each); no typed operation uses those names (planner's {@code OperationCompiler}).
   */
  private static Optional<String> why(CompiledStep s) {
    if (s.unsafeReason().isPresent()) {
      return Optional.of("unsafe: \"" + s.unsafeReason().get() + "\"");
    }
    String name = s.id().substring(s.id().lastIndexOf('/') + 1);
    return name.equals("sql") || name.matches("sql-\\d+") ? Optional.of("raw SQL") : Optional.empty();
  }
}
