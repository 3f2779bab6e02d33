package io.tidemark.daemon.exec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A sample of a running {@code CREATE INDEX CONCURRENTLY}, read from {@code pg_stat_progress_create_index}.
 *
 * @param ratio          0..1 over the whole build, weighted by phase (see {@link IndexProgressPoller}); it
 *                       only ever grows within one build
 * @param phase          PostgreSQL's phase name, e.g. {@code building index: scanning table} or
 *                       {@code waiting for old snapshots}
 * @param waitingOnPids  when the build waits (phases named {@code waiting for ...}): the backends whose
 *                       transactions it waits for; empty otherwise
 * @param oldestWaitAge  age of the oldest of those transactions; empty when it waits for none. A stalled
 *                       build shows here: {@code [4711], PT2H} means pid 4711 has had a transaction open for
 *                       two hours and the build cannot finish before it ends.
 */
public record IndexProgress(double ratio, String phase, List<Integer> waitingOnPids, Optional<Duration> oldestWaitAge) {
  public IndexProgress {
    waitingOnPids = List.copyOf(waitingOnPids);
  }

  public boolean waiting() {
    return !waitingOnPids.isEmpty();
  }
}
