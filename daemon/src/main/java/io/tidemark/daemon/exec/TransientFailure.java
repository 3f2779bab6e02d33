package io.tidemark.daemon.exec;

import java.util.List;
import java.util.Optional;

/**
 * The connection failed or the server terminated the session ({@code 57P01} after
 * {@code pg_terminate_backend}, a restart, a refused connection). The step may or may not have taken
 * effect; running it again later is safe because it probes first (and an INVALID index left behind is
 * dropped and rebuilt). The executor does not retry these itself: the daemon backs off, so a database that
 * is down does not hold a step in a tight loop.
 */
public final class TransientFailure extends StepFailure {
  TransientFailure(String stepId, Optional<String> sqlState, String message, List<AttemptRecord> attempts, Throwable cause) {
    super(stepId, sqlState, message, attempts, cause);
  }
}
