package io.tidemark.daemon.runner;

import io.tidemark.backfill.BackfillException;
import io.tidemark.daemon.exec.StepFailure;
import io.tidemark.daemon.exec.TransientFailure;
import io.tidemark.pg.Failures;

/**
 * The runner's reading of a step failure, on top of the one classifier ({@link Failures}): transient (the
 * database went away or is out of connections: retried with backoff while the lease is held) or permanent
 * (the database's step fails with its cause). The step executor has already decided for its own failures
 * ({@link TransientFailure} or not; lock timeouts it retried up to {@code max-attempts} itself), so those are
 * taken as they are. Pure; any thread.
 */
final class Faults {
  private Faults() {}

  static boolean isTransient(Throwable e) {
    if (e instanceof StepFailure) {
      return e instanceof TransientFailure;
    }
    return Failures.kind(e).unreachable();
  }

  /** The SQLSTATE that ended a step, when the database sent one. */
  static String sqlState(Throwable e) {
    if (e instanceof StepFailure f) {
      return f.sqlState().orElse(null);
    }
    if (e instanceof BackfillException b) {
      return b.sqlState().orElse(null);
    }
    return e == null ? null : Failures.sqlState(e).orElse(null);
  }
}
