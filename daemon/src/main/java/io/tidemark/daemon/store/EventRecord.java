package io.tidemark.daemon.store;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One line of the event log: every statement run and every operator action, with who did it.
 * {@code actor} is the daemon instance for work it did and the token name for operator actions;
 * {@code fencingToken} is set for work done under a lease, so the log proves who drove a database when.
 */
public record EventRecord(
    long id,
    OffsetDateTime at,
    String planId,
    Optional<String> database,
    Optional<String> stepId,
    String actor,
    String kind,
    Optional<String> statement,
    OptionalLong durationMillis,
    Optional<String> outcome,
    Optional<String> sqlState,
    Optional<String> message,
    OptionalLong fencingToken) {}
