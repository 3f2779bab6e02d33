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
}
