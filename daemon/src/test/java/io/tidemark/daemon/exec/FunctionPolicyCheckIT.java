package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.BackfillSpec;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Preflight judges the functions a step's expressions call by what the target's pg_proc says about them. */
@ExtendWith(FreshDatabaseExtension.class)
class FunctionPolicyCheckIT {
  private static Vertx vertx;

  @BeforeAll
  static void setUp(TestDatabase db) {
    vertx = Vertx.vertx();
    db.execute("CREATE TABLE logs (id bigint PRIMARY KEY, line text)",
        "CREATE SCHEMA app",
        "CREATE FUNCTION app.volatile_f(x text) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT x $$",
        "CREATE FUNCTION public.stable_f(x text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT x $$",
        // shadowed on the search path by pg_catalog.random(), so only the qualified call reaches it
        "CREATE FUNCTION public.random() RETURNS double precision LANGUAGE sql VOLATILE AS $$ SELECT 4.0 $$",
        "CREATE FUNCTION public.mixed(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x $$",
        "CREATE FUNCTION public.mixed(x text) RETURNS int LANGUAGE sql VOLATILE AS $$ SELECT 1 $$");
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  @Test
  void volatileFunctionsAreRefusedUnlessAllowListedBuiltIns(TestDatabase db) {
    CompiledPlan plan = ExecFixtures.plan(
        backfill(0, "lower", "gen_random_uuid", "random", "clock_timestamp", "nextval", "now", "coalesce",
            "public.stable_f", "stable_f"),
        backfill(1, "app.volatile_f"),
        backfill(2, "public.random"),
        backfill(3, "mixed"),
        backfill(4, "setseed"),
        backfill(5, "pg_sleep"));

    PreflightReport report = await(new Preflight(vertx).check(plan, "db", ExecFixtures.options(db)));

    assertThat(report.problems()).extracting(p -> p.stepId().orElse("-") + " " + p.code()).containsExactly(
        "migrate[1]/backfill volatile-function",
        "migrate[2]/backfill volatile-function",
        "migrate[3]/backfill volatile-function",
        "migrate[4]/backfill volatile-function",
        "migrate[5]/backfill forbidden-function");
    assertThat(report.problems().get(0).message()).contains("app.volatile_f").contains("VOLATILE");
  }

  @Test
  void stepsCallingNothingHaveNoFunctionProblems(TestDatabase db) {
    PreflightReport report = await(new Preflight(vertx).check(ExecFixtures.plan(backfill(0)), "db",
        ExecFixtures.options(db)));

    assertThat(report.problems()).isEmpty();
  }

  private static CompiledStep backfill(int i, String... functions) {
    BackfillSpec spec = new BackfillSpec("public", "logs", "line = 'x'", Optional.empty(), OptionalLong.empty(),
        Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    return ExecFixtures.step(Phase.MIGRATE, "migrate[" + i + "]/backfill", new StepAction.Backfill(spec),
        Optional.empty()).calling(List.of(functions));
  }
}
