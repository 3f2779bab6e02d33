package io.tidemark.backfill;

import static io.tidemark.backfill.Fixtures.NO_THROTTLE;
import static io.tidemark.backfill.Fixtures.await;
import static io.tidemark.backfill.Fixtures.job;
import static io.tidemark.backfill.Fixtures.pace;
import static io.tidemark.backfill.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same step of the same plan on the next database of a fleet starts from the batch size the last one
 * settled on ({@link SizeHints}), not from {@code min-batch-rows}: fewer batches for the same rows.
 */
@ExtendWith(FreshDatabaseExtension.class)
class FleetSizeHintIT {
  @RegisterExtension
  static final RunningEngine ENGINE = new RunningEngine();

  @Test
  void theNextTenantsBackfillStartsWhereTheLastOneSettled(TestDatabase db) {
    db.execute("CREATE TABLE orders (id bigint PRIMARY KEY, amount int NOT NULL, priority int)",
        "INSERT INTO orders SELECT g, g % 500, NULL FROM generate_series(1, 20000) g");
    try (TestDatabase tenant2 = db.copy("fleetsizehint2")) {
      BackfillResult first = await(ENGINE.start(tenantJob(db)).completion());
      BackfillResult second = await(ENGINE.start(tenantJob(tenant2)).completion());

      assertThat(first.rowsUpdated()).isEqualTo(20_000);
      assertThat(second.rowsUpdated()).isEqualTo(20_000);
      assertThat(second.batches()).as("batches on the second tenant (the first took %d)", first.batches())
          .isLessThan(first.batches());
      assertThat(tenant2.queryLong("SELECT count(*) FROM orders WHERE priority IS DISTINCT FROM amount % 3")).isZero();
    }
  }

  private static BackfillJob tenantJob(TestDatabase db) {
    return job(db, "migrate[0]/backfill", spec("orders", "priority = amount % 3", null), pace(100, 50_000, 250, 0),
        NO_THROTTLE);
  }
}
