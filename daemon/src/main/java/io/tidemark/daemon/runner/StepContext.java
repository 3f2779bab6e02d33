package io.tidemark.daemon.runner;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Defaults;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.Supplier;

/**
 * Everything a step runner needs about where and how it runs: the plan, the target database (its config for
 * dedicated connections, its pool for the rest), the defaults, the stop request, the current runtime
 * throttle (changes while the step runs) and the statement log.
 */
public record StepContext(
    Vertx vertx,
    String planId,
    DatabaseConfig database,
    Pool pool,
    Defaults defaults,
    StopSignal stop,
    Supplier<RuntimeThrottle> throttle,
    StatementLog log) {}
