package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DdlSettings;
import io.tidemark.pg.SqlStates;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which SQLSTATEs are retried for which kind of step, provoked with {@code RAISE ... USING ERRCODE}. */
@ExtendWith(FreshDatabaseExtension.class)
class RetryClassificationIT {
  private static final DdlSettings THREE_TRIES = new DdlSettings(
      Duration.ofMillis(200), Duration.ZERO, 3, Duration.ofMillis(5), Duration.ofMillis(10));
  private static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void serializationFailuresAreRetriedForTransactionalStepsOnly(TestDatabase db) {
    StepFailure tx = run(db, new StepAction.TransactionalDdl(List.of(raise(SqlStates.SERIALIZATION_FAILURE))));
    StepFailure nonTx = run(db, new StepAction.NonTransactionalDdl(raise(SqlStates.DEADLOCK_DETECTED), Optional.empty()));

    assertThat(tx.attempts()).hasSize(3).allSatisfy(a -> assertThat(a.sqlState()).contains(SqlStates.SERIALIZATION_FAILURE));
    assertThat(nonTx.attempts()).singleElement().satisfies(a -> {
      assertThat(a.sqlState()).contains(SqlStates.DEADLOCK_DETECTED);
      assertThat(a.outcome()).isEqualTo(AttemptRecord.Outcome.FAILED);
    });
    assertThat(nonTx).isInstanceOf(StatementFailure.class);
  }

  @Test
  void lockTimeoutsAreRetriedForNonTransactionalStepsToo(TestDatabase db) {
    StepFailure nonTx = run(db, new StepAction.NonTransactionalDdl(raise(SqlStates.LOCK_NOT_AVAILABLE), Optional.empty()));
    assertThat(nonTx.attempts()).extracting(AttemptRecord::outcome).containsExactly(
        AttemptRecord.Outcome.RETRYING, AttemptRecord.Outcome.RETRYING, AttemptRecord.Outcome.FAILED);
    assertThat(nonTx.sqlState()).contains(SqlStates.LOCK_NOT_AVAILABLE);
  }

  @Test
  void insufficientPrivilegeFailsAtOnce(TestDatabase db) {
    StepFailure failure = run(db, new StepAction.TransactionalDdl(List.of(raise(SqlStates.INSUFFICIENT_PRIVILEGE))));
    assertThat(failure).isInstanceOf(StatementFailure.class);
    assertThat(failure.sqlState()).contains(SqlStates.INSUFFICIENT_PRIVILEGE);
    assertThat(failure.attempts()).hasSize(1);
  }

  private static StepFailure run(TestDatabase db, StepAction action) {
    CompiledStep step = ExecFixtures.step("expand[0]/sql", action, Optional.empty());
    Throwable failure = ExecFixtures.failure(new StepExecutor(vertx).execute(step, ExecFixtures.context(db, THREE_TRIES, step.id())));
    assertThat(failure).isInstanceOf(StepFailure.class);
    return (StepFailure) failure;
  }

  private static String raise(String sqlState) {
    return "DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '" + sqlState + "'; END $$";
  }
}
