package io.tidemark.daemon.exec;

import java.util.List;
import java.util.Optional;

/**
 * A step that failed for a reason retrying will not fix by itself: a permanent SQL error (syntax
 * {@code 42601}, undefined table {@code 42P01}, insufficient privilege {@code 42501}, ...), a lock that
 * stayed unavailable through every allowed attempt ({@code 55P03} after {@code max-attempts}), or a step
 * whose precondition is missing (a constraint to validate that does not exist).
 */
public final class StatementFailure extends StepFailure {
  StatementFailure(String stepId, Optional<String> sqlState, String message, List<AttemptRecord> attempts, Throwable cause) {
    super(stepId, sqlState, message, attempts, cause);
  }
}
