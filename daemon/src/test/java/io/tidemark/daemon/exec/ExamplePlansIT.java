package io.tidemark.daemon.exec;

import static io.tidemark.daemon.exec.ExecFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.CompiledStep;
import io.tidemark.planner.Phase;
import io.tidemark.planner.StepAction;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every plan of {@code examples/plans}, compiled by the planner, on a fresh database loaded with
 * {@code examples/schema.sql}: each phase's steps run twice; the second run reports every step ALREADY_DONE
 * and leaves the catalog exactly as it was. (A database per plan: the plans are independent of each other.)
 */
class ExamplePlansIT {
  /** Columns, constraints, indexes and triggers of the public schema, one line each, as a comparable text. */
  private static final String CATALOG = """
      SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
        SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END AS line
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated::text
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'index ' || indexrelid::regclass::text || ' ' || indisvalid::text FROM pg_index
         WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
        UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
        UNION ALL SELECT 'enum ' || enumlabel FROM pg_enum) lines""";

  private static Vertx vertx;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    await(vertx.close());
  }

  static Stream<Path> examplePlans() throws IOException {
    List<Path> plans;
    try (Stream<Path> files = Files.list(examples().resolve("plans"))) {
      plans = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertThat(plans).as("example plans").hasSizeGreaterThanOrEqualTo(4);
    return plans.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplePlans")
  void expandAndContractStepsRunTwiceReportAlreadyDoneAndChangeNothingTheSecondTime(Path file) throws IOException {
    CompiledPlan plan = PlanCompiler.compileUnresolved(PlanParser.parse(Files.readString(file), file.getFileName().toString()));
    String database = plan.databases().get(0);
    StepExecutor executor = new StepExecutor(vertx);
    try (TestDatabase db = TestDatabase.create("ExamplePlansIT")) {
      db.execute(Files.readString(examples().resolve("schema.sql")));
      PreflightReport preflight = await(new Preflight(vertx).check(plan, database, ExecFixtures.options(db)));
      assertThat(preflight.problems()).as("preflight of " + file.getFileName()).isEmpty();
      runTwice(executor, db, plan.steps(database, Phase.EXPAND));
      ExecFixtures.runSteps(executor, db, plan.steps(database, Phase.MIGRATE));
      runTwice(executor, db, plan.steps(database, Phase.CONTRACT));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examplePlans")
  void preflightOnADatabaseWithoutTheSchemaNamesEveryStepAndRunsNothing(Path file) throws IOException {
    CompiledPlan plan = PlanCompiler.compileUnresolved(PlanParser.parse(Files.readString(file), file.getFileName().toString()));
    String database = plan.databases().get(0);
    try (TestDatabase db = TestDatabase.create("ExamplePlansIT")) {
      PreflightReport report = await(new Preflight(vertx).check(plan, database, ExecFixtures.options(db)));
      report.problems().forEach(p -> System.out.println(file.getFileName() + " preflight: " + p));

      List<String> stepIds = java.util.Arrays.stream(Phase.values()).flatMap(p -> plan.steps(database, p).stream())
          .map(CompiledStep::id).toList();
      assertThat(report.problems()).extracting(p -> p.stepId().orElseThrow()).containsOnlyElementsOf(stepIds)
          .containsAll(stepIds);
      assertThat(report.problems()).extracting(PreflightProblem::code).isSubsetOf("table-missing", "type-missing");
      assertThat(db.queryLong("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")).isZero();
    }
  }

  private static void runTwice(StepExecutor executor, TestDatabase db, List<CompiledStep> steps) {
    Map<String, String> first = ExecFixtures.runSteps(executor, db, steps);
    assertThat(first.values()).doesNotContain("ALREADY_DONE");
    String catalog = (String) db.queryValue(CATALOG);
    Map<String, String> second = ExecFixtures.runSteps(executor, db, steps);
    for (CompiledStep step : steps) {
      if (step.action() instanceof StepAction.Backfill) {
        continue; // the engine's checkpoints make a backfill rerun a no-op; not the executor's business
      }
      assertThat(step.probe()).as(step.id() + " has a probe").isPresent();
      assertThat(second.get(step.id())).as(step.id()).isEqualTo("ALREADY_DONE");
    }
    assertThat(db.queryValue(CATALOG)).isEqualTo(catalog);
  }

  private static Path examples() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("examples/plans"))) {
        return dir.resolve("examples");
      }
    }
    throw new UncheckedIOException(new IOException("no examples/plans above " + Path.of("").toAbsolutePath()));
  }
}
