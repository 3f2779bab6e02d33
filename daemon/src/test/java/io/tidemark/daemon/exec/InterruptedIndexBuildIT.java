package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DdlSettings;
import io.tidemark.pg.SqlStates;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.LockHolder;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Concurrent index builds interrupted by a kill or by the lock timeout leave an INVALID index; the next run
 * drops it and builds a valid one. A writer's open transaction makes the build wait deterministically in
 * {@code waiting for writers before build}, after the INVALID catalog entry exists.
 */
@ExtendWith(FreshDatabaseExtension.class)
class InterruptedIndexBuildIT {
  private static final String WRITER_TXN = "UPDATE items SET v = v WHERE id = 1";
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE items (id bigint PRIMARY KEY, v int, w int)",
        "INSERT INTO items SELECT g, g % 977, g % 13 FROM generate_series(1, 20000) g");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void terminatedBuildLeavesInvalidIndexThatTheNextRunDropsAndRebuilds(TestDatabase db) throws Exception {
    CompiledStep step = indexStep("expand[0]/create-index", "items_v_idx", "v");
    DdlSettings patient = new DdlSettings(Duration.ofSeconds(30), Duration.ZERO, 5, Duration.ofMillis(20), Duration.ofMillis(50));
    List<IndexProgress> samples = new CopyOnWriteArrayList<>();
    var ctx = ExecFixtures.context(db, patient, step.id()).withIndexProgressListener(samples::add, Duration.ofMillis(50));

    try (LockHolder writer = LockHolder.hold(db, WRITER_TXN)) {
      Future<StepResult> build = new StepExecutor(vertx).execute(step, ctx);
      waitUntil(() -> samples.stream().anyMatch(IndexProgress::waiting));
      IndexProgress stalled = samples.stream().filter(IndexProgress::waiting).findFirst().orElseThrow();
      assertThat(stalled.phase()).isEqualTo("waiting for writers before build");
      assertThat(stalled.waitingOnPids()).containsExactly(writer.pid());
      assertThat(stalled.oldestWaitAge()).isPresent();

      assertThat(db.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          + "WHERE application_name = '" + ctx.applicationName() + "' AND query ILIKE 'CREATE INDEX%'")).isEqualTo(1);
      Throwable killed = ExecFixtures.failure(build);
      assertThat(killed).isInstanceOf(TransientFailure.class);
      assertThat(((StepFailure) killed).sqlState()).contains(SqlStates.ADMIN_SHUTDOWN);
      assertThat(indexValid(db, "items_v_idx")).isEqualTo(false);
      writer.commit();
    }

    StepResult rerun = await(new StepExecutor(vertx).execute(step, ctx));
    assertThat(rerun.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    assertThat(rerun.attempts()).extracting(AttemptRecord::statement)
        .containsExactly("DROP INDEX CONCURRENTLY IF EXISTS public.items_v_idx", createIndex("items_v_idx", "v"));
    assertThat(indexValid(db, "items_v_idx")).isEqualTo(true);
    assertThat(await(new StepExecutor(vertx).execute(step, ctx)).outcome()).isEqualTo(StepResult.Outcome.ALREADY_DONE);
  }

  @Test
  void buildKilledByLockTimeoutIsCleanedUpAndRebuiltByALaterAttempt(TestDatabase db) throws Exception {
    CompiledStep step = indexStep("expand[1]/create-index", "items_w_idx", "w");
    List<AttemptRecord> attempts = new CopyOnWriteArrayList<>();
    var ctx = ExecFixtures.context(db, ExecFixtures.FAST_DDL, step.id()).withAttemptListener(attempts::add);

    StepResult result;
    try (LockHolder writer = LockHolder.hold(db, WRITER_TXN)) {
      Future<StepResult> build = new StepExecutor(vertx).execute(step, ctx);
      waitUntil(() -> attempts.size() >= 3);
      writer.commit();
      result = await(build);
    }

    assertThat(result.outcome()).isEqualTo(StepResult.Outcome.APPLIED);
    assertThat(result.attempts().get(0).sqlState()).contains(SqlStates.LOCK_NOT_AVAILABLE);
    assertThat(result.attempts()).extracting(AttemptRecord::statement)
        .contains("DROP INDEX CONCURRENTLY IF EXISTS public.items_w_idx");
    assertThat(result.attempts().get(result.attempts().size() - 1))
        .satisfies(a -> assertThat(a.statement()).isEqualTo(createIndex("items_w_idx", "w")))
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(AttemptRecord.Outcome.SUCCEEDED));
    assertThat(indexValid(db, "items_w_idx")).isEqualTo(true);
    assertThat(db.queryLong("SELECT count(*) FROM pg_index WHERE indrelid = 'items'::regclass AND NOT indisvalid")).isZero();
  }

  private static CompiledStep indexStep(String id, String index, String column) {
    return ExecFixtures.step(id, new StepAction.NonTransactionalDdl(createIndex(index, column),
        Optional.of("DROP INDEX CONCURRENTLY IF EXISTS public." + index)), Optional.of(ExecFixtures.indexProbe("public." + index)));
  }

  private static String createIndex(String index, String column) {
    return "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON public.items (" + column + ")";
  }

  private static Object indexValid(TestDatabase db, String index) {
    return db.queryValue("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public." + index + "'::regclass");
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(condition.getAsBoolean()).as("condition reached within 20 s").isTrue();
  }
}
