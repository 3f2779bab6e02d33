package io.tidemark.planner.lint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lints the text of a raw {@code sql} step (SPEC §5): every statement that would hold a lock applications
 * queue behind, rewrite or scan a large table under such a lock, change rows in one unbatched transaction, or
 * rename something applications still use, is reported with its {@link LintRule} and the safe form to use.
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
    SqlTokenizer.Lexed lexed = SqlTokenizer.lex(sql);
    List<SqlStatement> statements = SqlStatements.split(sql, lexed.tokens());
    boolean lastIsCut = lexed.error().isPresent() && !statements.isEmpty()
        && !semicolonAfter(lexed.tokens(), statements.get(statements.size() - 1).end());
    List<SqlStatement> complete = lastIsCut ? statements.subList(0, statements.size() - 1) : statements;
    Set<String> createdTables = new HashSet<>(context.tablesCreatedInPlan());
    List<LintFinding> findings = new ArrayList<>();
    for (SqlStatement statement : complete) {
      findings.addAll(StatementLinter.lint(statement, context.phase(), createdTables));
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
