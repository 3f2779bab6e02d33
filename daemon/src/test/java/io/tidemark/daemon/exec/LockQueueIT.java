package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.pg.SqlStates;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.LockHolder;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class LockQueueIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, name text)",
        "INSERT INTO accounts SELECT g, 'n' || g FROM generate_series(1, 1000) g");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void applicationNeverWaitsLongerThanLockTimeoutWhileDdlRetriesBehindAnOpenTransaction(TestDatabase db)
      throws Exception {
    var step = ExecFixtures.step("expand[0]/add-column",
        new StepAction.TransactionalDdl(List.of("ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS email text")),
        Optional.of(ExecFixtures.columnProbe("public.accounts", "email")));
    List<AttemptRecord> attempts = new CopyOnWriteArrayList<>();
    var ctx = ExecFixtures.context(db, ExecFixtures.FAST_DDL, step.id()).withAttemptListener(attempts::add);

    StepResult result;
    try (LockHolder holder = LockHolder.hold(db, "SELECT * FROM accounts LIMIT 1");
         AppSession app = AppSession.start(db, "SELECT count(*) FROM accounts WHERE id < 100", 5)) {
      Future<StepResult> running = new StepExecutor(vertx).execute(step, ctx);
      waitForAttempts(attempts, 4);
      assertThat(running.isComplete()).as("step must wait while the holder is open").isFalse();
      holder.commit();
      result = await(running);
      app.stop();
      System.out.printf("lock queue: %d app queries, max %d ms, p99 %.1f ms; %d DDL attempts%n",
          app.executions(), app.maxLatencyMillis(), app.latencyMillis(0.99), attempts.size());
      assertThat(app.errors()).isZero();
      assertThat(app.executions()).isGreaterThan(20);
      assertThat(app.maxLatencyMillis())
          .as("application waited at most lock_timeout + 100 ms")
          .isLessThanOrEqualTo(ExecFixtures.FAST_DDL.lockTimeout().toMillis() + 100);
    }

    assertThat(result.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    assertThat(result.attempts()).hasSizeGreaterThan(1);
    assertThat(result.attempts().subList(0, result.attempts().size() - 1))
        .allSatisfy(a -> {
          assertThat(a.outcome()).isEqualTo(AttemptRecord.Outcome.RETRYING);
          assertThat(a.sqlState()).contains(SqlStates.LOCK_NOT_AVAILABLE);
        });
    assertThat(result.attempts().get(result.attempts().size() - 1).outcome()).isEqualTo(AttemptRecord.Outcome.SUCCEEDED);
    assertThat(attempts).containsExactlyElementsOf(result.attempts());
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' "
        + "AND column_name = 'email'")).isEqualTo(1);
  }

  @Test
  void failsWithLockTimeoutAfterMaxAttempts(TestDatabase db) throws Exception {
    var step = ExecFixtures.step("expand[1]/add-column",
        new StepAction.TransactionalDdl(List.of("ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS phone text")),
        Optional.of(ExecFixtures.columnProbe("public.accounts", "phone")));
    var ddl = new io.tidemark.config.DdlSettings(java.time.Duration.ofMillis(50), java.time.Duration.ZERO, 3,
        java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(20));
    try (LockHolder holder = LockHolder.hold(db, "SELECT * FROM accounts LIMIT 1")) {
      Throwable failure = ExecFixtures.failure(new StepExecutor(vertx).execute(step, ExecFixtures.context(db, ddl, step.id())));
      assertThat(failure).isInstanceOf(StatementFailure.class);
      StatementFailure f = (StatementFailure) failure;
      assertThat(f.sqlState()).contains(SqlStates.LOCK_NOT_AVAILABLE);
      assertThat(f.attempts()).hasSize(3).extracting(AttemptRecord::outcome)
          .containsExactly(AttemptRecord.Outcome.RETRYING, AttemptRecord.Outcome.RETRYING, AttemptRecord.Outcome.FAILED);
    }
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' "
        + "AND column_name = 'phone'")).isZero();
  }

  private static void waitForAttempts(List<AttemptRecord> attempts, int count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (attempts.size() < count && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(attempts).hasSizeGreaterThanOrEqualTo(count);
  }
}
