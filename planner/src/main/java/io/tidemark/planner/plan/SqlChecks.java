package io.tidemark.planner.plan;

import io.tidemark.planner.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The planner's view of the lint package: expression checks and raw-SQL lint, so the parser depends on one
 * narrow seam. TEMPORARY stand-in until {@code io.tidemark.planner.lint} is merged.
 */
final class SqlChecks {
  private SqlChecks() {}

  /** Why {@code expression} is not exactly one SQL expression; empty when it is. */
  static List<String> expressionProblems(String expression) {
    List<String> problems = new ArrayList<>();
    if (expression.contains(";")) {
      problems.add("must be one expression: ';' is not allowed");
    }
    return problems;
  }

  /** Calls in {@code expression} that may be volatile (a default must be a constant). */
  static List<String> volatileCalls(String expression) {
    List<String> calls = new ArrayList<>();
    for (String f : List.of("random(", "gen_random_uuid(", "clock_timestamp(", "nextval(", "uuid_generate_v4(")) {
      if (expression.toLowerCase(java.util.Locale.ROOT).contains(f)) {
        calls.add(f.substring(0, f.length() - 1));
      }
    }
    return calls;
  }

  /** One lint finding of a raw statement. */
  record Finding(String ruleId, int statementIndex, String statement, String message, String safeForm) {}

  static List<Finding> lint(String sql, Phase phase, Set<String> tablesCreatedInPlan) {
    return List.of();
  }

  static List<String> split(String sql) {
    List<String> statements = new ArrayList<>();
    for (String s : sql.split(";")) {
      if (!s.isBlank()) {
        statements.add(s.strip());
      }
    }
    return statements;
  }
}
