package io.tidemark.config;

/**
 * {@code tidemark.policy}: what may run without an operator. The defaults are the safe ones.
 *
 * @param rawSqlApprovalRequired {@code raw-sql-approval = required}: a plan with a raw {@code sql} step or an
 *                               {@code unsafe = "reason"} escape waits for an operator's {@code approve}
 *                               before its first step; {@code not-required} lets it start after preflight
 */
public record PolicySettings(boolean rawSqlApprovalRequired) {
  /** What {@code reference.conf} says: raw SQL needs an operator. */
  public static final PolicySettings SAFE = new PolicySettings(true);
}
