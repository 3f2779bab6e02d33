package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.backfill.throttle.ThrottleSignal;
import io.tidemark.config.BackfillSettings;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(FreshDatabaseExtension.class)
class KeyShapesIT {
  private static final BackfillSettings SMALL_BATCHES = pace(50, 400, 50, 0);
  private static final List<CommittedBatch> batches = new java.util.concurrent.CopyOnWriteArrayList<>();

  @RegisterExtension
  static final RunningEngine ENGINE =
      new RunningEngine(v -> new BackfillEngine(v, ServerBudget.unlimited(), batches::add));

  private BackfillResult backfill(TestDatabase db, String table) {
    return await(ENGINE.start(job(db, "migrate[0]/" + table, spec(table, "n = n + 1", null), SMALL_BATCHES,
        NO_THROTTLE)).completion());
  }

  private static void assertEveryRowOnce(TestDatabase db, String table, long rows) {
    assertThat(db.queryRows("SELECT n, count(*) FROM " + table + " GROUP BY n"))
        .containsExactly(List.of(1, rows));
  }

  @Test
  void walksSparseIntegerKeysWithLargeGaps(TestDatabase db) {
    db.execute("CREATE TABLE sparse (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO sparse (id) SELECT g::bigint * 1000003 FROM generate_series(1, 3000) g",
        "INSERT INTO sparse (id) VALUES (-9000000000000000000), (9000000000000000000)");
    BackfillResult r = backfill(db, "sparse");
    assertEveryRowOnce(db, "sparse", 3002);
    assertThat(r.rowsDone()).isEqualTo(3002);
    assertThat(r.batches()).isGreaterThan(5);
  }

  @Test
  void walksCompositeKeysInRowOrder(TestDatabase db) {
    db.execute("CREATE TABLE accounts (tenant int, name text, n int NOT NULL DEFAULT 0, PRIMARY KEY (tenant, name))",
        "INSERT INTO accounts (tenant, name) SELECT t, 'user-' || u FROM generate_series(1, 30) t, generate_series(1, 100) u");
    BackfillResult r = backfill(db, "accounts");
    assertEveryRowOnce(db, "accounts", 3000);
    assertThat(r.rowsDone()).isEqualTo(3000);
    assertThat(r.batches()).isGreaterThan(5);
    // the listener saw every committed batch, and together they cover every key once
    List<CommittedBatch> seen = batches.stream().filter(b -> b.table().equals("accounts")).toList();
    assertThat(seen).hasSize((int) r.batches());
    assertThat(seen.stream().mapToLong(CommittedBatch::keys).sum()).isEqualTo(3000);
  }

  @Test
  void walksUuidKeys(TestDatabase db) {
    db.execute("CREATE TABLE sessions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), n int NOT NULL DEFAULT 0)",
        "INSERT INTO sessions (n) SELECT 0 FROM generate_series(1, 3000)");
    backfill(db, "sessions");
    assertEveryRowOnce(db, "sessions", 3000);
  }

  @Test
  void walksTextKeysInTheColumnsCollationOrder(TestDatabase db) {
    db.execute("CREATE TABLE slugs (slug text COLLATE \"C\" PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO slugs (slug) SELECT md5(g::text) || ' Ä ' || g FROM generate_series(1, 3000) g",
        "INSERT INTO slugs (slug) VALUES (''), ('''quoted'''), ('zzz\"')");
    backfill(db, "slugs");
    assertEveryRowOnce(db, "slugs", 3003);
  }

  @Test
  void usesAUniqueNotNullKeyWhenThereIsNoPrimaryKey(TestDatabase db) {
    db.execute("CREATE TABLE events (seq int NOT NULL, note text, n int NOT NULL DEFAULT 0)",
        "CREATE UNIQUE INDEX events_note ON events (note)", // nullable: not usable
        "CREATE UNIQUE INDEX events_seq ON events (seq)",
        "INSERT INTO events (seq, note) SELECT g, NULL FROM generate_series(1, 1000) g");
    backfill(db, "events");
    assertEveryRowOnce(db, "events", 1000);
  }

  @Test
  void refusesATableWithoutAKeyAndChangesNothing(TestDatabase db) {
    db.execute("CREATE TABLE heap (id int, n int NOT NULL DEFAULT 0)",
        "INSERT INTO heap (id) SELECT g FROM generate_series(1, 100) g");
    assertThatThrownBy(() -> backfill(db, "heap"))
        .isInstanceOf(BackfillException.class)
        .hasMessageContaining("no primary key and no unique index on NOT NULL columns");
    assertThat(db.queryLong("SELECT count(*) FROM heap WHERE n <> 0")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.backfill_checkpoints WHERE step_id = 'migrate[0]/heap'"))
        .isZero();
  }

  @Test
  void rowsInsertedAfterTheStartAreLeftToTheApplication(TestDatabase db) {
    db.execute("CREATE TABLE orders (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO orders (id) SELECT g FROM generate_series(1, 1000) g");
    BackfillRun run = ENGINE.start(job(db, "migrate[0]/orders", spec("orders", "n = n + 1", null), SMALL_BATCHES,
        NO_THROTTLE));
    run.controls().operatorThrottle("hold until the application inserted more");
    Fixtures.eventually(20, "operator throttle seen",
        () -> run.progress().throttle().map(t -> t.signal() == ThrottleSignal.OPERATOR).orElse(false));
    db.execute("INSERT INTO orders (id) SELECT g FROM generate_series(1001, 1100) g");
    run.controls().clearOperatorThrottle();
    BackfillResult r = await(run.completion());
    assertThat(r.rowsDone()).isEqualTo(1000);
    assertThat(db.queryLong("SELECT count(*) FROM orders WHERE n = 1 AND id <= 1000")).isEqualTo(1000);
    assertThat(db.queryLong("SELECT count(*) FROM orders WHERE n = 0 AND id > 1000")).isEqualTo(100);
  }

  @Test
  void aFinishedStepStartedAgainChangesNothing(TestDatabase db) {
    db.execute("CREATE TABLE twice (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
        "INSERT INTO twice (id) SELECT g FROM generate_series(1, 500) g");
    backfill(db, "twice");
    BackfillResult again = backfill(db, "twice");
    assertThat(again.state()).isEqualTo(BackfillState.DONE);
    assertEveryRowOnce(db, "twice", 500);
  }

  @Test
  void onlyRowsMatchingWhereAreUpdated(TestDatabase db) {
    db.execute("CREATE TABLE users (id int PRIMARY KEY, active bool NOT NULL, status text, n int NOT NULL DEFAULT 0)",
        "INSERT INTO users (id, active) SELECT g, g % 3 = 0 FROM generate_series(1, 3000) g");
    BackfillResult r = await(ENGINE.start(job(db, "migrate[0]/users",
        spec("users", "status = CASE WHEN active THEN 'active' ELSE 'inactive' END", "status IS NULL AND id > 100"),
        SMALL_BATCHES, NO_THROTTLE)).completion());
    assertThat(r.rowsDone()).isEqualTo(3000);
    assertThat(r.rowsUpdated()).isEqualTo(2900);
    assertThat(db.queryLong("SELECT count(*) FROM users WHERE status = 'active'")).isEqualTo(967);
  }

  @Test
  void concurrentFirstStartsCreateTheCheckpointTableOnce() {
    try (TestDatabase db = TestDatabase.create("keyshapesrace")) {
      for (int i = 0; i < 4; i++) {
        db.execute("CREATE TABLE race" + i + " (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)",
            "INSERT INTO race" + i + " (id) SELECT g FROM generate_series(1, 200) g");
      }
      List<Future<BackfillResult>> runs = java.util.stream.IntStream.range(0, 4)
          .mapToObj(i -> ENGINE.start(job(db, "migrate[" + i + "]/race", spec("race" + i, "n = n + 1", null),
              SMALL_BATCHES, NO_THROTTLE)).completion())
          .toList();
      await(Future.all(runs));
      for (int i = 0; i < 4; i++) {
        assertEveryRowOnce(db, "race" + i, 200);
      }
    }
  }
}
