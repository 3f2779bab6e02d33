package io.tidemark.daemon.fleet;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.ServerConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.max-failures = 2}: the rollout goes on past the first failed database, stops starting new
 * ones at the second, and the plan fails naming both and why; {@code retry} after the fix resumes it.
 */
class MaxFailuresIT {
  private static final String PLAN = """
      id = "mf"
      databases = [t0000, t0001, t0002, t0003, t0004]
      rollout { canary = 0, parallel = 1, max-failures = 2 }
      contract.approval = auto
      expand = [ { op = create_index, table = users, name = users_email_uq, columns = [email], unique = true } ]
      """;

  @Test
  void rolloutStopsAtTheSecondFailedDatabaseAndRetryResumesIt() {
    try (Copies fleet = new Copies("maxfail", 5, 20)) {
      for (String duplicated : new String[] {"t0001", "t0002"}) {
        fleet.targets.get(duplicated).execute("INSERT INTO public.users (email, is_active) VALUES ('u1@example.com', true)");
      }
      Daemon daemon = get(Daemon.start(fleet.config("mf1",
          new ServerConfig(Copies.SERVER, 1, 4, Duration.ofSeconds(5), Duration.ofSeconds(2)), Map.of())));
      try {
        CompiledPlan plan = PlanCompiler.compile(PlanParser.parse(PLAN, "mf.conf"), daemon.config());
        get(daemon.operations().submit(plan, PLAN, "ci"));
        Fleet.await("plan mf failed", Duration.ofSeconds(60), () -> "failed".equals(value(fleet, "SELECT state FROM tidemark.plans WHERE id = 'mf'")));

        String error = value(fleet, "SELECT last_error FROM tidemark.plans WHERE id = 'mf'");
        assertThat(error).startsWith("2 databases failed (max-failures 2): t0001: ").contains("; t0002: ");
        assertThat(fleet.state.queryRows("SELECT database, state FROM tidemark.plan_databases WHERE plan_id = 'mf'"
            + " ORDER BY database")).extracting(r -> r.get(0) + " " + r.get(1))
            .containsExactly("t0000 done", "t0001 failed", "t0002 failed", "t0003 pending", "t0004 pending");

        for (String duplicated : new String[] {"t0001", "t0002"}) {
          fleet.targets.get(duplicated).execute("DELETE FROM public.users WHERE id = (SELECT max(id) FROM public.users)");
        }
        assertThat(get(daemon.operations().retry("mf", Optional.empty(), "oncall"))).isInstanceOf(ActionResult.Done.class);
        Fleet.await("plan mf completed", Duration.ofSeconds(60), () -> "completed".equals(value(fleet, "SELECT state FROM tidemark.plans WHERE id = 'mf'")));
        assertThat(fleet.targets.get("t0004").queryValue("SELECT indisvalid FROM pg_index"
            + " WHERE indexrelid = 'public.users_email_uq'::regclass")).isEqualTo(true);
      } finally {
        get(daemon.stop());
      }
    }
  }

  private static String value(Copies fleet, String sql) {
    return (String) fleet.state.queryValue(sql);
  }
}
