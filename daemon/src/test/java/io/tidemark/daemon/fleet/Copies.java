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
  /** Copies are made and dropped four at a time: the server does most of the work, and it has cores to spare. */
  private static final java.util.concurrent.ExecutorService WORKERS = java.util.concurrent.Executors.newFixedThreadPool(4,
      r -> {
        Thread t = new Thread(r, "copies");
        t.setDaemon(true);
        return t;
      });

  Copies(String prefix, int n, int rows) {
    state = TestDatabase.create(prefix + "state");
    template = TestDatabase.create(prefix + "tpl");
    try {
      TestPlans.prepareUsers(template, rows);
      List<java.util.concurrent.Future<TestDatabase>> copies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        copies.add(WORKERS.submit(() -> template.copy(prefix)));
      }
      for (int i = 0; i < n; i++) {
        targets.put(String.format("t%04d", i), copies.get(i).get());
      }
    } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
      close();
      throw new IllegalStateException("cannot make the copies", e);
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
        Secret.of(db.server().password()), server, pool, "disable", Duration.ofMinutes(1));
  }

  @Override
  public void close() {
    List<java.util.concurrent.Future<?>> drops = new ArrayList<>();
    targets.values().forEach(db -> drops.add(WORKERS.submit(db::close)));
    for (java.util.concurrent.Future<?> drop : drops) {
      try {
        drop.get();
      } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("a copy was not dropped", e);
      }
    }
    template.close();
    state.close();
  }
}
