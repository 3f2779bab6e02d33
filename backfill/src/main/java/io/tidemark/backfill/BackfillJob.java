package io.tidemark.backfill;

import io.tidemark.backfill.throttle.ThrottleControls;
import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import java.util.Objects;

/**
 * One backfill step on one database, ready for {@link BackfillEngine#start}. {@code planId} and
 * {@code stepId} key the checkpoint, so starting the same job again resumes it. {@code controls} holds the
 * settings the daemon may change while it runs.
 */
public record BackfillJob(
    String planId, String stepId, DatabaseConfig database, BackfillSpec spec, ThrottleControls controls) {

  public BackfillJob {
    Objects.requireNonNull(planId, "planId");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(controls, "controls");
  }

  /**
   * The job for a compiled backfill step: the step's overrides ({@code max-rows-per-second},
   * {@code target-batch-duration}, {@code min/max-batch-rows}) replace {@code defaults} for this step.
   *
   * @throws IllegalArgumentException when the step is not a backfill
   */
  public static BackfillJob of(
      String planId, CompiledStep step, DatabaseConfig database, BackfillSettings defaults,
      ThrottleSettings throttle) {
    if (!(step.action() instanceof StepAction.Backfill backfill)) {
      throw new IllegalArgumentException("step " + step.id() + " is " + step.kind() + ", not a backfill");
    }
    BackfillSpec spec = backfill.spec();
    return new BackfillJob(planId, step.id(), database, spec,
        new ThrottleControls(effective(spec, defaults), throttle));
  }

  /** {@code defaults} with the spec's overrides applied. */
  public static BackfillSettings effective(BackfillSpec spec, BackfillSettings defaults) {
    return new BackfillSettings(
        spec.targetBatchDuration().orElse(defaults.targetBatchDuration()),
        spec.minBatchRows().orElse(defaults.minBatchRows()),
        spec.maxBatchRows().orElse(defaults.maxBatchRows()),
        spec.maxRowsPerSecond().orElse(defaults.maxRowsPerSecond()),
        defaults.synchronousCommit());
  }
}
