package io.tidemark.planner;

/** Whether rollback (before contract) can undo a step. */
public enum Reversibility {
  /** Has inverse steps that undo it. */
  REVERSIBLE,
  /** Leaves nothing to undo on rollback (e.g. a backfill into a column the rollback drops). */
  NOTHING_TO_UNDO,
  /** Cannot be undone ({@code drop_column}, {@code add_enum_value}, raw SQL without {@code down}). */
  IRREVERSIBLE
}
