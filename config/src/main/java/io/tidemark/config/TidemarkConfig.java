package io.tidemark.config;

import java.util.List;
import java.util.Map;

/**
 * The whole daemon configuration, validated and immutable. Maps keep the order of the file (the first
 * database is the default state database). Safe to log: secrets print masked.
 */
public record TidemarkConfig(
    String stateDatabase,
    HttpSettings http,
    List<AuthToken> tokens,
    Map<String, DatabaseConfig> databases,
    Map<String, List<String>> groups,
    Map<String, ServerConfig> servers,
    Defaults defaults) {

  public TidemarkConfig {
    tokens = List.copyOf(tokens);
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
