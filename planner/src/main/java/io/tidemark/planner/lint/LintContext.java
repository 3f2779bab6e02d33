package io.tidemark.planner.lint;

import io.tidemark.planner.Phase;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the linter needs to know about where a {@code sql} step sits in its plan.
 *
 * @param phase the phase the step runs in: statements an operation may not run in that phase are refused
 *     (a {@code DROP COLUMN} outside contract, like {@code op = drop_column})
 * @param tablesCreatedInPlan tables an earlier step of the same plan creates, each both unqualified
 *     ({@code users}) and qualified ({@code public.users}). On such a table, which no application has filled
 *     yet, operations that lock or scan only that table are safe. Compared case-insensitively.
 * @param transactional whether the statements run together in one transaction (the step's
 *     {@code transactional}, true by default); with false each statement runs alone, outside any transaction
 * @param undo whether the text is a {@code down}: it runs only when a rollback undoes the step, so the phase
 *     rules (which keep destructive statements in contract) do not apply to it
 */
public record LintContext(Phase phase, Set<String> tablesCreatedInPlan, boolean transactional, boolean undo) {
  public LintContext {
    Objects.requireNonNull(phase, "phase");
    tablesCreatedInPlan = tablesCreatedInPlan.stream()
        .map(t -> t.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A transactional step's statements. */
  public LintContext(Phase phase, Set<String> tablesCreatedInPlan) {
    this(phase, tablesCreatedInPlan, true, false);
  }

  /** A transactional step in {@code phase} of a plan that creates no tables before it. */
  public static LintContext of(Phase phase) {
    return new LintContext(phase, Set.of());
  }

  /** A step in {@code phase}, transactional or not, of a plan that creates no tables before it. */
  public static LintContext of(Phase phase, boolean transactional) {
    return new LintContext(phase, Set.of(), transactional, false);
  }
}
