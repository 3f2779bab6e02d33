package io.tidemark.daemon.store;

/**
 * What can happen to a plan: the runner's observations (first block) and the operator's actions (second).
 * {@link PlanLifecycle} says, for each plan state, what each event leads to.
 */
public enum PlanEvent {
  /** Preflight found nothing wrong and no operator approval is needed before the first step. */
  PREFLIGHT_PASSED,
  /** Preflight found nothing wrong, but the approval policy wants an operator before the first step. */
  NEEDS_START_APPROVAL,
  /** Preflight found problems on at least one database: nothing runs. */
  PREFLIGHT_FAILED,
  /** Every database finished the plan's phase (the barrier). */
  PHASE_DONE,
  /** Every database finished migrate and the plan wants an operator before contract. */
  NEEDS_CONTRACT_APPROVAL,
  /**
   * The rollout of the plan's phase stopped on failed databases: {@code rollout.max-failures} of them, or fewer
   * with nothing else left to run (the runner decides which; the table only moves the plan).
   */
  DATABASE_FAILED,
  /**
   * A failed plan's rollout is no longer stopped: its failed databases were retried (e.g. while the plan was
   * paused) down to fewer than {@code rollout.max-failures}, with work left.
   */
  FAILURES_CLEARED,
  /** The stored compiled form cannot be decoded by this daemon (corrupt, or a newer format). */
  UNDECODABLE,

  PAUSE,
  RESUME,
  CANCEL,
  APPROVE,
  ROLLBACK,
  /** The operator retried the last failed databases of a plan that had run steps. */
  RETRY,
  /** The operator retried a plan on which no step ever started (e.g. preflight failed): preflight again. */
  RETRY_BEFORE_FIRST_STEP;

  /** Whether an operator causes it (as opposed to the runner observing it). */
  public boolean byOperator() {
    return ordinal() >= PAUSE.ordinal();
  }
}
