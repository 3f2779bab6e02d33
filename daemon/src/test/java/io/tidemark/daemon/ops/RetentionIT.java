package io.tidemark.daemon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.RetentionSettings;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention against a real control store: plans that ended before the cut-off go whole (databases, steps,
 * leases, events), failed and recent ones stay; old events go; each run deletes at most its batch.
 */
/** Each test has its own fresh database (the extension's is shared by the class). */
@ExtendWith(FreshDatabaseExtension.class)
class RetentionIT {
  private static final List<String> DBS = List.of("authdb", "apidb");

  @Test
  void oldEndedPlansAndOldEventsAreDeletedInBoundedRunsAndEverythingElseStays(TestDatabase db) {
    Vertx vertx = Vertx.vertx();
    Pool state = Fixtures.pool(vertx, "state", db);
    try {
      Fleet.get(new ControlStore(state).migrate());
      PlanOperations ops = new PlanOperations(new ControlStore(state), id -> { });
      for (String id : List.of("old-done-1", "old-done-2", "old-done-3", "old-failed", "new-done", "running")) {
        CompiledPlan plan = TestPlans.users(id, DBS, 0, 1, CompiledPlan.Approval.AUTO, 100);
        Fleet.get(ops.submit(plan, "text", "test"));
      }
      db.execute(
          "UPDATE tidemark.plans SET state = 'completed', updated_at = now() - interval '100 days'"
              + " WHERE id LIKE 'old-done-%'",
          "UPDATE tidemark.plans SET state = 'failed', updated_at = now() - interval '100 days' WHERE id = 'old-failed'",
          "UPDATE tidemark.plans SET state = 'completed', updated_at = now() - interval '1 day' WHERE id = 'new-done'",
          "INSERT INTO tidemark.step_states (plan_id, database, step_id, phase, position, state)"
              + " SELECT plan_id, database, 'expand[0]/add', 'expand', 0, 'done' FROM tidemark.plan_databases",
          "INSERT INTO tidemark.leases (plan_id, database, owner, fencing_token, expires_at)"
              + " VALUES ('old-done-1', 'authdb', 'gone', 1, now() - interval '100 days')",
          "INSERT INTO tidemark.events (plan_id, actor, kind, at)"
              + " SELECT 'running', 't', 'old', now() - interval '40 days' FROM generate_series(1, 5)",
          "INSERT INTO tidemark.events (plan_id, actor, kind) VALUES ('running', 't', 'recent')");
      Retention retention = new Retention(vertx, new ControlStore(state),
          new RetentionSettings(Duration.ofDays(30), Duration.ofDays(90), Duration.ofMinutes(10), 2));

      Retention.Deleted first = Fleet.get(retention.runOnce());
      assertThat(first.plans()).hasSize(2);
      assertThat(first.events()).as("at most the batch").isEqualTo(2);
      Retention.Deleted second = Fleet.get(retention.runOnce());
      assertThat(second.plans()).as(first + " then " + second).hasSize(1);
      Fleet.get(retention.runOnce());

      assertThat(db.queryRows("SELECT id FROM tidemark.plans ORDER BY id")).extracting(r -> r.get(0))
          .containsExactly("new-done", "old-failed", "running");
      for (String table : List.of("plan_databases", "step_states", "leases", "events")) {
        assertThat(db.queryLong("SELECT count(*) FROM tidemark." + table + " WHERE plan_id LIKE 'old-done-%'"))
            .as(table).isZero();
      }
      assertThat(db.queryLong("SELECT count(*) FROM tidemark.plan_databases WHERE plan_id = 'new-done'")).isEqualTo(2);
      assertThat(db.queryRows("SELECT kind FROM tidemark.events WHERE plan_id = 'running' AND actor = 't'"))
          .extracting(r -> r.get(0)).containsExactly("recent");
    } finally {
      Fleet.get(state.close());
      Fleet.get(vertx.close());
    }
  }

  @Test
  void zeroKeepsHistoryForever() {
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create("retentionzero");
    Pool state = Fixtures.pool(vertx, "state", db);
    try {
      Fleet.get(new ControlStore(state).migrate());
      Fleet.get(new PlanOperations(new ControlStore(state), id -> { }).submit(
          TestPlans.users("ancient", DBS, 0, 1, CompiledPlan.Approval.AUTO, 100), "text", "test"));
      db.execute("UPDATE tidemark.plans SET state = 'completed', updated_at = now() - interval '10 years'",
          "UPDATE tidemark.events SET at = now() - interval '10 years'");
      Retention.Deleted d = Fleet.get(new Retention(vertx, new ControlStore(state),
          new RetentionSettings(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(1), 100)).runOnce());
      assertThat(d.plans()).isEmpty();
      assertThat(d.events()).isZero();
      assertThat(db.queryLong("SELECT count(*) FROM tidemark.events")).isPositive();
    } finally {
      Fleet.get(state.close());
      Fleet.get(vertx.close());
      db.close();
    }
  }
}
