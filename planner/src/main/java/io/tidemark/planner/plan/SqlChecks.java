package io.tidemark.planner.plan;

import io.tidemark.planner.lint.Expressions;
import io.tidemark.planner.plan.Operation.Assignment;
import io.tidemark.planner.lint.LintContext;
import io.tidemark.planner.lint.LintFinding;
import io.tidemark.planner.lint.LintMemory;
import io.tidemark.planner.lint.SqlLexException;
import io.tidemark.planner.lint.SqlStatement;
import io.tidemark.planner.lint.SqlLinter;
import io.tidemark.planner.lint.SqlStatements;
import io.tidemark.planner.lint.SqlToken;
import io.tidemark.planner.lint.SqlTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The parser's one seam to the lint package: expression checks, statement splitting and raw-SQL lint. */
final class SqlChecks {
  private SqlChecks() {}

  /**
   * Why {@code expression} is not exactly one SQL expression; empty when it is. Besides the lint package's
   * checks, a comma outside parentheses is refused: {@code a, b} is a list, and would break the statement
   * Tidemark pastes it into ({@code CHECK (a, b)}, {@code WHERE a, b}).
   */
  static List<String> expressionProblems(String expression) {
    List<String> problems = new ArrayList<>(Expressions.singleExpressionProblems(expression));
    if (problems.isEmpty() && topLevelCommas(expression).size() > 0) {
      problems.add("has a ',' outside parentheses at offset " + topLevelCommas(expression).get(0)
          + ": give one expression");
    }
    return problems;
  }

  /** One thing wrong with an expression: a problem code and a sentence fragment for people. */
  record Finding(String code, String message) {}

  /**
   * Everything wrong with {@code expression} as a plan expression: not exactly one expression
   * ({@code not-a-single-expression}), a call to a deny-listed function ({@code forbidden-function}), or a
   * sub-query ({@code subquery-not-allowed}).
   */
  static List<Finding> expressionFindings(String expression) {
    List<Finding> findings = new ArrayList<>();
    expressionProblems(expression).forEach(p -> findings.add(new Finding("not-a-single-expression", p)));
    for (String function : Expressions.forbiddenCalls(expression)) {
      findings.add(new Finding("forbidden-function", "calls " + function + "(), which acts outside the row (server"
          + " administration, signals, files, network, settings, sleeps or locks) and is never allowed in a plan"
          + " expression"));
    }
    Expressions.subqueryProblems(expression).forEach(p -> findings.add(new Finding("subquery-not-allowed", p)));
    return findings;
  }

  /**
   * {@code status = 'x'} → column {@code status} and expression {@code 'x'}, read with the tokenizer: a
   * column name (plain or quoted), then {@code =} (not {@code =>} or {@code ==}), then a non-empty rest. Empty
   * when {@code text} is not of that form.
   */
  static Optional<Assignment> assignment(String text) {
    return Expressions.assignment(text).map(parts -> new Assignment(parts.get(0), parts.get(1)));
  }

  /**
   * {@code a = 1, b = f(x, y)} → {@code a = 1} and {@code b = f(x, y)}: the text cut at commas outside
   * parentheses, brackets, strings and comments. Text that does not lex comes back whole (its expression
   * check reports it).
   */
  static List<String> splitTopLevelCommas(String text) {
    List<String> parts = new ArrayList<>();
    int from = 0;
    for (int comma : topLevelCommas(text)) {
      parts.add(text.substring(from, comma));
      from = comma + 1;
    }
    parts.add(text.substring(from));
    return parts;
  }

  private static List<Integer> topLevelCommas(String text) {
    List<Integer> commas = new ArrayList<>();
    try {
      int depth = 0;
      for (SqlToken token : SqlTokenizer.tokenize(text)) {
        if (token.isPunctuation("(") || token.isPunctuation("[")) {
          depth++;
        } else if (token.isPunctuation(")") || token.isPunctuation("]")) {
          depth--;
        } else if (depth == 0 && token.isPunctuation(",")) {
          commas.add(token.start());
        }
      }
    } catch (SqlLexException e) {
      return List.of();
    }
    return commas;
  }

  /** Calls in {@code expression} that may be volatile (a default must be a constant). */
  static List<String> volatileCalls(String expression) {
    return Expressions.possiblyVolatileCalls(expression);
  }

  /** The lint findings (docs/plan-reference.md, "Lint rules") for raw SQL in {@code context}. */
  static List<LintFinding> lint(String sql, LintContext context, LintMemory memory) {
    return SqlLinter.lint(sql, context, memory);
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
