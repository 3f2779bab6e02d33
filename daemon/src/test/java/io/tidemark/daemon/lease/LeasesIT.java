package io.tidemark.daemon.lease;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.LeaseLostException;
import io.tidemark.daemon.store.NewEvent;
import io.tidemark.daemon.store.RunPhase;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class LeasesIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    get(vertx.close());
  }

  @Test
  void aTakenOverLeaseFencesOffEveryWriteOfItsFormerHolder(TestDatabase db) {
    ControlStore state = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(state.migrate());
    get(new PlanOperations(state, id -> { }).submit(
        TestPlans.users("lp", List.of("authdb"), 0, 1, CompiledPlan.Approval.AUTO, 100), "text", "ci"));

    Fence a = get(claim(state, "lp", "authdb", "daemon-a", LEASE)).orElseThrow();
    assertThat(get(claim(state, "lp", "authdb", "daemon-b", LEASE))).as("held by a live daemon").isEmpty();
    get(state.stepStarted(a, RunPhase.EXPAND, "expand[0]/add-column", 0, event("daemon-a", "step-started")));

    db.execute("UPDATE tidemark.leases SET expires_at = now() - interval '1 second'"); // a stopped heartbeating
    Fence b = get(claim(state, "lp", "authdb", "daemon-b", LEASE)).orElseThrow();

    assertThat(b.token()).isEqualTo(a.token() + 1);
    assertThat(failure(state.stepDone(a, "expand[0]/add-column", event("daemon-a", "step-done"))))
        .isInstanceOf(LeaseLostException.class);
    assertThat(failure(state.stepStarted(a, RunPhase.EXPAND, "expand[0]/add-column", 0,
        event("daemon-a", "step-started")))).isInstanceOf(LeaseLostException.class);
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.events WHERE actor = 'daemon-a' AND kind LIKE 'step-%'"))
        .as("the fenced-off writes left no event either").isEqualTo(1);
    assertThat(db.queryValue("SELECT attempts FROM tidemark.step_states WHERE step_id = 'expand[0]/add-column'"))
        .as("nor an attempt").isEqualTo(1);
    assertThat(failure(state.appendFenced(a, NewEvent.work("lp", "authdb", null, "daemon-a", "x", null))))
        .isInstanceOf(LeaseLostException.class);
    assertThat(get(state.renew(a, LEASE))).as("a learns it lost the lease").isEmpty();
    get(state.stepDone(b, "expand[0]/add-column", event("daemon-b", "step-done")));
    assertThat(get(state.renew(b, LEASE))).isPresent();
    assertThat(db.queryValue("SELECT state FROM tidemark.step_states WHERE step_id = 'expand[0]/add-column'"))
        .isEqualTo("done");

    get(state.release(b));
    Fence again = get(claim(state, "lp", "authdb", "daemon-a", LEASE)).orElseThrow();
    assertThat(again.token()).as("a released lease is claimable at once, with a new token").isEqualTo(b.token() + 1);
    Fence restarted = get(claim(state, "lp", "authdb", "daemon-a", LEASE)).orElseThrow();
    assertThat(restarted.token()).as("a restarted daemon reclaims its own lease").isEqualTo(again.token() + 1);
  }

  private static NewEvent event(String actor, String kind) {
    return NewEvent.work("lp", "authdb", "expand[0]/add-column", actor, kind, null);
  }

  private static Future<Optional<Fence>> claim(ControlStore store, String plan, String database, String owner,
      Duration lease) {
    return store.transaction(tx -> tx.claim(plan, database, owner, lease));
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
