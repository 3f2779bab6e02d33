package io.tidemark.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Fixtures;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class ControlSchemaIT {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void fourDaemonsMigratingAtOnceApplyEachVersionExactlyOnce() throws Exception {
    try (TestDatabase db = TestDatabase.create("controlschemaconcurrent")) {
      migrateConcurrently(db);
    }
  }

  private void migrateConcurrently(TestDatabase db) throws Exception {
    List<Pool> pools = new ArrayList<>();
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Pool p = Fixtures.pool(vertx, "state", db);
      pools.add(p);
      runs.add(ControlSchema.migrate(p));
    }
    List<Integer> found = new ArrayList<>();
    for (Future<Integer> f : runs) {
      found.add(f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    pools.forEach(Pool::close);

    assertThat(found).containsOnly(0, ControlSchema.CURRENT_VERSION).containsOnlyOnce(0);
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.schema_version")).isEqualTo(ControlSchema.CURRENT_VERSION);
    assertThat(db.queryRows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'tidemark'"
        + " ORDER BY 1")).extracting(r -> r.get(0))
        .containsExactly("budget_slots", "events", "leases", "plan_databases", "plans", "schema_version", "step_states");
  }

  @Test
  void migratingAnUpToDateSchemaChangesNothing(TestDatabase db) throws Exception {
    Pool p = Fixtures.pool(vertx, "state", db);
    ControlSchema.migrate(p).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    long before = db.queryLong("SELECT count(*) FROM tidemark.schema_version");

    int found = ControlSchema.migrate(p).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(found).isEqualTo(ControlSchema.CURRENT_VERSION);
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.schema_version")).isEqualTo(before);
    assertThat(ControlSchema.version(p).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .isEqualTo(ControlSchema.CURRENT_VERSION);
  }

  @Test
  void aStoreOfTheFirstReleaseWithPlansInFlightUpgradesInPlace() throws Exception {
    try (TestDatabase db = TestDatabase.create("controlschemaupgrade")) {
      upgradeFromVersionOne(db);
    }
  }

  private void upgradeFromVersionOne(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA IF NOT EXISTS tidemark", "CREATE TABLE tidemark.schema_version (version int PRIMARY KEY,"
        + " applied_at timestamptz NOT NULL DEFAULT now())", "INSERT INTO tidemark.schema_version VALUES (1)");
    db.execute(Migrations.ALL.get(0).toArray(String[]::new));
    db.execute("INSERT INTO tidemark.plans (id, content_hash, plan_text, compiled, submitted_by, state, phase,"
            + " resume_state) VALUES ('p', 'h', 't', '{}', 'ci', 'paused', 'migrate', 'migrating')",
        "INSERT INTO tidemark.plan_databases (plan_id, database, position, phase, state) VALUES"
            + " ('p', 'authdb', 0, 'migrate', 'running')",
        "INSERT INTO tidemark.leases VALUES ('p', 'authdb', 'd1', 3, now())");
    Pool p = Fixtures.pool(vertx, "state", db);

    int found = ControlSchema.migrate(p).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(found).isEqualTo(1);
    assertThat(db.queryLong("SELECT max(version) FROM tidemark.schema_version")).isEqualTo(ControlSchema.CURRENT_VERSION);
    assertThat(db.queryValue("SELECT state FROM tidemark.plans WHERE id = 'p'")).isEqualTo("paused");
  }

  @Test
  void theDatabaseRefusesIllegalStatesAndOrphanLeases(TestDatabase db) throws Exception {
    Pool p = Fixtures.pool(vertx, "state", db);
    ControlSchema.migrate(p).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    db.execute("INSERT INTO tidemark.plans (id, content_hash, plan_text, compiled, submitted_by, state, phase)"
            + " VALUES ('illegal', 'h', 't', '{}', 'ci', 'submitted', 'expand')",
        "INSERT INTO tidemark.plan_databases (plan_id, database, position, phase, state) VALUES"
            + " ('illegal', 'authdb', 0, 'expand', 'pending')");

    assertThat(sqlState(db, "UPDATE tidemark.plans SET state = 'sleeping' WHERE id = 'illegal'")).isEqualTo("23514");
    assertThat(sqlState(db, "UPDATE tidemark.plans SET state = 'paused' WHERE id = 'illegal'")).as("paused without a resume state")
        .isEqualTo("23514");
    assertThat(sqlState(db, "UPDATE tidemark.plans SET awaiting = 'x' WHERE id = 'illegal'")).as("awaiting while not awaiting-approval")
        .isEqualTo("23514");
    assertThat(sqlState(db, "UPDATE tidemark.plan_databases SET state = 'paused' WHERE plan_id = 'illegal'")).isEqualTo("23514");
    assertThat(sqlState(db, "INSERT INTO tidemark.leases VALUES ('illegal', 'nowhere', 'd1', 1, now())"))
        .as("a lease on a database the plan does not have").isEqualTo("23503");
    assertThat(sqlState(db, "INSERT INTO tidemark.leases VALUES ('illegal', 'authdb', 'd1', 0, now())")).isEqualTo("23514");
  }

  private static String sqlState(TestDatabase db, String sql) {
    try {
      db.execute(sql);
      return "none";
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.sql.SQLException s) {
          return s.getSQLState();
        }
      }
      throw e;
    }
  }
}
