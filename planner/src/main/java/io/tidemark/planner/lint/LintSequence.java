package io.tidemark.planner.lint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the statements of one {@code sql} step have done so far, so that each statement is linted in the
 * context of those before it. Worked example, one transactional step in contract:
 * <pre>
 *   ALTER TABLE t ADD CONSTRAINT c CHECK (x IS NOT NULL) NOT VALID;  -- records c proves x NOT NULL once valid
 *   ALTER TABLE t VALIDATE CONSTRAINT c;  -- refused: t was locked by the statement before, in this transaction
 *   ALTER TABLE t ALTER x SET NOT NULL;   -- accepted: the valid c proves it, PostgreSQL 12+ skips the scan
 * </pre>
 * Not thread-safe; one per lint call.
 */
final class LintSequence {
  /** Tables created by the plan or by an earlier statement, both unqualified and qualified, lower case. */
  final Set<String> createdTables;
  /** NOT NULL checks added and validated by this step and the plan's earlier steps. */
  private final LintMemory memory;
  /** Tables an earlier statement locked in this transaction (transactional steps only). */
  private final Set<String> lockedTables = new HashSet<>();
  /** Tables an earlier statement altered with ALTER TABLE: a second one could have been combined. */
  private final Set<String> alteredTables = new HashSet<>();
  /** Table renames waiting for a view under the old name, which makes them safe. */
  private final List<PendingRename> pendingRenames = new ArrayList<>();
  private final boolean transactional;

  LintSequence(Set<String> createdTables, boolean transactional, LintMemory memory) {
    this.createdTables = new HashSet<>(createdTables);
    this.transactional = transactional;
    this.memory = memory;
  }

  boolean transactional() {
    return transactional;
  }

  void notNullCheck(String table, String constraint, String column) {
    memory.notNullCheck(table, constraint, column);
  }

  void validated(String table, String constraint) {
    memory.validated(table, constraint);
  }

  boolean provenNotNull(String table, String column) {
    return memory.provenNotNull(table, column);
  }

  /** Records a lock held until the step's transaction ends; without a transaction it ends with the statement. */
  void locked(String table) {
    if (transactional) {
      lockedTables.add(table);
    }
  }

  boolean lockedEarlier(String table) {
    return lockedTables.contains(table);
  }

  /** Whether an earlier ALTER TABLE altered {@code table}; records this one. */
  boolean alteredBefore(String table) {
    return !alteredTables.add(table);
  }

  void renamed(String oldName, LintFinding finding) {
    pendingRenames.add(new PendingRename(oldName, finding));
  }

  /** A view created under {@code name} in the same transaction: the rename of that name is safe. */
  List<LintFinding> viewCreated(String name) {
    if (!transactional) {
      return List.of();
    }
    List<LintFinding> cleared = new ArrayList<>();
    pendingRenames.removeIf(p -> p.oldName().equals(name) && cleared.add(p.finding()));
    return cleared;
  }

  private record PendingRename(String oldName, LintFinding finding) {}
}
