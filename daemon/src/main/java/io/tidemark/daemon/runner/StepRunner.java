package io.tidemark.daemon.runner;

import io.tidemark.planner.CompiledStep;
import io.vertx.core.Future;

/**
 * Runs one compiled step on one database. Implementations are idempotent (a step interrupted by a crash is
 * run again from the start or from its checkpoint) and stop at their next batch boundary once
 * {@link StepContext#stop()} is requested, answering {@link StepOutcome.Stopped}. A failed future carries the
 * cause; the driver decides whether it is transient (retried) or permanent (fails the database). The
 * returned future completes on the caller's context.
 */
public interface StepRunner {
  Future<StepOutcome> run(CompiledStep step, StepContext context);
}
