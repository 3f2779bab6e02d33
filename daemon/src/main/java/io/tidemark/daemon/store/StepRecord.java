package io.tidemark.daemon.store;

import java.time.OffsetDateTime;
import java.util.Optional;

/** One step of a plan on one database, with how often it was attempted and why it last failed. */
public record StepRecord(
    String planId,
    String database,
    String stepId,
    RunPhase phase,
    int position,
    StepState state,
    int attempts,
    Optional<String> lastError,
    Optional<String> sqlState,
    OffsetDateTime updatedAt) {}
