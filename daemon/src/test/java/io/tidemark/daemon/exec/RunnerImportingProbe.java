package io.tidemark.daemon.exec;

import io.tidemark.daemon.runner.StepRunner;

/**
 * Test-only: what PackageDependenciesTest must catch, an exec class that imports the runner. It lives in the
 * test sources, so the rule's check of the main classes never sees it.
 */
public final class RunnerImportingProbe {
  private RunnerImportingProbe() {}

  static Class<?> reachesIntoTheRunner() {
    return StepRunner.class;
  }
}
