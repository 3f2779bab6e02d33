package io.tidemark.config;

import java.time.Duration;

/**
 * {@code defaults.throttle}. Zero or an empty string turns a signal off. {@code checkInterval} is how often
 * the signals are read between batches.
 */
public record ThrottleSettings(
    Duration maxReplicationLag,
    int maxLockWaiters,
    int maxActiveSessions,
    String httpCheck,
    String flagFile,
    Duration checkInterval) {}
