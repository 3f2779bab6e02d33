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
   * succeeds once its lease expired) and pending ones up to the free slots. {@code databases} need only hold
   * the phase's unfinished ones, in rollout order: a done database is never claimed and takes no slot, and
   * the canary stage is over when no database at a canary position is left unfinished. (The runner passes
   * only those: at 1,000 databases it decides after every drive, and reading all 1,000 rows each time was
   * three million rows a rollout.)
   */
  static List<String> claimable(CompiledPlan.Rollout rollout, List<DatabaseRecord> databases, Set<String> drivenHere) {
    int canary = Math.max(rollout.canary(), 0);
    int parallel = Math.max(rollout.parallel(), 1);
    List<DatabaseRecord> unfinished = databases.stream().filter(d -> d.state() != DatabaseState.DONE).toList();
    List<DatabaseRecord> canaries = unfinished.stream().filter(d -> d.position() < canary).toList();
    boolean canaryStage = !canaries.isEmpty();
    List<DatabaseRecord> stage = canaryStage ? canaries : unfinished;
    int limit = canaryStage ? Math.min(canary, parallel) : parallel;

    long failed = unfinished.stream().filter(d -> d.state() == DatabaseState.FAILED).count();
    if (failed >= rollout.failureLimit()) {
      limit = 0;
    }
    List<String> claims = new ArrayList<>();
    // A driver here may still be finishing (its database already done, or a rollback was ordered): it holds
    // the lease, so it takes a slot, and its database is claimed once that driver let go.
    int running = drivenHere.size();
    for (DatabaseRecord d : stage) {
      if (!drivenHere.contains(d.database()) && d.state() == DatabaseState.RUNNING) {
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
