package io.tidemark.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.Phase;
import io.tidemark.planner.lint.LintContext;
import io.tidemark.planner.lint.LintFinding;
import io.tidemark.planner.lint.SqlLinter;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@code op = X} may not do in a phase, the raw statement doing the same may not do either: the linter's
 * phase rules are checked against the operations' phase table ({@link PlanRules#PHASES}) for every phase.
 */
class RawSqlPhaseRulesTest {
  private static final Set<String> PHASE_RULES = Set.of("not-allowed-in-phase", "drop-outside-contract");

  /** Each operation and a statement that does what it does (in its safe form, outside a transaction). */
  private static final Map<String, String> STATEMENTS = Map.ofEntries(
      Map.entry("create_table", "CREATE TABLE IF NOT EXISTS t (id bigint)"),
      Map.entry("add_column", "ALTER TABLE t ADD COLUMN IF NOT EXISTS c text"),
      Map.entry("create_index", "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c)"),
      Map.entry("drop_index", "DROP INDEX CONCURRENTLY IF EXISTS i"),
      Map.entry("add_check", "ALTER TABLE t ADD CONSTRAINT k CHECK (c <> '') NOT VALID"),
      Map.entry("add_foreign_key", "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES u (c) NOT VALID"),
      Map.entry("add_unique", "ALTER TABLE t ADD CONSTRAINT q UNIQUE USING INDEX i"),
      Map.entry("set_not_null", "ALTER TABLE t ALTER COLUMN c SET NOT NULL"),
      Map.entry("add_enum_value", "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh'"),
      Map.entry("drop_column", "ALTER TABLE t DROP COLUMN IF EXISTS c"),
      Map.entry("drop_table", "DROP TABLE IF EXISTS t"));

  @Test
  void rawStatementsFollowThePhaseTableOfTheirOperation() {
    for (Map.Entry<String, String> e : STATEMENTS.entrySet()) {
      Set<Phase> allowed = PlanRules.PHASES.get(e.getKey());
      for (Phase phase : Phase.values()) {
        boolean refused = SqlLinter.lint(e.getValue(), LintContext.of(phase, false)).stream()
            .map(LintFinding::ruleId).anyMatch(PHASE_RULES::contains);
        assertThat(refused).as("%s (%s) in %s", e.getKey(), e.getValue(), phase.planKey())
            .isEqualTo(!allowed.contains(phase));
      }
    }
  }

  @Test
  void operationsWhoseRawFormIsRefusedInEveryPhaseNeedNoPhaseRule() {
    // rename_column, change_type and backfill are written as operations: their raw forms (RENAME COLUMN,
    // ALTER COLUMN TYPE, UPDATE) are refused in every phase by rename-column, alter-column-type, unbatched-update.
    for (Phase phase : Phase.values()) {
      assertThat(SqlLinter.lint("ALTER TABLE t RENAME COLUMN a TO b; ALTER TABLE t ALTER COLUMN c TYPE bigint;"
          + " UPDATE t SET c = 1", LintContext.of(phase, false))).extracting(LintFinding::ruleId)
          .contains("rename-column", "alter-column-type", "unbatched-update");
    }
    assertThat(PlanRules.PHASES.keySet()).containsAll(STATEMENTS.keySet());
  }
}
