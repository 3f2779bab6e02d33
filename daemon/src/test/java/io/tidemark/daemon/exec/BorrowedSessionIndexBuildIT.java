package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.pg.Connector;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A concurrent index build given the drive's pool ({@link ExecutionContext#withPool}) runs on a session of
 * that pool, not on a connection of its own (a backend started per index per database at fleet size), and
 * gives the session back without the session-level timeouts it set for the build.
 */
@ExtendWith(FreshDatabaseExtension.class)
class BorrowedSessionIndexBuildIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE items (id bigint PRIMARY KEY, v int)",
        "INSERT INTO items SELECT g, g % 977 FROM generate_series(1, 5000) g");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void indexBuildRunsOnTheDrivesSessionAndGivesItBackWithoutItsTimeouts(TestDatabase db) {
    AtomicInteger ownConnections = new AtomicInteger();
    Connector direct = Connector.direct(vertx);
    Connector counting = new Connector() {
      @Override
      public Future<PgConnection> connect(PgConnectOptions options) {
        ownConnections.incrementAndGet();
        return direct.connect(options);
      }

      @Override
      public Pool pool(PgConnectOptions options, int maxSize) {
        return direct.pool(options, maxSize);
      }
    };
    Pool drive = direct.pool(ExecFixtures.options(db), 1);
    try {
      Row before = session(drive);
      CompiledStep step = ExecFixtures.step("expand[0]/create-index", new StepAction.NonTransactionalDdl(
          "CREATE INDEX CONCURRENTLY IF NOT EXISTS items_v_idx ON public.items (v)",
          Optional.of("DROP INDEX CONCURRENTLY IF EXISTS public.items_v_idx")),
          Optional.of(ExecFixtures.indexProbe("public.items_v_idx")));
      var ctx = ExecFixtures.context(db, ExecFixtures.FAST_DDL, step.id()).withPool(drive);

      StepResult result = await(new StepExecutor(vertx, counting).execute(step, ctx));

      assertThat(result.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
      assertThat(db.queryValue("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.items_v_idx'::regclass"))
          .isEqualTo(true);
      assertThat(ownConnections).as("connections opened besides the drive's").hasValue(0);
      Row after = session(drive);
      assertThat(after.getInteger("pid")).as("the same session").isEqualTo(before.getInteger("pid"));
      assertThat(after.getString("lock_timeout")).isEqualTo(before.getString("lock_timeout"));
      assertThat(after.getString("statement_timeout")).isEqualTo(before.getString("statement_timeout"));
    } finally {
      await(drive.close());
    }
  }

  private static Row session(Pool pool) {
    return await(pool.query("SELECT pg_backend_pid() AS pid, current_setting('lock_timeout') AS lock_timeout,"
        + " current_setting('statement_timeout') AS statement_timeout").execute()).iterator().next();
  }
}
