package io.tidemark.planner.lint;

/**
 * One unsafe statement in a {@code sql} step. The planner refuses the step unless it carries
 * {@code unsafe = "reason"} (recorded in the audit log), or, for a warning, unless the plan makes it an error.
 *
 * @param ruleId stable kebab-case id of the {@link LintRule}, e.g. {@code create-index-without-concurrently}
 * @param statementIndex 0-based index of the statement among the non-empty statements of the step's text
 * @param statement the statement as written (comments inside it included)
 * @param message what is unsafe about it and why, in its context, naming the table, column or function
 * @param safeForm what to write instead: the Tidemark operation, or the SQL
 */
public record LintFinding(String ruleId, int statementIndex, String statement, String message, String safeForm) {

  /** The severity of the finding's rule. */
  public LintRule.Severity severity() {
    return LintRule.byId(ruleId).map(LintRule::severity).orElse(LintRule.Severity.ERROR);
  }

  @Override
  public String toString() {
    return "statement " + (statementIndex + 1) + " [" + ruleId + "]: " + message + "; instead: " + safeForm;
  }
}
