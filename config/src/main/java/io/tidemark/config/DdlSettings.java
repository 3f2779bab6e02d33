package io.tidemark.config;

import java.time.Duration;

/**
 * {@code defaults.ddl}. {@code statementTimeout} of zero means none. A DDL statement that cannot get its
 * lock within {@code lockTimeout} is retried up to {@code maxAttempts} times, waiting between
 * {@code backoffMin} and {@code backoffMax} (exponential, with jitter).
 */
public record DdlSettings(
    Duration lockTimeout,
    Duration statementTimeout,
    int maxAttempts,
    Duration backoffMin,
    Duration backoffMax) {}
