package io.tidemark.daemon;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package rules inside the daemon, checked on the compiled classes (so a fully qualified name counts as
 * much as an import). The layers, lowest first:
 * <pre>
 *   store, exec                  depend on no other daemon package
 *   fleet                        on store (its budget slots) and the metric names only
 *   hooks, ops                   on store only
 *   runner                       on exec, hooks, store
 *   metrics                      on ops, runner, store
 *   api                          on metrics, ops, store: never on the runner, the executor or the daemon itself
 *   io.tidemark.daemon (Daemon)  wires them all; only cli and demo may depend on it
 *   cli, demo                    the entry points
 * </pre>
 * docs/architecture.md describes the layers.
 */
class PackageDependenciesTest {
  private static final String DAEMON = "io.tidemark.daemon";
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(DAEMON);

  static final ArchRule EXEC_STANDS_ALONE = independent("exec");
  static final ArchRule STORE_STANDS_ALONE = independent("store");

  private static ArchRule independent(String pkg) {
    return noClasses().that().resideInAPackage(DAEMON + "." + pkg + "..")
        .should().dependOnClassesThat().resideInAnyPackage(othersThan(pkg))
        .as(pkg + " depends on no other daemon package (not runner, api, cli, ...)");
  }

  private static String[] othersThan(String pkg) {
    return List.of("api", "cli", "demo", "exec", "fleet", "hooks", "metrics", "ops", "runner", "store").stream()
        .filter(p -> !p.equals(pkg)).map(p -> DAEMON + "." + p + "..").toArray(String[]::new);
  }

  @Test
  void execDependsOnNoOtherDaemonPackage() {
    EXEC_STANDS_ALONE.check(MAIN);
    noClasses().that().resideInAPackage(DAEMON + ".exec..").should().dependOnClassesThat()
        .resideInAPackage(DAEMON).check(MAIN);
  }

  @Test
  void storeDependsOnNoOtherDaemonPackage() {
    STORE_STANDS_ALONE.check(MAIN);
    noClasses().that().resideInAPackage(DAEMON + ".store..").should().dependOnClassesThat()
        .resideInAPackage(DAEMON).check(MAIN);
  }

  /**
   * The connection budget is wired in by the daemon and reached by exec, runner and the backfill only through
   * {@code io.tidemark.pg.Connector}: it builds on the store's budget slots and nothing above.
   */
  @Test
  void theFleetBudgetBuildsOnTheStoreAndTheMetricNamesOnly() {
    noClasses().that().resideInAPackage(DAEMON + ".fleet..").should().dependOnClassesThat()
        .resideInAnyPackage(DAEMON + ".api..", DAEMON + ".cli..", DAEMON + ".demo..", DAEMON + ".exec..",
            DAEMON + ".hooks..", DAEMON + ".ops..", DAEMON + ".runner..")
        .check(MAIN);
    noClasses().that().resideInAPackage(DAEMON + ".fleet..").should().dependOnClassesThat(
        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(DAEMON + ".metrics..")
            .and(com.tngtech.archunit.base.DescribedPredicate.not(
                com.tngtech.archunit.core.domain.properties.HasName.Predicates.name(DAEMON + ".metrics.MetricNames"))))
        .check(MAIN);
    noClasses().that().resideOutsideOfPackages(DAEMON + ".fleet..", DAEMON)
        .should().dependOnClassesThat().resideInAPackage(DAEMON + ".fleet..").check(MAIN);
  }

  @Test
  void hooksAndOperationsBuildOnTheStoreOnly() {
    for (String pkg : List.of("hooks", "ops")) {
      noClasses().that().resideInAPackage(DAEMON + "." + pkg + "..").should().dependOnClassesThat()
          .resideInAnyPackage(DAEMON + ".api..", DAEMON + ".cli..", DAEMON + ".demo..", DAEMON + ".exec..",
              DAEMON + ".metrics..", DAEMON + ".runner..")
          .check(MAIN);
    }
  }

  @Test
  void theRunnerKnowsNothingOfTheApiTheCliOrTheOperatorActions() {
    noClasses().that().resideInAPackage(DAEMON + ".runner..").should().dependOnClassesThat()
        .resideInAnyPackage(DAEMON + ".api..", DAEMON + ".cli..", DAEMON + ".demo..", DAEMON + ".metrics..",
            DAEMON + ".ops..")
        .check(MAIN);
  }

  @Test
  void theApiReachesTheDaemonOnlyThroughOperationsAndTheStore() {
    noClasses().that().resideInAPackage(DAEMON + ".api..").should().dependOnClassesThat()
        .resideInAnyPackage(DAEMON + ".runner..", DAEMON + ".exec..", DAEMON + ".hooks..",
            DAEMON + ".cli..", DAEMON + ".demo..")
        .check(MAIN);
  }

  /** No cycle through the root: Daemon wires api, runner, ... and none of them may import it back. */
  @Test
  void onlyTheEntryPointsDependOnTheDaemonItself() {
    noClasses().that().resideInAnyPackage(DAEMON + ".api..", DAEMON + ".exec..", DAEMON + ".fleet..",
            DAEMON + ".hooks..", DAEMON + ".metrics..", DAEMON + ".ops..", DAEMON + ".runner..", DAEMON + ".store..")
        .should().dependOnClassesThat().resideInAPackage(DAEMON)
        .check(MAIN);
  }

  @Test
  void nothingButTheEntryPointsDependsOnTheCliOrTheApi() {
    noClasses().that().resideOutsideOfPackages(DAEMON + ".cli..", DAEMON + ".demo..", DAEMON)
        .should().dependOnClassesThat().resideInAPackage(DAEMON + ".cli..").check(MAIN);
    noClasses().that().resideOutsideOfPackages(DAEMON + ".api..", DAEMON)
        .should().dependOnClassesThat().resideInAPackage(DAEMON + ".api..").check(MAIN);
  }

  /** The rules bite: an exec class that reaches into the runner (a test-only probe) is reported. */
  @Test
  void anExecClassImportingTheRunnerBreaksTheRule() {
    JavaClasses withProbe = new ClassFileImporter().importClasses(
        io.tidemark.daemon.exec.RunnerImportingProbe.class, io.tidemark.daemon.runner.StepRunner.class);
    assertThat(EXEC_STANDS_ALONE.evaluate(withProbe).hasViolation()).isTrue();
    assertThat(EXEC_STANDS_ALONE.evaluate(new ClassFileImporter()
        .importClasses(io.tidemark.daemon.exec.StepExecutor.class)).hasViolation()).isFalse();
  }
}
