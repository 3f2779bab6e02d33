package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.store.PlanLifecycle.DatabaseReset;
import io.tidemark.daemon.store.PlanLifecycle.Guard;
import io.tidemark.daemon.store.PlanLifecycle.Resolved;
import io.tidemark.daemon.store.PlanLifecycle.Target;
import io.tidemark.daemon.store.PlanLifecycle.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Pins every (state, event) pair of the transition table: the allowed ones below, written out by hand (the
 * same table is in docs/architecture.md), and every other pair refused.
 */
class PlanLifecycleTest {
  private static final String ALLOWED = """
      submitted          PREFLIGHT_PASSED          EXPANDING          KEEP
      submitted          NEEDS_START_APPROVAL      AWAITING_APPROVAL  KEEP
      submitted          PREFLIGHT_FAILED          FAILED             KEEP
      submitted          UNDECODABLE               FAILED             KEEP
      submitted          PAUSE                     PAUSED             KEEP
      submitted          CANCEL                    CANCELLED          KEEP
      submitted          ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      expanding          PHASE_DONE                MIGRATING          RESET
      expanding          DATABASE_FAILED           FAILED             KEEP
      expanding          UNDECODABLE               FAILED             KEEP
      expanding          PAUSE                     PAUSED             KEEP
      expanding          CANCEL                    CANCELLED          KEEP
      expanding          ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      migrating          PHASE_DONE                CONTRACTING        RESET
      migrating          NEEDS_CONTRACT_APPROVAL   AWAITING_APPROVAL  KEEP
      migrating          DATABASE_FAILED           FAILED             KEEP
      migrating          UNDECODABLE               FAILED             KEEP
      migrating          PAUSE                     PAUSED             KEEP
      migrating          CANCEL                    CANCELLED          KEEP
      migrating          ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      awaiting-approval  UNDECODABLE               FAILED             KEEP
      awaiting-approval  CANCEL                    CANCELLED          KEEP
      awaiting-approval  APPROVE                   AFTER_GATE         RESET
      awaiting-approval  ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      contracting        PHASE_DONE                COMPLETED          KEEP
      contracting        DATABASE_FAILED           FAILED             KEEP
      contracting        UNDECODABLE               FAILED             KEEP
      contracting        PAUSE                     PAUSED             KEEP
      contracting        CANCEL                    CANCELLED          KEEP
      paused             UNDECODABLE               FAILED             KEEP
      paused             RESUME                    RESUME_STATE       KEEP
      paused             CANCEL                    CANCELLED          KEEP
      paused             ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      failed             FAILURES_CLEARED          RUNNING_PHASE      KEEP
      failed             PAUSE                     PAUSED             KEEP
      failed             CANCEL                    CANCELLED          KEEP
      failed             ROLLBACK                  ROLLING_BACK       RESET  BEFORE_CONTRACT
      failed             RETRY                     RUNNING_PHASE      KEEP
      failed             RETRY_BEFORE_FIRST_STEP   SUBMITTED          RESET
      rolling-back       PHASE_DONE                ROLLED_BACK        KEEP
      rolling-back       DATABASE_FAILED           FAILED             KEEP
      rolling-back       UNDECODABLE               FAILED             KEEP
      rolling-back       PAUSE                     PAUSED             KEEP
      rolling-back       CANCEL                    CANCELLED          KEEP
      """;

  @Test
  void everyStateAndEventPairIsPinned() {
    Map<String, Optional<Transition>> expected = new LinkedHashMap<>();
    for (PlanState s : PlanState.values()) {
      for (PlanEvent e : PlanEvent.values()) {
        expected.put(s.wireName() + " " + e, Optional.empty());
      }
    }
    ALLOWED.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
      String[] f = l.split("\\s+");
      Guard guard = f.length > 4 ? Guard.valueOf(f[4]) : Guard.NONE;
      String key = PlanState.fromWire(f[0]).wireName() + " " + PlanEvent.valueOf(f[1]);
      assertThat(expected).containsKey(key);
      expected.put(key, Optional.of(new Transition(Target.valueOf(f[2]), DatabaseReset.valueOf(f[3]), guard)));
    });

    List<String> wrong = new ArrayList<>();
    for (PlanState s : PlanState.values()) {
      for (PlanEvent e : PlanEvent.values()) {
        Optional<Transition> want = expected.get(s.wireName() + " " + e);
        Optional<Transition> got = PlanLifecycle.on(s, e);
        if (!want.equals(got)) {
          wrong.add(s.wireName() + " " + e + ": expected " + want + ", table has " + got);
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(expected).hasSize(PlanState.values().length * PlanEvent.values().length);
  }

  @Test
  void terminalStatesAllowNothing() {
    for (PlanState s : List.of(PlanState.COMPLETED, PlanState.CANCELLED, PlanState.ROLLED_BACK)) {
      for (PlanEvent e : PlanEvent.values()) {
        assertThat(PlanLifecycle.on(s, e)).as(s + " " + e).isEmpty();
      }
    }
  }

  @Test
  void approvalOpensWhatTheGateHeldBack() {
    assertThat(resolve(PlanState.AWAITING_APPROVAL, RunPhase.EXPAND, null, Target.AFTER_GATE))
        .as("raw SQL waited before its first step").isEqualTo(resolved(PlanState.EXPANDING, RunPhase.EXPAND, null));
    assertThat(resolve(PlanState.AWAITING_APPROVAL, RunPhase.MIGRATE, null, Target.AFTER_GATE))
        .as("contract waited after migrate").isEqualTo(resolved(PlanState.CONTRACTING, RunPhase.CONTRACT, null));
  }

  @Test
  void retryRunsThePhaseTheFailureWasInOrPreflightsAgainWhenNothingStarted() {
    assertThat(resolve(PlanState.FAILED, RunPhase.MIGRATE, null, Target.RUNNING_PHASE))
        .isEqualTo(resolved(PlanState.MIGRATING, RunPhase.MIGRATE, null));
    assertThat(resolve(PlanState.FAILED, RunPhase.ROLLBACK, null, Target.RUNNING_PHASE))
        .isEqualTo(resolved(PlanState.ROLLING_BACK, RunPhase.ROLLBACK, null));
    assertThat(resolve(PlanState.FAILED, RunPhase.EXPAND, null, Target.SUBMITTED))
        .isEqualTo(resolved(PlanState.SUBMITTED, RunPhase.EXPAND, null));
  }

  @Test
  void pauseKeepsTheStateResumeReturnsTo() {
    assertThat(resolve(PlanState.FAILED, RunPhase.CONTRACT, null, Target.PAUSED))
        .isEqualTo(resolved(PlanState.PAUSED, RunPhase.CONTRACT, PlanState.FAILED));
    assertThat(resolve(PlanState.PAUSED, RunPhase.CONTRACT, PlanState.FAILED, Target.RESUME_STATE))
        .isEqualTo(resolved(PlanState.FAILED, RunPhase.CONTRACT, null));
  }

  @Test
  void rollbackOnlyBeforeContractEvenForAPausedPlan() {
    assertThat(PlanLifecycle.guardHolds(Guard.BEFORE_CONTRACT, RunPhase.MIGRATE, Optional.empty())).isTrue();
    assertThat(PlanLifecycle.guardHolds(Guard.BEFORE_CONTRACT, RunPhase.CONTRACT, Optional.empty())).isFalse();
    assertThat(PlanLifecycle.guardHolds(Guard.BEFORE_CONTRACT, RunPhase.MIGRATE, Optional.of(PlanState.CONTRACTING)))
        .as("paused while contracting, before the databases moved").isFalse();
    assertThat(PlanLifecycle.guardHolds(Guard.BEFORE_CONTRACT, RunPhase.ROLLBACK, Optional.empty()))
        .as("already rolling back").isFalse();
  }

  private static Resolved resolve(PlanState s, RunPhase p, PlanState resume, Target t) {
    return PlanLifecycle.resolve(s, p, Optional.ofNullable(resume), t);
  }

  private static Resolved resolved(PlanState s, RunPhase p, PlanState resume) {
    return new Resolved(s, p, Optional.ofNullable(resume));
  }
}
