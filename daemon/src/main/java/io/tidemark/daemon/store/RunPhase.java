package io.tidemark.daemon.store;

import io.tidemark.planner.Phase;
import java.util.Locale;
import java.util.Optional;

/**
 * The phase a plan or one of its databases is in: the three plan phases plus {@code rollback}, which runs
 * the inverse of the executed expand steps in reverse order.
 */
public enum RunPhase {
  EXPAND, MIGRATE, CONTRACT, ROLLBACK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunPhase fromWire(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public static RunPhase of(Phase phase) {
    return valueOf(phase.name());
  }

  /** The plan phase whose compiled steps this phase runs; empty for rollback (it runs inverses). */
  public Optional<Phase> planPhase() {
    return this == ROLLBACK ? Optional.empty() : Optional.of(Phase.valueOf(name()));
  }
}
