package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.eventually;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.backfill.throttle.ThrottleReason;
import io.tidemark.backfill.throttle.ThrottleSignal;
import io.tidemark.config.ServerConfig;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.testkit.AppSession;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.tidemark.pg.PgConnections;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FreshDatabaseExtension.class)
class ThrottleIT {
  @RegisterExtension
  static final RunningEngine ENGINE = new RunningEngine();

  private static void table(TestDatabase db, String name, int rows) {
    db.execute("CREATE TABLE " + name + " (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO " + name + " (id) SELECT g FROM generate_series(1, " + rows + ") g");
  }

  private static ThrottleSettings with(String httpCheck, String flagFile, int maxActiveSessions) {
    return new ThrottleSettings(Duration.ZERO, 0, maxActiveSessions, httpCheck, flagFile, Duration.ofMillis(100));
  }

  /** Records every throttle reason a run reports while the test waits. */
  private static Set<ThrottleSignal> watchReasons(BackfillRun run) {
    Set<ThrottleSignal> seen = ConcurrentHashMap.newKeySet();
    long timer = ENGINE.vertx()
        .setPeriodic(10, id -> run.progress().throttle().ifPresent(r -> seen.add(r.signal())));
    run.completion().onComplete(ar -> ENGINE.vertx().cancelTimer(timer));
    return seen;
  }

  /**
   * Fail closed: a throttle check that fails (here the http-check URL is one the HTTP client refuses to
   * parse, after the replication-lag signal was read fine) holds every batch instead of letting it run.
   */
  @Test
  void aThrottleCheckThatFailsHoldsTheBatch(TestDatabase db) {
    table(db, "held", 500);
    ThrottleSettings failing = new ThrottleSettings(Duration.ofSeconds(10), 0, 0, "::", "", Duration.ofMillis(100));
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/held", spec("held", "n = n + 1", null),
        pace(10, 100, 100, 0), failing));
    eventually(20, "held by the failing check",
        () -> run.progress().throttle().map(ThrottleReason::unreadable).orElse(false));
    Fixtures.sleep(1000);

    assertThat(run.progress().rowsDone()).isZero();
    assertThat(run.progress().state()).isEqualTo(BackfillState.RUNNING);
    assertThat(db.queryLong("SELECT count(*) FROM held WHERE n <> 0")).isZero();
    await(run.stop());
    assertThat(run.progress().state()).isEqualTo(BackfillState.STOPPED);
  }

  @Test
  void aRowsPerSecondCapHoldsTheMeasuredRateDown(TestDatabase db) {
    table(db, "capped", 4000);
    long t0 = System.nanoTime();
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/capped", spec("capped", "n = n + 1", null),
        pace(10, 5000, 100, 1000), NO_THROTTLE));
    Set<ThrottleSignal> reasons = watchReasons(run);
    eventually(20, "half done", () -> run.progress().rowsDone() >= 2000);
    BackfillProgress mid = run.progress();
    BackfillResult r = await(run.completion());
    double seconds = (System.nanoTime() - t0) / 1e9;

    // progress mid-way: the estimate comes from the walked fraction of the integer key range
    assertThat(mid.rowsEstimated()).isBetween(3600L, 4400L);
    assertThat(mid.ratio()).isBetween(0.4, 0.7);
    assertThat(mid.rowsPerSecond()).isBetween(100.0, 2500.0); // the first second's burst is in the window
    assertThat(mid.eta()).isPresent();
    assertThat(run.progress().ratio()).isEqualTo(1.0);
    assertThat(run.progress().state()).isEqualTo(BackfillState.DONE);

    // one second of burst, then 1,000 rows/s: 4,000 rows cannot take less than 3 s
    assertThat(seconds).isGreaterThanOrEqualTo(2.9);
    assertThat(r.rowsDone() / seconds).isLessThan(1400);
    assertThat(r.batches()).isGreaterThanOrEqualTo(40); // batches of at most 100 rows (1,000 rows/s × 100 ms)
    assertThat(reasons).contains(ThrottleSignal.MAX_ROWS_PER_SECOND);
    assertThat(db.queryLong("SELECT count(*) FROM capped WHERE n <> 1")).isZero();
  }

  @Test
  void aFlagFileHoldsEveryBatchUntilItIsRemoved(TestDatabase db, @TempDir Path dir) throws Exception {
    table(db, "flagged", 2000);
    Path flag = Files.createFile(dir.resolve("pause"));
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/flagged", spec("flagged", "n = n + 1", null),
        pace(100, 5000, 100, 0), with("", flag.toString(), 0)));
    eventually(20, "flag-file throttle", () -> reasonIs(run, ThrottleSignal.FLAG_FILE));
    Fixtures.sleep(500);
    assertThat(run.progress().rowsDone()).isZero();
    assertThat(run.progress().throttle().orElseThrow().detail()).contains(flag.toString());

    Files.delete(flag);
    BackfillResult r = await(run.completion());
    assertThat(r.rowsDone()).isEqualTo(2000);
    assertThat(db.queryLong("SELECT count(*) FROM flagged WHERE n <> 1")).isZero();
  }

  @Test
  void theFirstSignalInOrderThatTripsIsTheReportedReason(TestDatabase db, @TempDir Path dir) throws Exception {
    table(db, "ordered", 500);
    Path flag = Files.createFile(dir.resolve("hold"));
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/ordered", spec("ordered", "n = n + 1", null),
        pace(100, 5000, 100, 0), with("", flag.toString(), 0)));
    run.controls().operatorThrottle("also held");
    eventually(20, "flag-file reported first", () -> reasonIs(run, ThrottleSignal.FLAG_FILE));
    Files.delete(flag);
    eventually(20, "then the operator throttle", () -> reasonIs(run, ThrottleSignal.OPERATOR));
    assertThat(run.progress().rowsDone()).isZero();
    run.controls().clearOperatorThrottle();
    assertThat(await(run.completion()).rowsDone()).isEqualTo(500);
  }

  @Test
  void anOperatorThrottleSetAtRuntimeStopsProgressUntilCleared(TestDatabase db) {
    table(db, "operated", 5000);
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/operated", spec("operated", "n = n + 1", null),
        pace(100, 1000, 100, 4000), NO_THROTTLE));
    eventually(20, "first batches", () -> run.progress().rowsDone() > 0);
    run.controls().operatorThrottle("incident 42");
    eventually(20, "operator throttle", () -> reasonIs(run, ThrottleSignal.OPERATOR));
    long held = run.progress().rowsDone();
    Fixtures.sleep(600);
    assertThat(run.progress().rowsDone()).isEqualTo(held);
    assertThat(run.progress().throttle().orElseThrow().toString()).isEqualTo("operator: incident 42");

    run.controls().clearOperatorThrottle();
    run.controls().maxRowsPerSecond(0); // and lift the cap at runtime
    BackfillResult r = await(run.completion());
    assertThat(r.rowsDone()).isEqualTo(5000);
    assertThat(db.queryLong("SELECT count(*) FROM operated WHERE n <> 1")).isZero();
  }

  @Test
  void anUnreadableHttpCheckThrottlesUntilTheSettingChanges(TestDatabase db) {
    table(db, "unreadable", 1000);
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/unreadable", spec("unreadable", "n = n + 1", null),
        pace(100, 5000, 100, 0), with("http://127.0.0.1:1/health", "", 0)));
    eventually(20, "http-check throttle", () -> reasonIs(run, ThrottleSignal.HTTP_CHECK));
    ThrottleReason reason = run.progress().throttle().orElseThrow();
    assertThat(reason.unreadable()).isTrue();
    assertThat(reason.detail()).startsWith("unreadable");
    Fixtures.sleep(300);
    assertThat(run.progress().rowsDone()).isZero();

    run.controls().throttle(NO_THROTTLE);
    assertThat(await(run.completion()).rowsDone()).isEqualTo(1000);
  }

  @Test
  void aNon2xxHttpCheckThrottlesAndA2xxLetsBatchesRun(TestDatabase db) {
    table(db, "checked", 1000);
    AtomicInteger status = new AtomicInteger(503);
    HttpServer server = await(ENGINE.vertx().createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(status.get()).end())
        .listen(0, "127.0.0.1"));
    try {
      BackfillRun run = ENGINE.start(job(db, "migrate[0]/checked", spec("checked", "n = n + 1", null),
          pace(100, 5000, 100, 0), with("http://127.0.0.1:" + server.actualPort() + "/ok", "", 0)));
      eventually(20, "http-check throttle", () -> reasonIs(run, ThrottleSignal.HTTP_CHECK));
      assertThat(run.progress().throttle().orElseThrow().detail()).isEqualTo("HTTP 503");
      assertThat(run.progress().rowsDone()).isZero();
      status.set(204);
      assertThat(await(run.completion()).rowsDone()).isEqualTo(1000);
    } finally {
      await(server.close());
    }
  }

  @Test
  void activeApplicationSessionsAboveTheLimitThrottle(TestDatabase db) {
    table(db, "busy", 1000);
    try (AppSession a = AppSession.start(db, "SELECT pg_sleep(0.2)", 0);
         AppSession b = AppSession.start(db, "SELECT pg_sleep(0.2)", 0)) {
      BackfillRun run = ENGINE.start(job(db, "migrate[0]/busy", spec("busy", "n = n + 1", null),
          pace(100, 5000, 100, 0), with("", "", 1)));
      eventually(20, "active-sessions throttle", () -> reasonIs(run, ThrottleSignal.ACTIVE_SESSIONS));
      a.stop();
      b.stop();
      assertThat(await(run.completion()).rowsDone()).isEqualTo(1000);
    }
  }

  @Test
  void stopEndsAtABatchBoundaryAndAStartAgainResumes(TestDatabase db) {
    table(db, "paused", 6000);
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/paused", spec("paused", "n = n + 1", null),
        pace(100, 200, 100, 2000), NO_THROTTLE));
    eventually(20, "first batches", () -> run.progress().rowsDone() >= 400);
    await(run.stop());
    BackfillResult stopped = await(run.completion());
    assertThat(stopped.state()).isEqualTo(BackfillState.STOPPED);
    assertThat(stopped.rowsDone()).isLessThan(6000);
    assertThat(db.queryLong("SELECT count(*) FROM paused WHERE n = 1")).isEqualTo(stopped.rowsDone());
    assertThat(db.queryValue("SELECT state FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/paused'"))
        .isEqualTo("running");

    BackfillRun resumed = ENGINE.start(job(db, "migrate[0]/paused", spec("paused", "n = n + 1", null),
        pace(100, 5000, 100, 0), NO_THROTTLE));
    assertThat(await(resumed.completion()).rowsDone()).isEqualTo(6000);
    assertThat(db.queryLong("SELECT count(*) FROM paused WHERE n <> 1")).isZero();
  }

  @Test
  void aServerBudgetOfOneRunsBackfillsOfOneServerOneAtATime(TestDatabase db) {
    table(db, "first", 500);
    table(db, "second", 500);
    String server = Fixtures.config(db).server();
    BackfillEngine budgeted = budgetOfOne(db);
    BackfillRun first = holdingTheSlot(budgeted, db, "first");
    BackfillRun second = budgeted.start(job(db, "migrate[0]/second", spec("second", "n = n + 1", null),
        pace(100, 5000, 100, 0), NO_THROTTLE));
    Fixtures.sleep(300);
    assertThat(second.progress().state()).isEqualTo(BackfillState.WAITING_FOR_BUDGET);
    assertThat(budgeted.budget().waiting(server)).isEqualTo(1);
    // Prepared while it waits (key read, checkpoint created), so the budget is held only for batches.
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/second'"
        + " AND rows_done = 0 AND batches = 0")).isEqualTo(1);

    BackfillRun third = budgeted.start(job(db, "migrate[1]/second", spec("second", "n = n + 1", null),
        pace(100, 5000, 100, 0), NO_THROTTLE));
    await(third.stop()); // a run stopped while queued ends at once and gives up its place
    assertThat(await(third.completion()).state()).isEqualTo(BackfillState.STOPPED);
    assertThat(budgeted.budget().waiting(server)).isEqualTo(1);

    first.controls().clearOperatorThrottle();
    await(first.completion());
    assertThat(await(second.completion()).rowsDone()).isEqualTo(500);
    assertThat(budgeted.budget().inUse(server)).isZero();
    await(budgeted.close());
  }

  /**
   * Given the caller's pool (the daemon's drive holds a session on the database anyway), a backfill prepares
   * there and, waiting for the budget, holds no session of its own. The running one (held between batches)
   * holds only its batch session: its monitor session opens when a batch runs long enough to be watched.
   */
  @Test
  void aBackfillPreparedOnTheCallersPoolHoldsNoSessionWhileItWaits(TestDatabase db) {
    table(db, "caller_first", 500);
    table(db, "caller_waiting", 500);
    String server = Fixtures.config(db).server();
    BackfillEngine budgeted = budgetOfOne(db);
    Pool caller = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnections.options(Fixtures.config(db), "tidemark/drive")).using(ENGINE.vertx()).build();
    try {
      BackfillRun first = holdingTheSlot(budgeted, db, "caller_first");
      BackfillRun second = budgeted.start(job(db, "migrate[0]/caller-waiting", spec("caller_waiting", "n = n + 1", null),
          pace(100, 5000, 100, 0), NO_THROTTLE), caller);
      eventually(20, "second prepared and queued", () -> budgeted.budget().waiting(server) == 1);
      assertThat(second.progress().state()).isEqualTo(BackfillState.WAITING_FOR_BUDGET);
      assertThat(db.queryLong("SELECT count(*) FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/caller-waiting'"))
          .as("prepared").isEqualTo(1);
      assertThat(db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
          + " AND application_name LIKE 'tidemark/backfill%'")).as("the running backfill's batch session only").isEqualTo(1);

      first.controls().clearOperatorThrottle();
      await(first.completion());
      assertThat(await(second.completion()).rowsDone()).isEqualTo(500);
      assertThat(db.queryLong("SELECT count(*) FROM caller_waiting WHERE n <> 1")).isZero();
    } finally {
      await(caller.close());
      await(budgeted.close());
    }
  }

  /** An engine that runs one backfill at a time on the test database's server. */
  private static BackfillEngine budgetOfOne(TestDatabase db) {
    String server = Fixtures.config(db).server();
    return new BackfillEngine(ENGINE.vertx(), new ServerBudget(List.of(new ServerConfig(server, 1)), 4));
  }

  /** A backfill of {@code table} (step {@code migrate[0]/<table>}) running and holding its server's one slot. */
  private static BackfillRun holdingTheSlot(BackfillEngine engine, TestDatabase db, String table) {
    BackfillRun run = engine.start(job(db, "migrate[0]/" + table, spec(table, "n = n + 1", null),
        pace(100, 5000, 100, 0), NO_THROTTLE));
    run.controls().operatorThrottle("hold the slot");
    eventually(20, table + " running", () -> run.progress().state() == BackfillState.RUNNING);
    return run;
  }

  private static boolean reasonIs(BackfillRun run, ThrottleSignal signal) {
    Optional<ThrottleReason> r = run.progress().throttle();
    return r.isPresent() && r.get().signal() == signal;
  }
}
