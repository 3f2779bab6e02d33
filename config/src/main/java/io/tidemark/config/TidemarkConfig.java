package io.tidemark.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The whole daemon configuration, validated and immutable. Maps keep the order of the file (the first
 * database is the default state database). Safe to log: secrets print masked. {@code warnings} are things
 * the daemon logs at start but that do not stop it (e.g. a token whose environment variable is unset).
 */
public record TidemarkConfig(
    String stateDatabase,
    HttpSettings http,
    List<AuthToken> tokens,
    Map<String, DatabaseConfig> databases,
    Map<String, List<String>> groups,
    Map<String, ServerConfig> servers,
    Defaults defaults,
    DaemonSettings daemon,
    List<HookConfig> hooks,
    List<ConfigProblem> warnings,
    PolicySettings policy,
    RetentionSettings retention) {

  public TidemarkConfig {
    tokens = List.copyOf(tokens);
    hooks = List.copyOf(hooks);
    warnings = List.copyOf(warnings);
    databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    servers = Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    policy = policy == null ? PolicySettings.SAFE : policy;
    retention = retention == null ? RetentionSettings.DEFAULT : retention;
  }

  /** A config with the given policy and the default {@link RetentionSettings}. */
  public TidemarkConfig(String stateDatabase, HttpSettings http, List<AuthToken> tokens,
      Map<String, DatabaseConfig> databases, Map<String, List<String>> groups, Map<String, ServerConfig> servers,
      Defaults defaults, DaemonSettings daemon, List<HookConfig> hooks, List<ConfigProblem> warnings,
      PolicySettings policy) {
    this(stateDatabase, http, tokens, databases, groups, servers, defaults, daemon, hooks, warnings, policy,
        RetentionSettings.DEFAULT);
  }

  /**
   * A config with the safe {@link PolicySettings#SAFE} policy and the default {@link RetentionSettings} (for
   * code that builds configs by hand).
   */
  public TidemarkConfig(String stateDatabase, HttpSettings http, List<AuthToken> tokens,
      Map<String, DatabaseConfig> databases, Map<String, List<String>> groups, Map<String, ServerConfig> servers,
      Defaults defaults, DaemonSettings daemon, List<HookConfig> hooks, List<ConfigProblem> warnings) {
    this(stateDatabase, http, tokens, databases, groups, servers, defaults, daemon, hooks, warnings,
        PolicySettings.SAFE, RetentionSettings.DEFAULT);
  }

  public DatabaseConfig database(String name) {
    DatabaseConfig db = databases.get(name);
    if (db == null) {
      throw new IllegalArgumentException("unknown database: " + name);
    }
    return db;
  }

  /**
   * One line for the startup log, without any secret, e.g. {@code state database authdb; databases: authdb =
   * app@db1:5432/authdb (server db1, sslmode prefer, pool 4); groups: tenants = [authdb, apidb]; servers: db1
   * (max-concurrent-backfills 2); http 127.0.0.1:7654; tokens: ci (submitter); hooks: pager}.
   */
  public String describe() {
    return "state database " + stateDatabase
        + "; databases: " + join(databases.values().stream().map(d -> d.name() + " = " + d.describe()
            + " (server " + d.server() + ", sslmode " + d.sslMode() + ", pool " + d.poolSize() + ")").toList())
        + "; groups: " + join(groups.entrySet().stream().map(g -> g.getKey() + " = " + g.getValue()).toList())
        + "; servers: " + join(servers.values().stream()
            .map(s -> s.name() + " (max-concurrent-backfills " + s.maxConcurrentBackfills() + ", max-connections "
                + s.maxConnections() + ")").toList())
        + "; http " + http.host() + ":" + http.port()
        + "; tokens: " + join(tokens.stream().map(t -> t.name() + " (" + t.role().configName() + ")").toList())
        + "; hooks: " + join(hooks.stream().map(HookConfig::name).toList())
        + "; raw-sql-approval " + (policy.rawSqlApprovalRequired() ? "required" : "not-required");
  }

  private static String join(List<String> items) {
    return items.isEmpty() ? "none" : items.stream().collect(Collectors.joining(", "));
  }
}
