package io.tidemark.config;

/**
 * One thing wrong with a config file: its HOCON path (e.g. {@code tidemark.groups.tenants[1]}), a stable
 * code tests and tools match on (e.g. {@code unknown-database}), and a message for people. Never holds a
 * secret's value.
 *
 * <p>Error codes: file and syntax {@code unreadable-file, syntax-error, unresolved-substitution}; shape
 * {@code unknown-key, missing-required, wrong-type, bad-duration, bad-size, bad-name}; limits
 * {@code not-positive, negative, min-above-max, bad-backoff, heartbeat-not-below-lease}; database URLs
 * {@code bad-url-scheme, bad-url, url-missing-host, url-missing-database, bad-port, bad-ssl-mode,
 * unsupported-url-parameter, conflicting-password}; names {@code unknown-database, duplicate-name,
 * duplicate-member, nested-group, empty-group}; access {@code duplicate-token-name, duplicate-token-value,
 * unknown-role}; hooks {@code duplicate-hook-name, conflicting-hook-target, missing-hook-target,
 * unknown-hook-event, bad-command, bad-http-url}; daemon {@code bad-log-format} ({@code bad-port} and
 * {@code bad-http-url} also for {@code http.port} and {@code throttle.http-check}).
 *
 * <p>Warning codes ({@link TidemarkConfig#warnings()}): {@code token-unset, weak-token, password-in-url,
 * unused-server, same-database-twice}.
 */
public record ConfigProblem(String path, String code, String message) {
  @Override
  public String toString() {
    return path + ": " + message + " [" + code + "]";
  }
}
