package io.tidemark.planner.lint;

import java.util.ArrayList;
import java.util.List;

/**
 * Lints the text of a raw {@code sql} step (docs/plan-reference.md, "Lint rules"): every statement that would
 * hold a lock applications queue behind, rewrite or scan a large table under such a lock, change rows in one
 * unbatched transaction, rename or drop something applications still use, do what its operation may not do in
 * the step's phase, or cannot run in the step's transaction, is reported with its {@link LintRule} and the safe
 * form to use. Style preferences come back as {@link LintRule.Severity#WARNING} findings.
 *
 * <p>Statements are linted in sequence ({@link LintSequence}): a {@code SET NOT NULL} after a validated
 * {@code CHECK (col IS NOT NULL)} of the same step is accepted, a {@code VALIDATE} after an {@code ADD ...
 * NOT VALID} of the same transactional step is not, and a table rename followed by a view under the old name
 * in the same transaction is accepted.
 *
 * <p>Works on {@link SqlTokenizer} tokens, so keywords are matched in any case and across comments
 * ({@code create /* x *}{@code / INDEX}), and nothing inside a string literal, quoted identifier, comment or
 * dollar-quoted body is ever flagged: {@code CREATE FUNCTION f() ... AS $$ UPDATE t ... $$} is one
 * {@code CREATE FUNCTION}. The sub-commands of one {@code ALTER TABLE} are checked one by one.
 *
 * <p>A table created by a {@code CREATE TABLE} earlier in the same text, or listed in
 * {@link LintContext#tablesCreatedInPlan()}, is new: no application has filled it, so statements that lock or
 * scan only that table (index, constraint, column and type changes) are not reported on it.
 *
 * <p>Text that does not lex gives one {@code sql-lex-error} finding, after the findings for the complete
 * statements before it. Pure and thread-safe.
 */
public final class SqlLinter {
  /** How much of an unlexable statement a finding quotes. */
  private static final int QUOTE_LIMIT = 200;

  private SqlLinter() {}

  /** Every finding for {@code sql}, in statement order; empty when the text is safe. */
  public static List<LintFinding> lint(String sql, LintContext context) {
    return lint(sql, context, new LintMemory());
  }

  /**
   * Like {@link #lint(String, LintContext)}, in a plan whose earlier {@code sql} steps left {@code memory}
   * (which this text's statements then add to).
   */
  public static List<LintFinding> lint(String sql, LintContext context, LintMemory memory) {
    SqlTokenizer.Lexed lexed = SqlTokenizer.lex(sql);
    List<SqlStatement> statements = SqlStatements.split(sql, lexed.tokens());
    boolean lastIsCut = lexed.error().isPresent() && !statements.isEmpty()
        && !semicolonAfter(lexed.tokens(), statements.get(statements.size() - 1).end());
    List<SqlStatement> complete = lastIsCut ? statements.subList(0, statements.size() - 1) : statements;
    LintSequence sequence = new LintSequence(context.tablesCreatedInPlan(), context.transactional(), memory);
    List<LintFinding> findings = new ArrayList<>();
    for (SqlStatement statement : complete) {
      StatementLinter.Result result = StatementLinter.lint(statement, context, sequence);
      findings.removeAll(result.cleared());
      findings.addAll(result.findings());
    }
    lexed.error().ifPresent(error -> findings.add(lexError(sql, error, complete.size(), lastIsCut
        ? statements.get(statements.size() - 1).start() : error.offset())));
    return List.copyOf(findings);
  }

  private static boolean semicolonAfter(List<SqlToken> tokens, int offset) {
    return tokens.stream().anyMatch(t -> t.start() >= offset && t.isPunctuation(";"));
  }

  private static LintFinding lexError(String sql, SqlLexException error, int statementIndex, int statementStart) {
    String rest = sql.substring(statementStart).strip();
    String quoted = rest.length() > QUOTE_LIMIT ? rest.substring(0, QUOTE_LIMIT) + "..." : rest;
    return new LintFinding(LintRule.SQL_LEX_ERROR.id(), statementIndex, quoted,
        error.getMessage() + ": the text cannot be checked", LintRule.SQL_LEX_ERROR.safeForm());
  }
}
