package io.tidemark.daemon.fleet;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.backfill.ServerBudget;
import io.tidemark.config.ServerConfig;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code max-concurrent-backfills} is one budget for every daemon on a control store: two daemons' budgets
 * (each with the server's limit) together run at most that many backfills, through the store's budget slots.
 */
@ExtendWith(FreshDatabaseExtension.class)
class SharedBackfillBudgetIT {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final List<ServerConfig> SERVERS =
      List.of(new ServerConfig("db1", 1, 10, Duration.ofSeconds(5), Duration.ofMinutes(1)));
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    get(vertx.close());
  }

  @Test
  void twoDaemonsRunOneBackfillBetweenThemWhenTheServerAllowsOne(TestDatabase db) {
    ControlStore store = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(store.migrate());
    ServerBudget a = budget(store, "daemon-a");
    ServerBudget b = budget(store, "daemon-b");

    ServerBudget.Permit first = get(a.acquire("db1"));
    Future<ServerBudget.Permit> second = b.acquire("db1");
    get(vertx.timer(800));
    assertThat(second.isComplete()).as("daemon-b waits while daemon-a's backfill runs").isFalse();
    assertThat(b.waiting("db1")).isEqualTo(1);
    assertThat(b.inUse("db1")).as("waiting is not running").isZero();
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.budget_slots WHERE kind = 'backfill'")).isEqualTo(1);

    first.release();
    ServerBudget.Permit got = get(second);
    assertThat(db.queryValue("SELECT holder FROM tidemark.budget_slots WHERE kind = 'backfill'"))
        .isEqualTo("daemon-b");

    Future<ServerBudget.Permit> stopped = a.acquire("db1");
    get(vertx.timer(400));
    a.cancel(stopped);
    assertThat(failure(stopped)).isInstanceOf(CancellationException.class);
    assertThat(a.waiting("db1")).isZero();
    got.release();
    Fleet.await("daemon-b's slot given back", Duration.ofSeconds(5), () ->
        db.queryLong("SELECT count(*) FROM tidemark.budget_slots WHERE kind = 'backfill'") == 0);
    ServerBudget.Permit again = get(a.acquire("db1"));
    assertThat(db.queryValue("SELECT holder FROM tidemark.budget_slots WHERE kind = 'backfill'"))
        .as("the cancelled wait left daemon-a's local slot free").isEqualTo("daemon-a");
    again.release();
  }

  @Test
  void aFinishedBackfillHandsItsSharedSlotToTheNextOneWaitingWithoutTouchingTheStore(TestDatabase db) {
    ControlStore store = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(store.migrate());
    ServerBudget a = budget(store, "daemon-a");
    ServerBudget.Permit first = get(a.acquire("db1"));
    Future<ServerBudget.Permit> next = a.acquire("db1");
    Object row = db.queryValue("SELECT xmin::text FROM tidemark.budget_slots WHERE kind = 'backfill'");

    first.release();
    ServerBudget.Permit second = get(next);

    assertThat(db.queryValue("SELECT xmin::text FROM tidemark.budget_slots WHERE kind = 'backfill'"))
        .as("the same row, neither deleted nor claimed again").isEqualTo(row);
    second.release();
    Fleet.await("slot given back once nobody waits", Duration.ofSeconds(5), () ->
        db.queryLong("SELECT count(*) FROM tidemark.budget_slots WHERE kind = 'backfill'") == 0);
  }

  private ServerBudget budget(ControlStore store, String holder) {
    SharedClaims claims = new SharedClaims(vertx, store, "connection", holder, TTL, Duration.ofSeconds(10));
    return new ServerBudget(SERVERS, 1, vertx, claims.ofKind("backfill"));
  }

  private static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      return null;
    } catch (CancellationException e) {
      return e;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
