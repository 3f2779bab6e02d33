package io.tidemark.daemon;

import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DaemonSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.DdlSettings;
import io.tidemark.config.Defaults;
import io.tidemark.config.HookConfig;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.Secret;
import io.tidemark.config.ServerConfig;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.pg.PgConnections;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Configs and pools for daemon tests over fresh databases. */
public final class Fixtures {
  private Fixtures() {}

  public static DatabaseConfig database(String name, TestDatabase db) {
    return new DatabaseConfig(name, db.url(), db.server().host(), db.server().port(), db.name(), db.server().user(),
        Secret.of(db.server().password()), "local", 4, "disable", Duration.ofMinutes(1));
  }

  public static Pool pool(Vertx vertx, String name, TestDatabase db) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(PgConnections.options(database(name, db), "tidemark-test"))
        .using(vertx)
        .build();
  }

  public static DaemonSettings daemon(String instanceId) {
    return new DaemonSettings(instanceId, Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(200),
        Duration.ofSeconds(5), "text");
  }

  /** {@code state} first, then the targets in order; fast leases and polls for tests. */
  public static TidemarkConfig config(String instanceId, TestDatabase state, Map<String, TestDatabase> targets,
      List<HookConfig> hooks) {
    Map<String, DatabaseConfig> dbs = new LinkedHashMap<>();
    dbs.put("state", database("state", state));
    targets.forEach((n, d) -> dbs.put(n, database(n, d)));
    Defaults defaults = new Defaults(
        new DdlSettings(Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofMillis(50), Duration.ofSeconds(1)),
        new BackfillSettings(Duration.ofMillis(100), 10, 1000, 0, true),
        new ThrottleSettings(Duration.ZERO, 0, 0, "", "", Duration.ofMillis(200)));
    return new TidemarkConfig("state", new HttpSettings("127.0.0.1", 0, 1 << 20), List.of(), dbs, Map.of(),
        Map.of("local", new ServerConfig("local", 3)),
        defaults, daemon(instanceId), hooks, List.of());
  }
}
