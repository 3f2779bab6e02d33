package io.tidemark.daemon.store;

import static io.tidemark.daemon.store.PlanState.AWAITING_APPROVAL;
import static io.tidemark.daemon.store.PlanState.CONTRACTING;
import static io.tidemark.daemon.store.PlanState.EXPANDING;
import static io.tidemark.daemon.store.PlanState.FAILED;
import static io.tidemark.daemon.store.PlanState.MIGRATING;
import static io.tidemark.daemon.store.PlanState.PAUSED;
import static io.tidemark.daemon.store.PlanState.ROLLING_BACK;
import static io.tidemark.daemon.store.PlanState.SUBMITTED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one transition table of a plan: {@code (state, event) → (target, database reset, guard)}. The runner
 * (system events) and the operator actions both ask it, and {@link ControlStore} applies what it answers;
 * a pair that is not in the table is not allowed (an operator gets 409, naming the state). The whole table
 * is in docs/architecture.md and pinned pair by pair by {@code PlanLifecycleTest}.
 *
 * <p>Three targets depend on more than the state and are resolved against the plan ({@link #resolve}):
 * {@link Target#RUNNING_PHASE} is the running state of the plan's phase ({@code failed} in migrate →
 * {@code migrating}), {@link Target#RESUME_STATE} the state a pause kept, and {@link Target#AFTER_GATE} what
 * an approval opens: the first step when the plan waits before expand, contract when it waits after migrate.
 *
 * <p>Database pauses ({@code pause --database}) are not plan states: every reset keeps them, only
 * {@code resume --database} ends one (docs/concepts.md). Pure; any thread.
 */
public final class PlanLifecycle {
  private static final Set<PlanState> PAUSABLE = EnumSet.of(SUBMITTED, EXPANDING, MIGRATING, CONTRACTING,
      ROLLING_BACK, FAILED);
  private static final Set<PlanState> ROLLBACKABLE = EnumSet.of(SUBMITTED, EXPANDING, MIGRATING, AWAITING_APPROVAL,
      FAILED, PAUSED);
  private static final Set<PlanState> RUNNING = EnumSet.of(EXPANDING, MIGRATING, CONTRACTING, ROLLING_BACK);

  private static final Map<PlanState, Map<PlanEvent, Transition>> TABLE = build();

  private PlanLifecycle() {}

  /** Where a transition leads; the last three are resolved against the plan. */
  public enum Target {
    SUBMITTED, EXPANDING, MIGRATING, AWAITING_APPROVAL, CONTRACTING, COMPLETED, PAUSED, FAILED, CANCELLED,
    ROLLING_BACK, ROLLED_BACK, RUNNING_PHASE, RESUME_STATE, AFTER_GATE
  }

  /**
   * What happens to the plan's databases: {@code KEEP} leaves them as they are; {@code RESET} puts every one
   * back to {@code pending} in the plan's (new) phase with no current step and no error. Both keep a
   * database's {@code paused} flag.
   */
  public enum DatabaseReset { KEEP, RESET }

  /** A condition beyond the state: rollback only before contract (also for a plan paused in contract). */
  public enum Guard { NONE, BEFORE_CONTRACT }

  public record Transition(Target target, DatabaseReset reset, Guard guard) {}

  /** The plan's state, phase and resume state after a transition. */
  public record Resolved(PlanState state, RunPhase phase, Optional<PlanState> resumeState) {}

  /**
   * Whether a driver of {@code driverPhase} keeps driving its database while the plan is in {@code planState}:
   * while the plan runs that phase, and while it is failed (healthy databases finish the phase; the failed
   * one waits for {@code retry}). Paused, cancelled, awaiting approval or moved on: the driver stops at its
   * next boundary.
   */
  public static boolean keepsDriving(PlanState planState, RunPhase driverPhase) {
    return planState == PlanState.running(driverPhase) || planState == FAILED;
  }

  /** The transition of {@code event} in {@code state}; empty when the event is not allowed there. */
  public static Optional<Transition> on(PlanState state, PlanEvent event) {
    return Optional.ofNullable(TABLE.get(state).get(event));
  }

  /** The transition for this plan, guards checked; empty when not allowed. */
  public static Optional<Transition> on(PlanRecord plan, PlanEvent event) {
    return on(plan.state(), event).filter(t -> guardHolds(t.guard(), plan.phase(), plan.resumeState()));
  }

  static boolean guardHolds(Guard guard, RunPhase phase, Optional<PlanState> resumeState) {
    return switch (guard) {
      case NONE -> true;
      case BEFORE_CONTRACT -> (phase == RunPhase.EXPAND || phase == RunPhase.MIGRATE)
          && resumeState.filter(s -> s == CONTRACTING).isEmpty();
    };
  }

  /** The state, phase and resume state a transition leads to from {@code (state, phase, resumeState)}. */
  public static Resolved resolve(PlanState state, RunPhase phase, Optional<PlanState> resumeState, Target target) {
    return switch (target) {
      case SUBMITTED -> new Resolved(SUBMITTED, RunPhase.EXPAND, Optional.empty());
      case EXPANDING -> new Resolved(EXPANDING, RunPhase.EXPAND, Optional.empty());
      case MIGRATING -> new Resolved(MIGRATING, RunPhase.MIGRATE, Optional.empty());
      case CONTRACTING -> new Resolved(CONTRACTING, RunPhase.CONTRACT, Optional.empty());
      case ROLLING_BACK -> new Resolved(ROLLING_BACK, RunPhase.ROLLBACK, Optional.empty());
      case AWAITING_APPROVAL -> new Resolved(AWAITING_APPROVAL, phase, Optional.empty());
      case COMPLETED -> new Resolved(PlanState.COMPLETED, phase, Optional.empty());
      case ROLLED_BACK -> new Resolved(PlanState.ROLLED_BACK, phase, Optional.empty());
      case FAILED -> new Resolved(FAILED, phase, Optional.empty());
      case CANCELLED -> new Resolved(PlanState.CANCELLED, phase, Optional.empty());
      case PAUSED -> new Resolved(PAUSED, phase, Optional.of(state));
      case RUNNING_PHASE -> new Resolved(PlanState.running(phase), phase, Optional.empty());
      case RESUME_STATE -> new Resolved(resumeState.orElse(PlanState.running(phase)), phase, Optional.empty());
      case AFTER_GATE -> phase == RunPhase.EXPAND
          ? new Resolved(EXPANDING, RunPhase.EXPAND, Optional.empty())
          : new Resolved(CONTRACTING, RunPhase.CONTRACT, Optional.empty());
    };
  }

  public static Resolved resolve(PlanRecord plan, Transition t) {
    return resolve(plan.state(), plan.phase(), plan.resumeState(), t.target());
  }

  private static Map<PlanState, Map<PlanEvent, Transition>> build() {
    Map<PlanState, Map<PlanEvent, Transition>> t = new EnumMap<>(PlanState.class);
    for (PlanState s : PlanState.values()) {
      t.put(s, new EnumMap<>(PlanEvent.class));
    }
    put(t, SUBMITTED, PlanEvent.PREFLIGHT_PASSED, Target.EXPANDING, DatabaseReset.KEEP);
    put(t, SUBMITTED, PlanEvent.NEEDS_START_APPROVAL, Target.AWAITING_APPROVAL, DatabaseReset.KEEP);
    put(t, SUBMITTED, PlanEvent.PREFLIGHT_FAILED, Target.FAILED, DatabaseReset.KEEP);
    put(t, EXPANDING, PlanEvent.PHASE_DONE, Target.MIGRATING, DatabaseReset.RESET);
    put(t, MIGRATING, PlanEvent.PHASE_DONE, Target.CONTRACTING, DatabaseReset.RESET);
    put(t, MIGRATING, PlanEvent.NEEDS_CONTRACT_APPROVAL, Target.AWAITING_APPROVAL, DatabaseReset.KEEP);
    put(t, CONTRACTING, PlanEvent.PHASE_DONE, Target.COMPLETED, DatabaseReset.KEEP);
    put(t, ROLLING_BACK, PlanEvent.PHASE_DONE, Target.ROLLED_BACK, DatabaseReset.KEEP);
    for (PlanState s : RUNNING) {
      put(t, s, PlanEvent.DATABASE_FAILED, Target.FAILED, DatabaseReset.KEEP);
    }
    put(t, FAILED, PlanEvent.FAILURES_CLEARED, Target.RUNNING_PHASE, DatabaseReset.KEEP);
    for (PlanState s : PAUSABLE) {
      put(t, s, PlanEvent.PAUSE, Target.PAUSED, DatabaseReset.KEEP);
    }
    put(t, PAUSED, PlanEvent.RESUME, Target.RESUME_STATE, DatabaseReset.KEEP);
    put(t, AWAITING_APPROVAL, PlanEvent.APPROVE, Target.AFTER_GATE, DatabaseReset.RESET);
    for (PlanState s : ROLLBACKABLE) {
      t.get(s).put(PlanEvent.ROLLBACK, new Transition(Target.ROLLING_BACK, DatabaseReset.RESET, Guard.BEFORE_CONTRACT));
    }
    put(t, FAILED, PlanEvent.RETRY, Target.RUNNING_PHASE, DatabaseReset.KEEP);
    put(t, FAILED, PlanEvent.RETRY_BEFORE_FIRST_STEP, Target.SUBMITTED, DatabaseReset.RESET);
    for (PlanState s : PlanState.values()) {
      if (!s.isTerminal()) {
        put(t, s, PlanEvent.CANCEL, Target.CANCELLED, DatabaseReset.KEEP);
        if (s != FAILED) {
          put(t, s, PlanEvent.UNDECODABLE, Target.FAILED, DatabaseReset.KEEP);
        }
      }
    }
    return t;
  }

  private static void put(Map<PlanState, Map<PlanEvent, Transition>> t, PlanState s, PlanEvent e, Target target,
      DatabaseReset reset) {
    t.get(s).put(e, new Transition(target, reset, Guard.NONE));
  }
}
