package io.tidemark.daemon.lease;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.ChildDaemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.ThrottleChange;
import io.tidemark.planner.CompiledPlan;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LeaseFailoverIT {
  private static final int ROWS = 3000;
  private static final Duration LEASE = Duration.ofSeconds(2);

  @Test
  void survivorTakesOverAKilledDaemonsLeasesWithinTwoLeaseTimesAndNoDatabaseHasTwoDrivers() {
    try (Fleet fleet = new Fleet("failover", ROWS);
        ChildDaemon a = ChildDaemon.start(fleet, "daemon-a");
        ChildDaemon b = ChildDaemon.start(fleet, "daemon-b")) {
      PlanOperations ops = fleet.operations();
      get(ops.submit(TestPlans.users("ha", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100), "text", "ci"));
      get(ops.throttle("ha", new ThrottleChange(OptionalLong.of(1000), Optional.empty()), "oncall"));
      Fleet.await("backfill running under a lease", Duration.ofSeconds(60), () -> !liveMigrateLeases(fleet).isEmpty());

      Map<String, String> heldAtKill = liveMigrateLeases(fleet);
      String victim = heldAtKill.values().iterator().next();
      ChildDaemon killed = victim.equals(a.instance()) ? a : b;
      killed.kill();
      Timestamp killedAt = (Timestamp) fleet.state.queryValue("SELECT now()::timestamp");
      get(ops.throttle("ha", new ThrottleChange(OptionalLong.of(0), Optional.empty()), "oncall"));

      fleet.awaitPlanState("ha", "completed", Duration.ofSeconds(90));
      fleet.assertUsersExact(ROWS);
      String survivor = killed == a ? b.instance() : a.instance();
      heldAtKill.forEach((db, owner) -> {
        if (owner.equals(victim)) {
          Timestamp takenAt = (Timestamp) fleet.state.queryValue("SELECT min(at)::timestamp FROM tidemark.events"
              + " WHERE plan_id = 'ha' AND database = '" + db + "' AND kind = 'lease-acquired' AND actor = '"
              + survivor + "' AND at > '" + killedAt + "'");
          assertThat(takenAt).as("takeover of %s", db).isNotNull();
          System.out.printf("%s taken over %d ms after the SIGKILL (lease %d ms)%n", db,
              Duration.between(killedAt.toInstant(), takenAt.toInstant()).toMillis(), LEASE.toMillis());
          assertThat(Duration.between(killedAt.toInstant(), takenAt.toInstant())).isLessThan(LEASE.multipliedBy(2));
        }
      });
      assertOneDriverAtATime(fleet.events("ha"));
    }
  }

  /**
   * Per database, in log order: fencing tokens never go down, and each token belongs to one daemon. So once
   * a daemon took a database over, the daemon it took it from wrote nothing more there.
   */
  static void assertOneDriverAtATime(List<List<Object>> events) {
    Map<Object, Long> lastToken = new HashMap<>();
    Map<String, Object> ownerOfToken = new HashMap<>();
    int fenced = 0;
    for (List<Object> e : events) {
      if (e.get(5) == null) {
        continue;
      }
      fenced++;
      long token = (Long) e.get(5);
      Object db = e.get(2);
      assertThat(token).as("token order on %s at event %s", db, e.get(0)).isGreaterThanOrEqualTo(lastToken.getOrDefault(db, 0L));
      lastToken.put(db, token);
      Object previous = ownerOfToken.putIfAbsent(db + "#" + token, e.get(4));
      assertThat(previous == null || previous.equals(e.get(4))).as("one owner of %s#%s", db, token).isTrue();
    }
    assertThat(fenced).isGreaterThan(0);
  }

  private static Map<String, String> liveMigrateLeases(Fleet fleet) {
    Map<String, String> held = new HashMap<>();
    fleet.state.queryRows("SELECT l.database, l.owner FROM tidemark.leases l JOIN tidemark.plan_databases d"
        + " ON d.plan_id = l.plan_id AND d.database = l.database"
        + " WHERE l.plan_id = 'ha' AND d.phase = 'migrate' AND d.state = 'running' AND l.expires_at > now()")
        .forEach(r -> held.put((String) r.get(0), (String) r.get(1)));
    return held;
  }
}
