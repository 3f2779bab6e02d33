package io.tidemark.daemon.store;

import java.util.Locale;

/**
 * Where one database of a plan stands within the plan's current phase: waiting for its rollout slot
 * ({@code pending}), being driven by a daemon holding its lease ({@code running}), finished with the phase
 * ({@code done}) or stopped by a permanent error ({@code failed}, until an operator retries it).
 */
public enum DatabaseState {
  PENDING, RUNNING, DONE, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DatabaseState fromWire(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
