package io.tidemark.planner.lint;

import io.tidemark.planner.Phase;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the linter needs to know about where a {@code sql} step sits in its plan.
 *
 * @param phase the phase the step runs in; renames are refused outside {@link Phase#CONTRACT}
 * @param tablesCreatedInPlan tables an earlier step of the same plan creates, each both unqualified
 *     ({@code users}) and qualified ({@code public.users}). On such a table, which no application has filled
 *     yet, operations that lock or scan only that table are safe. Compared case-insensitively.
 */
public record LintContext(Phase phase, Set<String> tablesCreatedInPlan) {
  public LintContext {
    Objects.requireNonNull(phase, "phase");
    tablesCreatedInPlan = tablesCreatedInPlan.stream()
        .map(t -> t.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  /** A step in {@code phase} of a plan that creates no tables before it. */
  public static LintContext of(Phase phase) {
    return new LintContext(phase, Set.of());
  }
}
