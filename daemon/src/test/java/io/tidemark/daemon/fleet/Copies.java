package io.tidemark.daemon.fleet;

import io.tidemark.config.DaemonSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Defaults;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.Secret;
import io.tidemark.config.ServerConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.TestPlans;
import io.tidemark.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A state database (server {@code control}) and {@code n} small copies of one {@code users} database, all on
 * the server named {@code fleet}: the shape of a database-per-tenant fleet, made fast with
 * {@code CREATE DATABASE ... TEMPLATE}. Closing drops every database it made.
 */
final class Copies implements AutoCloseable {
  static final String SERVER = "fleet";

  final TestDatabase state;
  final TestDatabase template;
  final Map<String, TestDatabase> targets = new LinkedHashMap<>();

  Copies(String prefix, int n, int rows) {
    state = TestDatabase.create(prefix + "state");
    template = TestDatabase.create(prefix + "tpl");
    try {
      TestPlans.prepareUsers(template, rows);
      for (int i = 0; i < n; i++) {
        targets.put(String.format("t%04d", i), template.copy(prefix));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  List<String> names() {
    return new ArrayList<>(targets.keySet());
  }

  /** The copies on server {@code fleet} with {@code fleet}'s budget; the state database on its own server. */
  TidemarkConfig config(String instance, ServerConfig fleet, Map<String, DatabaseConfig> extra) {
    Map<String, DatabaseConfig> dbs = new LinkedHashMap<>();
    dbs.put("state", database("state", state, "control", 4));
    targets.forEach((n, d) -> dbs.put(n, database(n, d, SERVER, 2)));
    dbs.putAll(extra);
    Map<String, ServerConfig> servers = new LinkedHashMap<>();
    servers.put("control", new ServerConfig("control", 1));
    servers.put(SERVER, fleet);
    extra.values().forEach(d -> servers.putIfAbsent(d.server(), new ServerConfig(d.server(), 1, 4,
        Duration.ofSeconds(2), Duration.ofSeconds(5))));
    Defaults defaults = Fixtures.config(instance, state, Map.of(), List.of()).defaults();
    return new TidemarkConfig("state", new HttpSettings("127.0.0.1", 0, 1 << 20), List.of(), dbs, Map.of(),
        servers, defaults, daemon(instance), List.of(), List.of());
  }

  /**
   * The default lease and heartbeat (15 s, 5 s), not the tests' fast ones: with a heartbeat of 300 ms, 150
   * drivers renewing their leases alone would saturate the control store's commits.
   */
  static DaemonSettings daemon(String instance) {
    return new DaemonSettings(instance, Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofMillis(200),
        Duration.ofSeconds(5), "text");
  }

  static DatabaseConfig database(String name, TestDatabase db, String server, int pool) {
    return new DatabaseConfig(name, db.url(), db.server().host(), db.server().port(), db.name(), db.server().user(),
        Secret.of(db.server().password()), server, pool, "disable");
  }

  @Override
  public void close() {
    targets.values().forEach(TestDatabase::close);
    template.close();
    state.close();
  }
}
