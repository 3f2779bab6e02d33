package io.tidemark.daemon.ops;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A runtime throttle change; absent fields stay as they are. {@code maxRowsPerSecond} replaces the plan's
 * own cap for every backfill of the plan ({@code 0} = no cap); {@code operatorThrottle} holds batches back
 * until set to false again.
 */
public record ThrottleChange(OptionalLong maxRowsPerSecond, Optional<Boolean> operatorThrottle) {}
