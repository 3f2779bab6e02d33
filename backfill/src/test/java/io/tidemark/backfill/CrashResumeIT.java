package io.tidemark.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM runs {@link BackfillMain} and is killed with SIGKILL (no shutdown hook, no
 * rollback by the client: the server sees the connection vanish) at several points, then started again,
 * until the step is done. The non-idempotent {@code n = n + 1} proves every row was updated exactly once.
 */
@ExtendWith(FreshDatabaseExtension.class)
class CrashResumeIT {
  private static final int ROWS = 40_000;
  private static final int KILLS = 3;

  @Test
  void everyRowIsUpdatedExactlyOnceAcrossRepeatedKills(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL DEFAULT 0, pad text)",
        "INSERT INTO counters (id, pad) SELECT g, repeat('x', 40) FROM generate_series(1, " + ROWS + ") g");
    List<Long> killedAtBatches = new ArrayList<>();
    int killedInsideATransaction = 0;
    long threshold = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      long t0 = System.nanoTime();
      Process child = startChild(db, dir.resolve("run" + kill + ".out"));
      threshold = waitForBatchesBeyond(db, child, threshold + 3);
      System.out.printf("kill %d after %d ms%n", kill, (System.nanoTime() - t0) / 1_000_000);
      boolean midTransaction = batchTransactionOpen(db);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      killedAtBatches.add(threshold);
      killedInsideATransaction += midTransaction ? 1 : 0;
      waitForBackendsGone(db);
    }
    Path last = dir.resolve("final.out");
    long t1 = System.nanoTime();
    Process finalRun = startChild(db, last);
    assertThat(finalRun.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.printf("final run %d ms: %s%n", (System.nanoTime() - t1) / 1_000_000, Files.readString(last));
    assertThat(finalRun.exitValue()).as(Files.readString(last)).isZero();
    JsonObject result = lastJsonLine(last);

    assertThat(result.getString("state")).isEqualTo("done");
    assertThat(result.getLong("rows")).isEqualTo(ROWS);
    assertThat(result.getLong("rowsUpdated")).isEqualTo(ROWS);
    assertThat(db.queryRows("SELECT n, count(*) FROM counters GROUP BY n")).containsExactly(List.of(1, (long) ROWS));
    assertThat(db.queryValue("SELECT state FROM tidemark.backfill_checkpoints")).isEqualTo("done");
    assertThat(killedAtBatches).hasSize(KILLS).isSorted();
    System.out.printf("killed after batches %s, %d kill(s) with a batch transaction open%n",
        killedAtBatches, killedInsideATransaction);
  }

  /**
   * The server side of a crash: the backfill's sessions are terminated mid-run (as by a DBA or a failover).
   * The run reconnects, re-reads the checkpoint instead of trusting its memory, and goes on.
   */
  @Test
  void survivesItsSessionsBeingTerminatedMidRun(TestDatabase db) {
    db.execute("CREATE TABLE terminated (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO terminated (id) SELECT g FROM generate_series(1, 6000) g");
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      BackfillEngine engine = new BackfillEngine(vertx, ServerBudget.unlimited());
      BackfillRun run = engine.start(Fixtures.job(db, "migrate[0]/terminated",
          Fixtures.spec("terminated", "n = n + 1", null), Fixtures.pace(100, 200, 50, 3000), Fixtures.NO_THROTTLE));
      for (int round = 1; round <= 2; round++) {
        long before = run.progress().rowsDone();
        Fixtures.eventually(30, "progress", () -> run.progress().rowsDone() > before + 400);
        assertThat(db.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND application_name LIKE 'tidemark/backfill%'")).isPositive();
      }
      BackfillResult r = Fixtures.await(run.completion());
      assertThat(r.rowsDone()).isEqualTo(6000);
      assertThat(db.queryRows("SELECT n, count(*) FROM terminated GROUP BY n")).containsExactly(List.of(1, 6000L));
      assertThat(run.progress().lastError().orElseThrow()).contains("reconnecting");
      Fixtures.await(engine.close());
    } finally {
      Fixtures.await(vertx.close());
    }
  }

  private static Process startChild(TestDatabase db, Path output) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // C1 only and the serial collector: the child starts faster on a small, busy CI machine
    List<String> command = List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"),
        BackfillMain.class.getName(),
        "--url", db.url(), "--table", "public.counters", "--set", "n = n + 1",
        "--plan-id", "crash-plan", "--step-id", "migrate[0]/backfill",
        "--min-batch-rows", "500", "--max-batch-rows", "3000", "--target-batch-duration-ms", "60");
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  /** Waits until the checkpoint shows more than {@code batches} committed batches; returns the count seen. */
  private static long waitForBatchesBeyond(TestDatabase db, Process child, long batches) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("child ended before it was killed").isTrue();
      long seen = hasCheckpointTable(db)
          ? db.queryLong("SELECT coalesce(max(batches), 0) FROM tidemark.backfill_checkpoints") : 0;
      if (seen >= batches) {
        return seen;
      }
      Fixtures.sleep(5);
    }
    throw new AssertionError("no progress beyond batch " + batches);
  }

  private static boolean hasCheckpointTable(TestDatabase db) {
    return db.queryValue("SELECT to_regclass('tidemark.backfill_checkpoints')") != null;
  }

  private static boolean batchTransactionOpen(TestDatabase db) {
    return db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        + "AND application_name = 'tidemark/backfill' AND xact_start IS NOT NULL") > 0;
  }

  /** The server notices the dead client and rolls its transaction back; wait for that before restarting. */
  private static void waitForBackendsGone(TestDatabase db) {
    Fixtures.eventually(30, "killed backfill's sessions gone", () -> db.queryLong(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            + "AND application_name LIKE 'tidemark/backfill%'") == 0);
  }

  private static JsonObject lastJsonLine(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith("{")) {
        return new JsonObject(lines.get(i));
      }
    }
    throw new AssertionError("no JSON result line in " + file + File.separator + String.join("\n", lines));
  }
}
