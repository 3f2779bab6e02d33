package io.tidemark.daemon.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.ChildDaemon;
import io.tidemark.testkit.TestDatabase;
import org.junit.jupiter.api.Test;

/** A daemon configured with a fleet of 500 databases stops on SIGTERM within 10 s. */
class FleetShutdownIT {
  private static final int DATABASES = 500;

  @Test
  void sigtermWithFiveHundredConfiguredDatabasesExitsWithinTenSeconds() {
    try (TestDatabase state = TestDatabase.create("shutdownstate")) {
      StringBuilder dbs = new StringBuilder();
      dbs.append("    state { url = \"").append(state.url()).append("?sslmode=disable\", server = control }\n");
      for (int i = 0; i < DATABASES; i++) {
        // Databases that do not exist: nothing may connect to a database with no work.
        dbs.append(String.format("    t%04d { url = \"%s?sslmode=disable\", server = fleet }%n", i,
            state.server().url("tm_fleet_absent_" + i)));
      }
      String hocon = """
          tidemark {
            state-database = state
            http.port = 0
            databases {
          %s  }
            daemon { instance-id = "stopper", poll-interval = 200ms }
          }
          """.formatted(dbs);
      try (ChildDaemon daemon = ChildDaemon.start(hocon, "stopper")) {
        long started = System.nanoTime();
        int exit = daemon.terminate();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(tookMs).as("shutdown took %d ms; output:%n%s", tookMs, daemon.output()).isLessThan(10_000);
        assertThat(exit).as(daemon.output()).isZero();
        assertThat(daemon.output()).doesNotContain("tm_fleet_absent_");
      }
    }
  }
}
