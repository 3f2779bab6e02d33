package io.tidemark.daemon.api;

import io.tidemark.daemon.store.PlanPages;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.RunPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The ETA of a whole plan at the pace so far. Each database has three phases to finish (expand, migrate,
 * contract): one in {@code migrate} and done with it has finished 2 of 3, one pending in {@code expand} 0. The
 * share finished over the time since the plan was submitted gives the pace. Example: 1,000 databases, 600
 * through expand and 400 done with migrate too, after 10 minutes: (600 + 800) of 3,000 phases, 7/15 in
 * 600 s, so 1,600 phases left at 2.33/s is about 686 s. Unknown (empty) before any database finished a
 * phase, while rolling back, and when the plan is not moving (ended, paused, failed, awaiting approval).
 */
final class PlanEta {
  private static final Set<PlanState> MOVING = EnumSet.of(PlanState.SUBMITTED, PlanState.EXPANDING,
      PlanState.MIGRATING, PlanState.CONTRACTING);
  private static final int PHASES = 3;

  private PlanEta() {}

  static OptionalDouble seconds(PlanRecord plan, List<PlanPages.Count> counts, Instant now) {
    if (!MOVING.contains(plan.state())) {
      return OptionalDouble.empty();
    }
    long databases = 0;
    long finished = 0;
    for (PlanPages.Count c : counts) {
      if (c.phase() == RunPhase.ROLLBACK) {
        return OptionalDouble.empty();
      }
      databases += c.count();
      finished += c.count() * (c.phase().ordinal() + (c.state().equals("done") ? 1 : 0));
    }
    double elapsed = Duration.between(plan.createdAt().toInstant(), now).toMillis() / 1000.0;
    if (finished == 0 || elapsed <= 0) {
      return OptionalDouble.empty();
    }
    long left = databases * PHASES - finished;
    return OptionalDouble.of(left * elapsed / finished);
  }
}
