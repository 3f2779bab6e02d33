package io.tidemark.daemon.ops;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.HookConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OperatorActionsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ROWS = 3000;
  private static final String BACKFILL = "migrate[0]/backfill";
  private static final String RAISE_EXCEPTION = "P0001";

  @Test
  void pauseLandsAtABatchBoundaryAndResumeContinuesPlanAndSingleDatabase() throws Exception {
    try (Fleet fleet = new Fleet("pause", ROWS)) {
      Daemon daemon = fleet.start("d1");
      PlanOperations ops = daemon.operations();
      get(ops.submit(TestPlans.users("pz", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100), "text", "ci"));
      get(ops.throttle("pz", new ThrottleChange(OptionalLong.of(1000), Optional.empty()), "oncall"));
      awaitBackfillStarted(fleet, "authdb");

      assertThat(get(ops.pause("pz", Optional.empty(), "oncall"))).isEqualTo(new ActionResult.Done<>(
          io.tidemark.daemon.store.PlanState.PAUSED));
      Fleet.await("drivers stopped", WAIT, () -> fleet.state.queryLong(
          "SELECT count(*) FROM tidemark.plan_databases WHERE plan_id = 'pz' AND state = 'running'") == 0);
      Map<String, Long> done = updated(fleet);
      Thread.sleep(700);
      assertThat(updated(fleet)).as("no batch while paused").isEqualTo(done);
      for (String db : Fleet.NAMES) {
        // From the pause to the backfill run ending at its batch boundary, both stamped by the state database.
        double landedMs = ((Number) fleet.state.queryValue("SELECT extract(epoch FROM s.at - p.at) * 1000"
            + " FROM tidemark.events p, tidemark.events s WHERE p.plan_id = 'pz' AND p.kind = 'pause'"
            + " AND s.plan_id = 'pz' AND s.database = '" + db + "' AND s.kind = 'statement'"
            + " AND s.message LIKE 'stopped:%' ORDER BY s.id LIMIT 1")).doubleValue();
        long batchesAfter = fleet.state.queryLong("SELECT count(*) FROM tidemark.events s, tidemark.events p"
            + " WHERE p.plan_id = 'pz' AND p.kind = 'pause' AND s.plan_id = 'pz' AND s.database = '" + db + "'"
            + " AND s.statement LIKE 'batch of%' AND s.id > p.id");
        System.out.printf("pause landed on %s after %.0f ms; %d batch event(s) logged after the pause event%n",
            db, landedMs, batchesAfter);
        assertThat(landedMs).as("pause of %s lands within a batch plus a heartbeat round trip", db).isLessThan(1500);
      }
      assertThat(done.get("authdb")).isBetween(1L, (long) ROWS - 1);

      assertThat(get(ops.resume("pz", Optional.empty(), "oncall"))).isInstanceOf(ActionResult.Done.class);
      get(ops.throttle("pz", new ThrottleChange(OptionalLong.empty(), Optional.of(true)), "oncall"));
      Fleet.await("backfills running again", WAIT, () -> fleet.state.queryLong("SELECT count(*) FROM"
          + " tidemark.plan_databases WHERE plan_id = 'pz' AND state = 'running'") == 3);
      Thread.sleep(500);
      Map<String, Long> held = updated(fleet);
      Thread.sleep(700);
      assertThat(updated(fleet)).as("no batch under the operator throttle").isEqualTo(held);
      get(ops.throttle("pz", new ThrottleChange(OptionalLong.empty(), Optional.of(false)), "oncall"));
      assertThat(get(ops.pause("pz", Optional.of("apidb"), "oncall"))).isInstanceOf(ActionResult.Done.class);
      get(ops.throttle("pz", new ThrottleChange(OptionalLong.of(0), Optional.empty()), "oncall"));
      Fleet.await("others finish migrate", WAIT, () -> fleet.state.queryLong("SELECT count(*) FROM"
          + " tidemark.plan_databases WHERE plan_id = 'pz' AND state = 'done' AND phase = 'migrate'") == 2);
      Thread.sleep(500);
      assertThat(fleet.planState("pz")).as("barrier holds for the paused database").isEqualTo("migrating");
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'pz'"
          + " AND step_id LIKE 'contract%'")).isZero();

      get(ops.resume("pz", Optional.of("apidb"), "oncall"));
      fleet.awaitPlanState("pz", "completed", WAIT);
      fleet.assertUsersExact(ROWS);
    }
  }

  @Test
  void rollbackDuringMigrateRestoresThePrePlanSchemaEverywhere() {
    try (Fleet fleet = new Fleet("rollback", ROWS)) {
      Map<String, List<List<Object>>> before = schemas(fleet);
      Daemon daemon = fleet.start("d1");
      PlanOperations ops = daemon.operations();
      get(ops.submit(TestPlans.users("rb", Fleet.NAMES, 1, 3, CompiledPlan.Approval.REQUIRED, 100), "text", "ci"));
      get(ops.throttle("rb", new ThrottleChange(OptionalLong.of(1000), Optional.empty()), "oncall"));
      awaitBackfillStarted(fleet, "authdb");

      assertThat(get(ops.rollback("rb", "oncall"))).isEqualTo(new ActionResult.Done<>(
          io.tidemark.daemon.store.PlanState.ROLLING_BACK));
      fleet.awaitPlanState("rb", "rolled-back", WAIT);

      assertThat(schemas(fleet)).isEqualTo(before);
      for (TestDatabase db : fleet.targets.values()) {
        assertThat(db.queryValue("SELECT phase_reached FROM tidemark.applied_plans WHERE plan_id = 'rb'"))
            .isIn("rollback", null);
      }
      assertThat(get(ops.rollback("rb", "oncall"))).isInstanceOf(ActionResult.Conflict.class);
    }
  }

  @Test
  void aFailedDatabaseIsIsolatedUntilFixedAndRetriedAndHooksSeeIt() throws Exception {
    Path hookLog = Files.createTempFile("tidemark-hooks", ".log");
    List<HookConfig> hooks = List.of(
        new HookConfig("record", List.of("started", "phase-done", "failed", "completed"),
            Optional.of(List.of("sh", "-c", "echo \"$TIDEMARK_EVENT $TIDEMARK_PLAN $TIDEMARK_DATABASE $TIDEMARK_PHASE\""
                + " >> " + hookLog)), Optional.empty(), Duration.ofSeconds(5)),
        new HookConfig("broken", List.of("completed"), Optional.of(List.of("false")), Optional.empty(),
            Duration.ofSeconds(5)));
    try (Fleet fleet = new Fleet("isolate", 600)) {
      // On admindb a trigger refuses the backfill's updates (as an application's rule might).
      fleet.target("admindb").execute("CREATE FUNCTION public.refuse() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN RAISE EXCEPTION 'refused by the application' USING ERRCODE = 'P0001'; END $$",
          "CREATE TRIGGER refuse BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION public.refuse()");
      Daemon daemon = fleet.start(fleet.config("d1", hooks));
      PlanOperations ops = daemon.operations();
      get(ops.submit(TestPlans.users("iso", Fleet.NAMES, 1, 3, CompiledPlan.Approval.AUTO, 100), "text", "ci"));

      fleet.awaitPlanState("iso", "failed", WAIT);
      Fleet.await("healthy databases finish migrate", WAIT, () -> fleet.state.queryLong("SELECT count(*) FROM"
          + " tidemark.plan_databases WHERE plan_id = 'iso' AND phase = 'migrate' AND state = 'done'") == 2);
      assertThat(fleet.state.queryRows("SELECT state, sqlstate FROM tidemark.step_states WHERE plan_id = 'iso'"
          + " AND database = 'admindb' AND step_id = '" + BACKFILL + "'")).containsExactly(List.of("failed", RAISE_EXCEPTION));
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'iso'"
          + " AND step_id LIKE 'contract%'")).as("barrier: no contract anywhere").isZero();
      assertThat(get(ops.approve("iso", "oncall"))).isInstanceOf(ActionResult.Conflict.class);

      fleet.target("admindb").execute("DROP TRIGGER refuse ON public.users");
      assertThat(get(ops.retry("iso", Optional.of("admindb"), "oncall")))
          .isEqualTo(new ActionResult.Done<>(io.tidemark.daemon.store.PlanState.MIGRATING));
      fleet.awaitPlanState("iso", "completed", WAIT);
      fleet.assertUsersExact(600);

      Fleet.await("hooks ran", WAIT, () -> read(hookLog).contains("completed iso"));
      assertThat(read(hookLog)).contains("started iso  expand", "failed iso admindb migrate", "phase-done iso  migrate");
      Fleet.await("broken hook logged", WAIT, () -> fleet.state.queryLong("SELECT count(*) FROM tidemark.events"
          + " WHERE plan_id = 'iso' AND kind = 'hook-failed'") == 1);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitBackfillStarted(Fleet fleet, String db) {
    Fleet.await("backfill started on " + db, WAIT,
        () -> fleet.target(db).queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'status'") == 1
            && fleet.target(db).queryLong("SELECT count(*) FROM public.users WHERE status IS NOT NULL") > 0);
  }

  private static Map<String, Long> updated(Fleet fleet) {
    Map<String, Long> out = new HashMap<>();
    fleet.targets.forEach((n, db) -> out.put(n, db.queryLong("SELECT count(*) FROM public.users"
        + " WHERE status IS NOT NULL")));
    return out;
  }

  /** Columns (name, type, not null) and indexes of public.users on every target. */
  private static Map<String, List<List<Object>>> schemas(Fleet fleet) {
    Map<String, List<List<Object>>> out = new HashMap<>();
    fleet.targets.forEach((n, db) -> {
      List<List<Object>> rows = new java.util.ArrayList<>(db.queryRows("SELECT attname::text, format_type(atttypid, atttypmod),"
          + " attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attnum > 0"
          + " AND NOT attisdropped ORDER BY attnum"));
      rows.addAll(db.queryRows("SELECT indexrelid::regclass::text, indisvalid, 'index' FROM pg_index"
          + " WHERE indrelid = 'public.users'::regclass ORDER BY 1"));
      out.put(n, rows);
    });
    return out;
  }
}
