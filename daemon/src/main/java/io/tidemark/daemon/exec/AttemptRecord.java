package io.tidemark.daemon.exec;

import java.time.Duration;
import java.util.Optional;

/**
 * One statement run by the {@link StepExecutor}: which attempt of the step it belonged to (1-based), the
 * statement text (the statements of a transactional step joined by {@code ;\n}), how long it took and how
 * it ended. The daemon persists each one as an event, so an operator can see that attempt 3 of
 * {@code ALTER TABLE ...} waited 500 ms and gave up with {@code 55P03}.
 */
public record AttemptRecord(
    int attempt,
    String statement,
    Duration duration,
    Outcome outcome,
    Optional<String> sqlState,
    Optional<String> message) {

  /** How one statement ended. */
  public enum Outcome {
    /** It ran and (for a transaction) committed. */
    SUCCEEDED,
    /** It failed with a retryable SQLSTATE and the step will be tried again after a backoff. */
    RETRYING,
    /** It failed and the step fails with it. */
    FAILED
  }
}
