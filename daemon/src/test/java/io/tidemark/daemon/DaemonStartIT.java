package io.tidemark.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class DaemonStartIT {
  @Test
  void aStateDatabaseThatDoesNotExistFailsTheStartPromptly(TestDatabase db) throws Exception {
    TidemarkConfig ok = Fixtures.config("d1", db, Map.of(), List.of());
    DatabaseConfig real = ok.database("state");
    Map<String, DatabaseConfig> dbs = new LinkedHashMap<>();
    dbs.put("state", new DatabaseConfig("state", real.url(), real.host(), real.port(), db.name() + "_missing",
        real.user(), Secret.empty(), real.server(), 2, "disable", Duration.ofMinutes(1)));
    TidemarkConfig missing = new TidemarkConfig("state", ok.http(), ok.tokens(), dbs, ok.groups(), ok.servers(),
        ok.defaults(), ok.daemon(), ok.hooks(), ok.warnings());

    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> Daemon.start(missing).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));

    assertThat(failed.getCause()).hasMessageContaining("does not exist");
  }

  @Test
  void startsOnAFreshStateDatabaseAndStopsCleanly(TestDatabase db) throws Exception {
    Daemon daemon = Daemon.start(Fixtures.config("d1", db, Map.of(), List.of()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(daemon.operations().plans().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
    daemon.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(db.queryLong("SELECT max(version) FROM tidemark.schema_version")).isPositive();
  }
}
