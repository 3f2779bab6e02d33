package io.tidemark.planner;

/** What a catalog probe found, as the {@code state} column of its single row. */
public enum ProbeState {
  /** Nothing there: run the step. */
  ABSENT,
  /** The step's effect is fully there: skip it and report it as already done. */
  PRESENT,
  /** An index left INVALID by an interrupted concurrent build: drop it concurrently, then build again. */
  INVALID,
  /** A constraint that exists but is NOT VALID: for an add step this counts as done; a validate step runs. */
  NOT_VALID;

  public static ProbeState fromSql(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}
