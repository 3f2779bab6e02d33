package io.tidemark.daemon.runner;

import java.util.OptionalLong;

/**
 * Throttles an operator set on a plan at runtime: a rows-per-second cap replacing the plan's, and the
 * operator throttle that holds batches back entirely until lifted.
 */
public record RuntimeThrottle(OptionalLong maxRowsPerSecond, boolean operatorThrottle) {
  public static final RuntimeThrottle NONE = new RuntimeThrottle(OptionalLong.empty(), false);
}
