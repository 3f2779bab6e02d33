package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The store keeps the compiled plans it decoded, by id and content hash, and its reads then fetch no compiled
 * form for them: a plan deleted and submitted again under its id (another hash) must be read as the new one,
 * by every read that uses the kept plans.
 */
@ExtendWith(FreshDatabaseExtension.class)
class CompiledPlansIT {

  @Test
  void aPlanSubmittedAgainUnderItsIdIsReadWithItsNewCompiledForm(TestDatabase db) {
    Vertx vertx = Vertx.vertx();
    try {
      ControlStore store = new ControlStore(Fixtures.pool(vertx, "state", db));
      Fleet.get(store.migrate());
      PlanOperations ops = new PlanOperations(store, id -> { });
      Fleet.get(ops.submit(plan(List.of("authdb")), "text", "ci"));
      assertThat(databasesOfEveryRead(store)).containsOnly(List.of("authdb"));
      assertThat(databasesOfEveryRead(store)).as("read again, from the kept plan").containsOnly(List.of("authdb"));

      db.execute("DELETE FROM tidemark.events WHERE plan_id = 'again'",
          "DELETE FROM tidemark.plan_databases WHERE plan_id = 'again'",
          "DELETE FROM tidemark.plans WHERE id = 'again'");
      Fleet.get(ops.submit(plan(List.of("apidb", "admindb")), "text", "ci"));

      assertThat(databasesOfEveryRead(store)).containsOnly(List.of("apidb", "admindb"));
    } finally {
      Fleet.get(vertx.close());
    }
  }

  /** The databases of plan {@code again} as each cached read returns it. */
  private static List<List<String>> databasesOfEveryRead(ControlStore store) {
    PlanRecord unfinished = Fleet.get(store.unfinished()).get(0);
    PlanRecord one = Fleet.get(store.plan("again")).orElseThrow();
    PlanRecord locked = Fleet.get(store.transaction(tx -> tx.lockPlan("again"))).orElseThrow();
    PlanRecord listed = Fleet.get(store.pages().plans(Optional.empty(), 10)).get(0);
    return List.of(unfinished, one, locked, listed).stream().map(p -> p.compiled().databases()).toList();
  }

  private static CompiledPlan plan(List<String> databases) {
    return TestPlans.users("again", databases, 0, 1, CompiledPlan.Approval.AUTO, 100);
  }
}
