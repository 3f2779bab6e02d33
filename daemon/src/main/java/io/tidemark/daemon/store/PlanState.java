package io.tidemark.daemon.store;

import java.util.Locale;
import java.util.Set;

/**
 * The lifecycle of a plan (docs/concepts.md): {@code submitted → expanding → migrating → awaiting-approval →
 * contracting → completed}, with {@code paused}, {@code failed}, {@code cancelled}, {@code rolling-back} and
 * {@code rolled-back} beside it. Stored and shown in kebab case ({@link #wireName()}).
 */
public enum PlanState {
  SUBMITTED, EXPANDING, MIGRATING, AWAITING_APPROVAL, CONTRACTING, COMPLETED,
  PAUSED, FAILED, CANCELLED, ROLLING_BACK, ROLLED_BACK;

  /** States the runner drives databases in (a failed plan still lets its healthy databases finish the phase). */
  public static final Set<PlanState> DRIVEN = Set.of(EXPANDING, MIGRATING, CONTRACTING, ROLLING_BACK, FAILED);

  public boolean isTerminal() {
    return this == COMPLETED || this == CANCELLED || this == ROLLED_BACK;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static PlanState fromWire(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  /** The state a plan is in while it runs {@code phase} on its databases. */
  public static PlanState running(RunPhase phase) {
    return switch (phase) {
      case EXPAND -> EXPANDING;
      case MIGRATE -> MIGRATING;
      case CONTRACT -> CONTRACTING;
      case ROLLBACK -> ROLLING_BACK;
    };
  }
}
