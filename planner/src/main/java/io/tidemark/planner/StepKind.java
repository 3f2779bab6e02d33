package io.tidemark.planner;

/** The execution kind of a step, derived from its {@link StepAction}; shown by {@code plan show}. */
public enum StepKind {
  /** Statements run together in one transaction with {@code lock_timeout} set. */
  TRANSACTIONAL_DDL,
  /** One statement that cannot run in a transaction ({@code CREATE INDEX CONCURRENTLY}), on its own connection. */
  NON_TRANSACTIONAL_DDL,
  /** {@code VALIDATE CONSTRAINT}: long scan under a weak lock, with a violation report on failure. */
  CONSTRAINT_VALIDATION,
  /** Batched {@code UPDATE} by the backfill engine. */
  BACKFILL
}
