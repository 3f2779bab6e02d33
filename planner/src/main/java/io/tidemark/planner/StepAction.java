package io.tidemark.planner;

import java.util.List;
import java.util.Optional;

/**
 * What a step runs. Whether it is transactional is part of its type, as in Flyway's executor: the step
 * executor switches on this sealed set and never inspects SQL text to decide how to run it.
 */
public sealed interface StepAction {

  StepKind kind();

  /** Every SQL statement this action may run, in order, for {@code plan show} and the audit log. */
  List<String> statements();

  /** Statements that run together in one transaction. */
  record TransactionalDdl(List<String> sql) implements StepAction {
    public TransactionalDdl {
      sql = List.copyOf(sql);
    }

    @Override
    public StepKind kind() {
      return StepKind.TRANSACTIONAL_DDL;
    }

    @Override
    public List<String> statements() {
      return sql;
    }
  }

  /**
   * One statement run outside any transaction on a dedicated connection. {@code dropInvalid} is the
   * statement that removes an INVALID leftover of an interrupted earlier attempt (for
   * {@code CREATE INDEX CONCURRENTLY}: {@code DROP INDEX CONCURRENTLY IF EXISTS ...}); run when the probe
   * answers {@link ProbeState#INVALID}.
   */
  record NonTransactionalDdl(String sql, Optional<String> dropInvalid) implements StepAction {
    @Override
    public StepKind kind() {
      return StepKind.NON_TRANSACTIONAL_DDL;
    }

    /**
     * A concurrent index build: the only kind of statement that leaves an INVALID leftover to drop, and one
     * that waits for older transactions (so it runs under {@code ddl.index-build-lock-timeout}).
     */
    public boolean buildsIndex() {
      return dropInvalid.isPresent();
    }

    @Override
    public List<String> statements() {
      return dropInvalid.map(d -> List.of(d, sql)).orElse(List.of(sql));
    }
  }

  /**
   * {@code ALTER TABLE ... VALIDATE CONSTRAINT}. On failure the constraint stays NOT VALID and
   * {@code violationCountSql} / {@code violationSampleSql} (no parameters; the sample returns at most 10
   * rows of key columns) tell the team what to repair.
   */
  record ValidateConstraint(
      String sql, String schema, String table, String constraint,
      String violationCountSql, String violationSampleSql) implements StepAction {
    @Override
    public StepKind kind() {
      return StepKind.CONSTRAINT_VALIDATION;
    }

    @Override
    public List<String> statements() {
      return List.of(sql);
    }
  }

  /** A batched backfill; the engine builds its own per-batch SQL from the spec. */
  record Backfill(BackfillSpec spec) implements StepAction {
    @Override
    public StepKind kind() {
      return StepKind.BACKFILL;
    }

    @Override
    public List<String> statements() {
      return List.of(spec.describe());
    }
  }
}
