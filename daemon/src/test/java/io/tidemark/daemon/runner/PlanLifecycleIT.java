package io.tidemark.daemon.runner;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.TestPlans;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.daemon.ops.DatabaseVersions;
import io.tidemark.daemon.ops.SubmitReceipt;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int ROWS = 3000;

  @Test
  void runsExpandMigrateApproveContractOnThreeDatabasesWithCanaryFirstAndBarrier() {
    try (Fleet fleet = new Fleet("lifecycle", ROWS)) {
      Daemon daemon = fleet.start("d1");
      CompiledPlan plan = TestPlans.users("p1", Fleet.NAMES, 1, 2, CompiledPlan.Approval.REQUIRED, 500);

      ActionResult<SubmitReceipt> submitted = get(daemon.operations().submit(plan, "plan text", "ci"));
      assertThat(submitted).isEqualTo(new ActionResult.Done<>(new SubmitReceipt("p1", plan.contentHash(), true)));
      fleet.awaitPlanState("p1", "awaiting-approval", WAIT);

      for (TestDatabase db : fleet.targets.values()) {
        assertThat(db.queryLong("SELECT count(*) FROM public.users WHERE status IS NULL")).isZero();
        assertThat(db.queryLong("SELECT count(*) FROM public.users WHERE status = 'inactive'")).isEqualTo(ROWS / 3);
        assertThat(db.queryValue("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.users_status_idx'::regclass"))
            .isEqualTo(true);
        assertThat(db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'is_active' AND NOT attisdropped")).isEqualTo(1);
        assertThat(db.queryValue("SELECT phase_reached FROM tidemark.applied_plans WHERE plan_id = 'p1'"))
            .isEqualTo("migrate");
      }

      assertThat(get(daemon.operations().approve("p1", "oncall"))).isInstanceOf(ActionResult.Done.class);
      fleet.awaitPlanState("p1", "completed", WAIT);

      for (TestDatabase db : fleet.targets.values()) {
        assertThat(db.queryValue("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'status'")).isEqualTo(true);
        assertThat(db.queryLong("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass"
            + " AND attname = 'is_active' AND NOT attisdropped")).isZero();
        assertThat(db.queryValue("SELECT phase_reached FROM tidemark.applied_plans WHERE plan_id = 'p1'"))
            .isEqualTo("contract");
      }
      List<DatabaseVersions> versions = get(daemon.versions());
      assertThat(versions).filteredOn(v -> !v.database().equals("state"))
          .allSatisfy(v -> assertThat(v.applied()).extracting(a -> a.planId() + "@" + a.phaseReached())
              .containsExactly("p1@contract"));
      List<List<Object>> events = fleet.events("p1");
      assertCanaryFirstAndBarrier(events, "authdb", 2);
      assertThat(events).filteredOn(e -> "approve".equals(e.get(1))).extracting(e -> e.get(4)).containsExactly("oncall");
    }
  }

  @Test
  void resubmittingIsANoOpAndOtherContentUnderTheSameIdIsAConflict() {
    try (Fleet fleet = new Fleet("resubmit", 10)) {
      Daemon daemon = fleet.start("d1");
      CompiledPlan plan = TestPlans.users("p2", Fleet.NAMES, 0, 3, CompiledPlan.Approval.REQUIRED, 500);
      get(daemon.operations().submit(plan, "text", "ci"));

      assertThat(get(daemon.operations().submit(plan, "text", "ci")))
          .isEqualTo(new ActionResult.Done<>(new SubmitReceipt("p2", plan.contentHash(), false)));
      CompiledPlan other = TestPlans.users("p2", Fleet.NAMES, 0, 3, CompiledPlan.Approval.REQUIRED, 400);
      assertThat(get(daemon.operations().submit(other, "text 2", "ci"))).isInstanceOf(ActionResult.Conflict.class);
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plans")).isEqualTo(1);
      assertThat(get(daemon.operations().approve("p2", "oncall"))).isInstanceOf(ActionResult.Conflict.class);
      assertThat(get(daemon.operations().pause("nope", Optional.empty(), "oncall")))
          .isInstanceOf(ActionResult.NotFound.class);

      fleet.awaitPlanState("p2", "awaiting-approval", WAIT);
      assertThat(get(daemon.operations().cancel("p2", "oncall")))
          .isEqualTo(new ActionResult.Done<>(io.tidemark.daemon.store.PlanState.CANCELLED));
      ActionResult<?> again = get(daemon.operations().cancel("p2", "oncall"));
      assertThat(again).isInstanceOf(ActionResult.Conflict.class);
      assertThat(((ActionResult.Conflict<?>) again).state()).isEqualTo("cancelled");
    }
  }

  @Test
  void aPlanFailingPreflightRunsNothingAndNamesTheProblemPerDatabase() throws InterruptedException {
    try (Fleet fleet = new Fleet("preflight", 10)) {
      Daemon daemon = fleet.start("d1");
      fleet.target("apidb").execute("DROP TABLE public.users");
      get(daemon.operations().submit(TestPlans.users("pf", Fleet.NAMES, 0, 3, CompiledPlan.Approval.AUTO, 100),
          "text", "ci"));

      fleet.awaitPlanState("pf", "failed", WAIT);
      Thread.sleep(500); // a few polls: nothing may start
      assertThat(fleet.state.queryRows("SELECT database, state FROM tidemark.plan_databases WHERE plan_id = 'pf'"
          + " ORDER BY position")).containsExactly(List.of("authdb", "failed"), List.of("apidb", "failed"),
          List.of("admindb", "failed"));
      assertThat((String) fleet.state.queryValue("SELECT last_error FROM tidemark.plan_databases"
          + " WHERE plan_id = 'pf' AND database = 'apidb'")).contains("users");
      assertThat((String) fleet.state.queryValue("SELECT last_error FROM tidemark.plan_databases"
          + " WHERE plan_id = 'pf' AND database = 'authdb'")).contains("preflight", "apidb");
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'pf'"
          + " AND step_id IS NOT NULL")).as("no step ran anywhere").isZero();
      assertThat(fleet.target("authdb").queryLong("SELECT count(*) FROM pg_attribute"
          + " WHERE attrelid = 'public.users'::regclass AND attname = 'status'")).isZero();
    }
  }

  @Test
  void parallelOneRunsTheNonCanaryDatabasesOneAfterAnother() {
    try (Fleet fleet = new Fleet("parallel", 600)) {
      Daemon daemon = fleet.start("d1");
      get(daemon.operations().submit(
          TestPlans.users("p3", Fleet.NAMES, 1, 1, CompiledPlan.Approval.AUTO, 200), "text", "ci"));
      fleet.awaitPlanState("p3", "completed", WAIT);

      assertCanaryFirstAndBarrier(fleet.events("p3"), "authdb", 1);
    }
  }

  /**
   * From the event log: per phase, every step of the canary ends before any step of another database starts,
   * at most {@code parallel} databases are between their first step and their phase end at once, and no step
   * of a phase starts before every database finished the previous phase.
   */
  static void assertCanaryFirstAndBarrier(List<List<Object>> events, String canary, int parallel) {
    Map<String, List<List<Object>>> byPhase = events.stream()
        .filter(e -> e.get(3) != null || "database-phase-done".equals(e.get(1)))
        .filter(e -> e.get(2) != null)
        .collect(Collectors.groupingBy(PlanLifecycleIT::phaseOf));
    long previousPhaseEnd = 0;
    for (String phase : List.of("expand", "migrate", "contract")) {
      List<List<Object>> ev = byPhase.get(phase);
      assertThat(ev).as(phase).isNotEmpty();
      long canaryEnd = ev.stream().filter(e -> canary.equals(e.get(2))).mapToLong(e -> (Long) e.get(0)).max().orElseThrow();
      long othersStart = ev.stream().filter(e -> !canary.equals(e.get(2))).mapToLong(e -> (Long) e.get(0)).min().orElseThrow();
      long phaseStart = ev.stream().mapToLong(e -> (Long) e.get(0)).min().orElseThrow();
      assertThat(canaryEnd).as("canary ends %s before others start", phase).isLessThan(othersStart);
      assertThat(phaseStart).as("barrier before %s", phase).isGreaterThan(previousPhaseEnd);
      previousPhaseEnd = ev.stream().mapToLong(e -> (Long) e.get(0)).max().orElseThrow();
      assertThat(maxConcurrent(ev)).as("databases at once in %s", phase).isLessThanOrEqualTo(parallel);
    }
  }

  private static String phaseOf(List<Object> e) {
    String step = (String) e.get(3);
    return step != null ? step.substring(0, step.indexOf('[')) : (String) e.get(6);
  }

  private static int maxConcurrent(List<List<Object>> ev) {
    Map<Object, long[]> spans = ev.stream().collect(Collectors.groupingBy(e -> e.get(2),
        Collectors.collectingAndThen(Collectors.toList(), l -> new long[] {
            l.stream().mapToLong(x -> (Long) x.get(0)).min().orElseThrow(),
            l.stream().mapToLong(x -> (Long) x.get(0)).max().orElseThrow()})));
    int max = 0;
    for (long[] s : spans.values()) {
      int overlapping = (int) spans.values().stream().filter(o -> o[0] <= s[0] && s[0] <= o[1]).count();
      max = Math.max(max, overlapping);
    }
    return max;
  }
}
