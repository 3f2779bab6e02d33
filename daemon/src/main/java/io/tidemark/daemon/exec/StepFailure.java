package io.tidemark.daemon.exec;

import java.util.List;
import java.util.Optional;

/**
 * Why a step failed; the future of {@link StepExecutor#execute} fails with exactly one of these. The type
 * tells the daemon what to do next:
 * <ul>
 *   <li>{@link TransientFailure}: the connection or server went away; nothing is known to be wrong with
 *       the step, so back off and run it again later (the probe makes that safe);
 *   <li>{@link ValidationFailure}: the data breaks a constraint; someone must repair rows, then retry;
 *   <li>{@link StatementFailure}: anything else (syntax, missing table, privileges, lock retries
 *       exhausted); an operator must look.
 * </ul>
 */
public abstract sealed class StepFailure extends RuntimeException
    permits StatementFailure, TransientFailure, ValidationFailure {
  private final String stepId;
  private final transient Optional<String> sqlState;
  private final transient List<AttemptRecord> attempts;

  StepFailure(String stepId, Optional<String> sqlState, String message, List<AttemptRecord> attempts, Throwable cause) {
    super(message, cause);
    this.stepId = stepId;
    this.sqlState = sqlState;
    this.attempts = List.copyOf(attempts);
  }

  public String stepId() {
    return stepId;
  }

  /** The SQLSTATE that ended the step, when the server sent one. */
  public Optional<String> sqlState() {
    return sqlState;
  }

  /** Every statement run by the failed call, the failing one last. */
  public List<AttemptRecord> attempts() {
    return attempts;
  }
}
