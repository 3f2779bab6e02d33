package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class PlanCommandTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String CONFIG = ROOT.resolve("examples/tidemark.conf").toString();
  private static final String BAD_PLAN = Path.of("src/test/resources/plans/several-problems.conf").toString();

  record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = TidemarkCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static List<String> examplePlans() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("examples/plans"))) {
      return files.map(Path::toString).filter(f -> f.endsWith(".conf")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("examplePlans")
  void everyExamplePlanChecksClean(String plan) {
    Run r = run("plan", "check", plan, "--config", CONFIG);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains(": ok (plan ");
  }

  @ParameterizedTest
  @MethodSource("examplePlans")
  void everyExamplePlanShowsItsStatementsPerPhaseAndDatabase(String plan) {
    Run r = run("plan", "show", plan, "--config", CONFIG);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("== expand ==", "== migrate ==", "== contract ==");
    assertThat(r.out()).containsAnyOf("-- authdb", "-- apidb");
  }

  @Test
  void showMarksNonTransactionalAndIrreversibleSteps() {
    Run index = run("plan", "show", ROOT.resolve("examples/plans/03-orders-user-fk.conf").toString(), "--config", CONFIG);
    assertThat(index.out()).contains("CREATE INDEX CONCURRENTLY").contains("NON-TRANSACTIONAL");
    Run enumValue = run("plan", "show", ROOT.resolve("examples/plans/04-orders-archived-state.conf").toString(),
        "--config", CONFIG);
    assertThat(enumValue.out()).containsIgnoringCase("irreversible");
  }

  @Test
  void showAsJsonIsParseableAndListsEveryDatabase() {
    Run r = run("plan", "show", ROOT.resolve("examples/plans/02-users-status-not-null.conf").toString(),
        "--config", CONFIG, "--format", "json");
    assertThat(r.exitCode()).isZero();
    JsonObject json = new JsonObject(r.out());
    assertThat(json.getString("id")).isEqualTo("2026-11-users-status");
    assertThat(json.getJsonArray("databases").getList()).containsExactly("authdb", "apidb", "admindb");
  }

  @Test
  void checkOfAPlanWithSeveralProblemsExitsTwoAndListsEveryOneByPath() {
    Run r = run("plan", "check", BAD_PLAN, "--config", CONFIG);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err())
        .contains("id:")
        .contains("databases[1]: ")
        .contains("rollout.canary")
        .contains("rollout.parallel")
        .contains("expand[0].columns")
        .contains("expand[1]")
        .contains("migrate[0].set")
        .contains("contract[0]");
  }

  @Test
  void checkAsJsonListsProblemsWithPathAndCode() {
    Run r = run("plan", "check", BAD_PLAN, "--config", CONFIG, "--format", "json");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    JsonArray problems = new JsonObject(r.out()).getJsonArray("problems");
    assertThat(problems.size()).isGreaterThanOrEqualTo(8);
    List<String> pathsAndCodes = problems.stream()
        .map(JsonObject.class::cast)
        .map(p -> p.getString("path") + " " + p.getString("code"))
        .toList();
    assertThat(pathsAndCodes).contains("databases[1] unknown-database", "expand[0].columns must-not-be-empty");
    assertThat(pathsAndCodes).anyMatch(s -> s.startsWith("contract[0]") && s.contains("lint:create-index-without-concurrently"));
    assertThat(pathsAndCodes).anyMatch(s -> s.startsWith("expand[1]") && s.contains("op-not-allowed-in-phase"));
  }

  @Test
  void checkWithoutConfigValidatesEverythingButDatabaseNames() {
    Run ok = run("plan", "check", ROOT.resolve("examples/plans/01-users-email-address.conf").toString());
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).contains("not resolved");
    Run bad = run("plan", "check", BAD_PLAN);
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(bad.err()).doesNotContain("unknown-database").contains("expand[0].columns");
  }

  @Test
  void showWithoutConfigIsBadInput() {
    Run r = run("plan", "show", ROOT.resolve("examples/plans/01-users-email-address.conf").toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--config");
  }

  @Test
  void aMissingFileOrABadConfigIsBadInputNamingIt() {
    Run missing = run("plan", "check", "no/such/plan.conf");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("no/such/plan.conf");

    Run badConfig = run("plan", "check", BAD_PLAN, "--config", BAD_PLAN);
    assertThat(badConfig.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badConfig.err()).contains("several-problems.conf:");
  }

  private static String planFile(String body) {
    try {
      Path file = Files.createTempFile("tidemark-plan", ".conf");
      file.toFile().deleteOnExit();
      Files.writeString(file, "id = p\ndatabases = [authdb]\n" + body);
      return file.toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void createIndexConcurrentlyInATransactionalSqlStepIsRefusedNamingTheFix() {
    String plan = planFile("expand = [ { op = sql, statements = \"CREATE INDEX CONCURRENTLY IF NOT EXISTS"
        + " users_note_idx ON users (note)\" } ]\n");
    Run r = run("plan", "check", plan, "--config", CONFIG);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("expand[0].statements", "[lint:cannot-run-in-transaction]",
        "transactional = false");

    Run fixed = run("plan", "check", planFile("expand = [ { op = sql, transactional = false, statements ="
        + " \"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_note_idx ON users (note)\" } ]\n"), "--config", CONFIG);
    assertThat(fixed.exitCode()).as(fixed.err()).isZero();
  }

  @Test
  void transactionControlIsRefusedEvenWithAnUnsafeReason() {
    String plan = planFile("expand = [ { op = sql, unsafe = \"we know\", statements = [\"BEGIN\","
        + " \"ALTER TABLE users ADD COLUMN IF NOT EXISTS note text\", \"COMMIT\"] } ]\n");
    Run r = run("plan", "check", plan);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("[lint:transaction-control]", "statement 1 (BEGIN)", "statement 3 (COMMIT)");
  }

  @Test
  void warningsAreShownOnlyWithTheSwitchAndDoNotRefuseThePlan() {
    String plan = planFile("expand = [ { op = sql, statements = \"ALTER TABLE users ADD COLUMN note varchar(20)\" } ]\n");
    Run quiet = run("plan", "check", plan);
    assertThat(quiet.exitCode()).as(quiet.err()).isZero();
    assertThat(quiet.out()).doesNotContain("warning");

    Run shown = run("plan", "check", plan, "--warnings");
    assertThat(shown.exitCode()).isZero();
    assertThat(shown.out()).contains("2 lint warnings", "expand[0].statements", "[lint:prefer-text-field]",
        "[lint:prefer-robust-stmts]");

    Run json = run("plan", "check", plan, "--warnings", "--format", "json");
    JsonArray warnings = new JsonObject(json.out()).getJsonArray("warnings");
    assertThat(warnings).hasSize(2);
  }

  @Test
  void aPlanCanMakeChosenWarningsErrors() {
    String plan = planFile("lint { warnings-as-errors = [prefer-text-field] }\n"
        + "expand = [ { op = sql, statements = \"ALTER TABLE users ADD COLUMN IF NOT EXISTS note varchar(20)\" } ]\n");
    Run r = run("plan", "check", plan);
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("[lint:prefer-text-field]", "a warning this plan makes an error");

    Run unknown = run("plan", "check", planFile("lint { warnings-as-errors = [no-such-rule, create-index-without-concurrently] }\n"
        + "expand = [ { op = sql, statements = \"SELECT 1\" } ]\n"));
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(unknown.err()).contains("lint.warnings-as-errors[0]", "[unknown-lint-rule]",
        "lint.warnings-as-errors[1]", "[not-a-warning]");
  }

  @Test
  void anUnknownOptionIsBadInput() {
    assertThat(run("plan", "check", "--no-such-option").exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
