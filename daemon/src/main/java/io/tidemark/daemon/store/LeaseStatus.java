package io.tidemark.daemon.store;

import java.util.OptionalLong;

/**
 * What a heartbeat read alongside renewing a lease: the plan's state and the database's phase (a driver
 * stops when either moved on without it), whether the database was paused alone, and the runtime throttles.
 */
public record LeaseStatus(
    PlanState planState,
    String databasePhase,
    boolean databasePaused,
    OptionalLong maxRowsPerSecond,
    boolean operatorThrottle) {}
