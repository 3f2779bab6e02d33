package io.tidemark.daemon.runner;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.LeaseStatus;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class LeaseHeartbeatIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final List<String> DATABASES = List.of("authdb", "apidb", "admindb", "billingdb");
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    get(vertx.close());
  }

  @Test
  void oneBeatRenewsEveryLeaseOfTheDaemonInOneStatementAndTellsALostOneApart(TestDatabase db) {
    ControlStore store = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(store.migrate());
    get(new PlanOperations(store, id -> { }).submit(
        TestPlans.users("hb", DATABASES, 0, 4, CompiledPlan.Approval.AUTO, 100), "text", "ci"));
    List<Fence> fences = DATABASES.stream().map(d -> claim(store, d, "daemon-a")).toList();
    db.execute("UPDATE tidemark.leases SET expires_at = now() - interval '1 second' WHERE database = 'admindb'");
    Fence takenOver = claim(store, "admindb", "daemon-b");
    db.execute("UPDATE tidemark.leases SET expires_at = now() + interval '1 second'");

    LeaseHeartbeat heartbeat = new LeaseHeartbeat(vertx, store, LEASE, Duration.ofHours(1));
    Map<String, Optional<LeaseStatus>> told = new ConcurrentHashMap<>();
    fences.forEach(f -> heartbeat.register(f, new LeaseHeartbeat.Listener() {
      @Override
      public void renewed(Optional<LeaseStatus> status) {
        told.put(f.database(), status);
      }

      @Override
      public void renewFailed(Throwable cause) {
        throw new AssertionError("renewal failed", cause);
      }
    }));
    get(heartbeat.beat());

    assertThat(told).hasSize(4);
    assertThat(told.get("admindb")).as("taken over by daemon-b: lost").isEmpty();
    for (String d : List.of("authdb", "apidb", "billingdb")) {
      assertThat(told.get(d)).as(d).hasValueSatisfying(s -> {
        assertThat(s.planState()).isEqualTo(PlanState.SUBMITTED);
        assertThat(s.databasePhase()).isEqualTo("expand");
      });
    }
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.leases WHERE owner = 'daemon-a'"
        + " AND expires_at > now() + interval '20 seconds'")).as("renewed for the lease duration").isEqualTo(3);
    assertThat(db.queryLong("SELECT count(DISTINCT xmin::text) FROM tidemark.leases WHERE owner = 'daemon-a'"))
        .as("one transaction, so one statement, renewed all three").isEqualTo(1);
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.leases WHERE owner = 'daemon-b'"
        + " AND fencing_token = " + takenOver.token() + " AND expires_at < now() + interval '5 seconds'"))
        .as("daemon-b's lease is not daemon-a's to renew").isEqualTo(1);
  }

  private static Fence claim(ControlStore store, String database, String owner) {
    return get(store.transaction(tx -> tx.claim("hb", database, owner, LEASE))).orElseThrow();
  }
}
