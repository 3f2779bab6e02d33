package io.tidemark.daemon.exec;

import java.time.Duration;
import java.util.List;

/**
 * A step that ended well: either it ran ({@link Outcome#APPLIED}) or its catalog probe found its effect
 * already there and nothing ran ({@link Outcome#ALREADY_DONE}). Failures are never a result: they fail the
 * future with a {@link StepFailure}.
 *
 * @param attempts every statement run, in order (empty for {@code ALREADY_DONE} found by the first probe)
 * @param duration wall time of the whole call, backoffs included
 */
public record StepResult(String stepId, Outcome outcome, List<AttemptRecord> attempts, Duration duration) {
  public StepResult {
    attempts = List.copyOf(attempts);
  }

  public enum Outcome {
    APPLIED, ALREADY_DONE
  }
}
