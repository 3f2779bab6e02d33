package io.tidemark.daemon.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.DatabaseState;
import io.tidemark.daemon.store.RunPhase;
import io.tidemark.planner.CompiledPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutTest {
  private static final CompiledPlan.Rollout CANARY_1_PARALLEL_2 = new CompiledPlan.Rollout(1, 2);

  @Test
  void canaryRunsAloneUntilDone() {
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("pending", "pending", "pending", "pending"), Set.of()))
        .containsExactly("a");
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("running", "pending", "pending", "pending"), Set.of("a")))
        .isEmpty();
  }

  @Test
  void afterTheCanaryAtMostParallelRunAtOnce() {
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("done", "pending", "pending", "pending"), Set.of()))
        .containsExactly("b", "c");
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("done", "done", "running", "pending"), Set.of("c")))
        .containsExactly("d");
  }

  @Test
  void aFailedOrPausedCanaryHoldsTheRestBack() {
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("failed", "pending", "pending", "pending"), Set.of())).isEmpty();
    List<DatabaseRecord> pausedCanary = new ArrayList<>(dbs("pending", "pending", "pending", "pending"));
    pausedCanary.set(0, db("a", 0, "pending", true));
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, pausedCanary, Set.of())).isEmpty();
  }

  @Test
  void aRunningDatabaseNotDrivenHereIsClaimedForTakeoverWithoutTakingASlot() {
    assertThat(Rollout.claimable(CANARY_1_PARALLEL_2, dbs("done", "running", "running", "pending"), Set.of()))
        .containsExactly("b", "c");
  }

  @Test
  void aFailedDatabaseBelowMaxFailuresDoesNotStopTheOthers() {
    assertThat(Rollout.claimable(new CompiledPlan.Rollout(0, 3, OptionalInt.of(2)),
        dbs("failed", "pending", "done", "pending"), Set.of()))
        .containsExactly("b", "d");
  }

  @Test
  void atMaxFailuresNothingStartsButRunningDatabasesAreStillTakenOver() {
    assertThat(Rollout.claimable(new CompiledPlan.Rollout(0, 3, OptionalInt.of(2)),
        dbs("failed", "running", "failed", "pending"), Set.of()))
        .containsExactly("b");
    assertThat(Rollout.claimable(new CompiledPlan.Rollout(0, 3), dbs("failed", "pending", "pending"), Set.of()))
        .as("the default stops at the first failure").isEmpty();
  }

  /** The runner passes only the unfinished databases (a decision after each drive must not read them all). */
  @Test
  void theSameDatabasesAreClaimedWhenTheDoneOnesAreLeftOut() {
    List<DatabaseRecord> all = dbs("done", "done", "running", "pending", "done", "pending", "pending");
    List<DatabaseRecord> unfinished = all.stream().filter(d -> d.state() != DatabaseState.DONE).toList();
    CompiledPlan.Rollout canary2 = new CompiledPlan.Rollout(2, 3);
    assertThat(Rollout.claimable(canary2, unfinished, Set.of("c"))).containsExactly("d", "f")
        .isEqualTo(Rollout.claimable(canary2, all, Set.of("c")));
    List<DatabaseRecord> canaryLeft = dbs("done", "pending", "pending");
    assertThat(Rollout.claimable(canary2, canaryLeft.subList(1, 3), Set.of())).as("canary b still unfinished")
        .containsExactly("b").isEqualTo(Rollout.claimable(canary2, canaryLeft, Set.of()));
  }

  private static List<DatabaseRecord> dbs(String... states) {
    List<DatabaseRecord> out = new ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      out.add(db(String.valueOf((char) ('a' + i)), i, states[i], false));
    }
    return out;
  }

  private static DatabaseRecord db(String name, int position, String state, boolean paused) {
    return new DatabaseRecord("p", name, position, RunPhase.EXPAND, DatabaseState.fromWire(state), Optional.empty(),
        paused, Optional.empty(), null);
  }
}
