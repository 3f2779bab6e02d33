package io.tidemark.planner.plan;

import io.tidemark.planner.Problem;
import io.tidemark.planner.lint.LintFinding;
import io.tidemark.planner.lint.LintMemory;
import io.tidemark.planner.lint.LintRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How the plan treats lint findings: errors refuse the plan unless the step gives {@code unsafe}, forbidden
 * findings refuse it always, warnings are collected for {@code plan check --warnings} unless the plan lists
 * them under {@code lint.warnings-as-errors}, which makes them errors. Example:
 * {@code lint { warnings-as-errors = [prefer-bigint-over-int, prefer-timestamptz] }}. One per parse.
 */
final class LintPolicy {
  private final Set<String> warningsAsErrors;
  private final List<Problem> warnings = new ArrayList<>();
  /** What the plan's sql steps proved so far, in the order they run (expand, migrate, contract). */
  private final LintMemory memory = new LintMemory();

  private LintPolicy(Set<String> warningsAsErrors) {
    this.warningsAsErrors = warningsAsErrors;
  }

  /** Reads the plan's {@code lint} object, reporting unknown keys, unknown rule ids and non-warning rules. */
  static LintPolicy read(ObjectReader plan) {
    Optional<ObjectReader> lint = plan.object("lint");
    Set<String> asErrors = new LinkedHashSet<>();
    lint.ifPresent(r -> {
      List<String> ids = r.stringList("warnings-as-errors");
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        if (id == null) {
          continue;
        }
        Optional<LintRule> rule = LintRule.byId(id);
        if (rule.isEmpty()) {
          r.problem("warnings-as-errors[" + i + "]", "unknown-lint-rule", "'" + id + "' is not a lint rule id");
        } else if (rule.get().severity() != LintRule.Severity.WARNING) {
          r.problem("warnings-as-errors[" + i + "]", "not-a-warning", "'" + id + "' is already an error");
        } else {
          asErrors.add(id);
        }
      }
      r.finish();
    });
    return new LintPolicy(Set.copyOf(asErrors));
  }

  /**
   * Reports {@code findings} of the text at {@code key}: as problems on {@code r} when they refuse the plan,
   * otherwise as warnings. {@code unsafe} (the step's override) lets errors through, never forbidden findings.
   */
  void report(ObjectReader r, String key, List<LintFinding> findings, boolean unsafe) {
    for (LintFinding f : findings) {
      String message = "statement " + (f.statementIndex() + 1) + " (" + f.statement() + "): " + f.message()
          + "; safe form: " + f.safeForm();
      switch (f.severity()) {
        case FORBIDDEN -> r.problem(key, "lint:" + f.ruleId(), message + " (no unsafe override)");
        case ERROR -> {
          if (!unsafe) {
            r.problem(key, "lint:" + f.ruleId(), message + " (or give unsafe = \"reason\")");
          }
        }
        case WARNING -> {
          if (warningsAsErrors.contains(f.ruleId())) {
            r.problem(key, "lint:" + f.ruleId(), message + " (a warning this plan makes an error)");
          } else {
            warnings.add(new Problem(r.path(key), "lint:" + f.ruleId(), message));
          }
        }
      }
    }
  }

  LintMemory memory() {
    return memory;
  }

  List<Problem> warnings() {
    return List.copyOf(warnings);
  }
}
