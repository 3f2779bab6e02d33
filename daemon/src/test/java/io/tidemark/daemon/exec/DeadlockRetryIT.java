package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DdlSettings;
import io.tidemark.pg.SqlStates;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class DeadlockRetryIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE a (id int)", "CREATE TABLE b (id int)");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  /**
   * The step locks a then waits for b, held by an application transaction that then asks for a: a deadlock.
   * The step waited first, so its deadlock check (after {@code deadlock_timeout}, 1 s) fires first and it is
   * the one rolled back with 40P01; the rerun of the whole transaction succeeds once the application is done.
   */
  @Test
  void transactionalStepRolledBackByADeadlockIsRerunWhole(TestDatabase db) throws Exception {
    CompiledStep step = ExecFixtures.step("expand[0]/sql", new StepAction.TransactionalDdl(List.of(
        "ALTER TABLE public.a ADD COLUMN IF NOT EXISTS x int", "ALTER TABLE public.b ADD COLUMN IF NOT EXISTS x int")),
        Optional.empty());
    DdlSettings patient = new DdlSettings(Duration.ofSeconds(10), Duration.ZERO, 5, Duration.ofMillis(20), Duration.ofMillis(50));

    StepResult result;
    try (Connection app = db.connect(); Statement s = app.createStatement()) {
      s.execute("SET deadlock_timeout = '10s'"); // the step, checking after 1 s, is the one to find the deadlock
      app.setAutoCommit(false);
      s.execute("LOCK TABLE b IN ROW EXCLUSIVE MODE");
      Future<StepResult> running = new StepExecutor(vertx).execute(step, ExecFixtures.context(db, patient, step.id()));
      waitUntilStepWaitsForB(db);
      CompletableFuture<Void> appTakesA = CompletableFuture.runAsync(() -> lockA(s));
      appTakesA.get();
      app.commit();
      result = await(running);
    }

    assertThat(result.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    assertThat(result.attempts()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(result.attempts().get(0).sqlState()).contains(SqlStates.DEADLOCK_DETECTED);
    assertThat(result.attempts().get(0).outcome()).isEqualTo(AttemptRecord.Outcome.RETRYING);
    assertThat(db.queryLong("SELECT count(*) FROM pg_attribute WHERE attname = 'x' AND attrelid IN ('a'::regclass, 'b'::regclass)"))
        .isEqualTo(2);
  }

  private static void lockA(Statement s) {
    try {
      s.execute("LOCK TABLE a IN ROW EXCLUSIVE MODE");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntilStepWaitsForB(TestDatabase db) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      if (db.queryLong("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'b'::regclass") > 0) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the step never waited for b");
  }
}
