package io.tidemark.daemon.store;

import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * One database of a plan: the phase it is in, its state within that phase, the step it is at, whether an
 * operator paused it alone, and the cause of its last failure. {@code displayState} folds the pause in:
 * what {@code tidemark status} shows.
 */
public record DatabaseRecord(
    String planId,
    String database,
    int position,
    RunPhase phase,
    DatabaseState state,
    Optional<String> currentStep,
    boolean paused,
    Optional<String> lastError,
    OffsetDateTime updatedAt) {

  public String displayState() {
    return paused && state != DatabaseState.DONE && state != DatabaseState.FAILED ? "paused" : state.wireName();
  }
}
