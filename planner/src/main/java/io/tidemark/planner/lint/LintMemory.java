package io.tidemark.planner.lint;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the {@code sql} steps of one plan have proven so far, in the order they run, so that a later step is
 * linted knowing what earlier steps did. Today: the {@code CHECK (col IS NOT NULL)} constraints they add and
 * validate. Example, three {@code sql} operations in contract: {@code ADD CONSTRAINT c CHECK (email IS NOT
 * NULL) NOT VALID}, then {@code VALIDATE CONSTRAINT c}, then {@code ALTER COLUMN email SET NOT NULL}: the
 * third is accepted, as PostgreSQL 12+ takes the valid check as proof and does not scan.
 *
 * <p>Keys are {@code table|name}, the table's bare name in lower case. Not thread-safe: one per plan parse.
 */
public final class LintMemory {
  /** {@code table|constraint} of a CHECK (col IS NOT NULL) → {@code table|col}. */
  private final Map<String, String> notNullChecks = new HashMap<>();
  /** {@code table|col} proven NOT NULL by a validated check. */
  private final Set<String> provenNotNull = new HashSet<>();

  void notNullCheck(String table, String constraint, String column) {
    notNullChecks.put(table + "|" + constraint, table + "|" + column);
  }

  /** A validated constraint: if it is a known NOT NULL check, its column is now proven. */
  void validated(String table, String constraint) {
    String column = notNullChecks.get(table + "|" + constraint);
    if (column != null) {
      provenNotNull.add(column);
    }
  }

  boolean provenNotNull(String table, String column) {
    return provenNotNull.contains(table + "|" + column);
  }
}
