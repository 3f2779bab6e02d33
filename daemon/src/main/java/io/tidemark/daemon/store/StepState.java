package io.tidemark.daemon.store;

import java.util.Locale;

/** One step on one database: not yet run, running (or interrupted mid-run), done, or failed with a cause. */
public enum StepState {
  PENDING, RUNNING, DONE, FAILED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StepState fromWire(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
