package io.tidemark.config;

/**
 * One thing wrong with a config file: its HOCON path (e.g. {@code tidemark.groups.tenants[1]}), a stable
 * code tests and tools match on (e.g. {@code unknown-database}), and a message for people. Never holds a
 * secret's value.
 */
public record ConfigProblem(String path, String code, String message) {
  @Override
  public String toString() {
    return path + ": " + message + " [" + code + "]";
  }
}
