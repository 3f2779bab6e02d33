package io.tidemark.config;

import java.util.List;
import java.util.Map;

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
    List<ConfigProblem> warnings) {

  public TidemarkConfig {
    tokens = List.copyOf(tokens);
    hooks = List.copyOf(hooks);
    warnings = List.copyOf(warnings);
    databases = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(databases));
    groups = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(groups));
    servers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servers));
  }

  public DatabaseConfig database(String name) {
    DatabaseConfig db = databases.get(name);
    if (db == null) {
      throw new IllegalArgumentException("unknown database: " + name);
    }
    return db;
  }
}
