package io.tidemark.planner;

/** The three phases of a plan, in the order they run; a phase ends on every database before the next starts. */
public enum Phase {
  EXPAND, MIGRATE, CONTRACT;

  public String planKey() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
