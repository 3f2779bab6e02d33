package io.tidemark.daemon.runner;

import io.vertx.core.Future;

/**
 * Where a step runner reports each statement it ran (or a batch, for backfills) so the event log has every
 * statement with its timing and outcome. Appended under the driver's lease; a failure to append (lost lease)
 * fails the returned future and should end the step.
 */
@FunctionalInterface
public interface StatementLog {
  Future<Void> statement(String sql, long millis, String outcome, String sqlState, String message);
}
