package io.tidemark.planner.plan;

import io.tidemark.planner.Phase;
import io.tidemark.planner.lint.Expressions;
import io.tidemark.planner.lint.LintContext;
import io.tidemark.planner.lint.LintFinding;
import io.tidemark.planner.lint.SqlLexException;
import io.tidemark.planner.lint.SqlStatement;
import io.tidemark.planner.lint.SqlLinter;
import io.tidemark.planner.lint.SqlStatements;
import java.util.List;
import java.util.Set;

/** The parser's one seam to the lint package: expression checks, statement splitting and raw-SQL lint. */
final class SqlChecks {
  private SqlChecks() {}

  /** Why {@code expression} is not exactly one SQL expression; empty when it is. */
  static List<String> expressionProblems(String expression) {
    return Expressions.singleExpressionProblems(expression);
  }

  /** Calls in {@code expression} that may be volatile (a default must be a constant). */
  static List<String> volatileCalls(String expression) {
    return Expressions.possiblyVolatileCalls(expression);
  }

  /** The SPEC §5 findings for raw SQL in {@code phase}; tables the plan created earlier are exempt. */
  static List<LintFinding> lint(String sql, Phase phase, Set<String> tablesCreatedInPlan) {
    return SqlLinter.lint(sql, new LintContext(phase, tablesCreatedInPlan));
  }

  /**
   * The statements of {@code sql} as written, without the terminating {@code ;}.
   *
   * @throws SqlLexException when the text does not lex
   */
  static List<String> split(String sql) {
    return SqlStatements.split(sql).stream().map(SqlStatement::text).toList();
  }
}
