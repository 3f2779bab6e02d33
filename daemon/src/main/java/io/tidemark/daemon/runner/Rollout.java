package io.tidemark.daemon.runner;

import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.planner.CompiledPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which databases of a plan may be driven now within its current phase. The first {@code canary} databases
 * (in the plan's order) run the phase alone and must all be done before any other starts; after them at most
 * {@code parallel} run at a time. Worked example, canary 1, parallel 2, databases a b c d: a alone; then b c;
 * d when b or c is done. A failed or paused canary holds the rest back. Once {@code max-failures} databases
 * of the phase failed, no database starts any more; those already running are still taken over when their
 * daemon died, so they finish. Pure; any thread.
 */
final class Rollout {
  private Rollout() {}

  /**
   * Databases to claim: those marked running but not driven here (their daemon may be dead: the claim only
   * succeeds once its lease expired) and pending ones up to the free slots.
   */
  static List<String> claimable(CompiledPlan.Rollout rollout, List<DatabaseRecord> databases, Set<String> drivenHere) {
    int canary = Math.min(Math.max(rollout.canary(), 0), databases.size());
    int parallel = Math.max(rollout.parallel(), 1);
    List<DatabaseRecord> canaries = databases.subList(0, canary);
    boolean canaryStage = canaries.stream().anyMatch(d -> d.state() != DatabaseState.DONE);
    List<DatabaseRecord> stage = canaryStage ? canaries : databases;
    int limit = canaryStage ? Math.min(canary, parallel) : parallel;

    long failed = databases.stream().filter(d -> d.state() == DatabaseState.FAILED).count();
    if (failed >= rollout.failureLimit()) {
      limit = 0;
    }
    List<String> claims = new ArrayList<>();
    int running = 0;
    for (DatabaseRecord d : stage) {
      // A driver here may still be finishing the previous phase (e.g. after a rollback was ordered): it
      // holds the lease, so the database counts as running and is claimed once that driver let go.
      if (drivenHere.contains(d.database())) {
        running++;
      } else if (d.state() == DatabaseState.RUNNING) {
        running++;
        claims.add(d.database());
      }
    }
    for (DatabaseRecord d : stage) {
      if (running >= limit) {
        break;
      }
      if (d.state() == DatabaseState.PENDING && !d.paused() && !drivenHere.contains(d.database())) {
        claims.add(d.database());
        running++;
      }
    }
    return claims;
  }
}
