package io.tidemark.daemon.runner;

import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.vertx.core.Future;

/** Sends backfill steps to the backfill runner and every other step to the DDL runner. */
public final class StepRouter implements StepRunner {
  private final StepRunner ddl;
  private final StepRunner backfill;

  public StepRouter(StepRunner ddl, StepRunner backfill) {
    this.ddl = ddl;
    this.backfill = backfill;
  }

  @Override
  public Future<StepOutcome> run(CompiledStep step, StepContext context) {
    return step.action() instanceof StepAction.Backfill
        ? backfill.run(step, context)
        : ddl.run(step, context);
  }
}
