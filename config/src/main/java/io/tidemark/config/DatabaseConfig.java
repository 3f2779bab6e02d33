package io.tidemark.config;

import java.time.Duration;

/**
 * {@code tidemark.databases.<name>}. The URL is split into host, port and database at load time so a bad URL
 * is a config error, not a connection error at 3 a.m.; {@code user} comes from the URL's user info unless
 * {@code user} is set. {@code server} names the physical server whose budgets ({@link ServerConfig}) this
 * database shares; it defaults to {@code host:port}. {@code sslMode} is libpq's ({@code disable},
 * {@code prefer}, {@code require}, {@code verify-ca}, {@code verify-full}), from the URL's {@code sslmode}. {@code idleInTransactionTimeout} bounds how long any
 * session Tidemark opens to this database may sit idle inside an open transaction (and so hold its locks)
 * before the server ends it: {@code idle_in_transaction_session_timeout}, always positive.
 */
public record DatabaseConfig(
    String name,
    String url,
    String host,
    int port,
    String database,
    String user,
    Secret password,
    String server,
    int poolSize,
    String sslMode,
    Duration idleInTransactionTimeout) {

  /** {@code app@db1:5432/authdb}: where this database is and who connects, for logs. Never the password. */
  public String describe() {
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    return user + "@" + hostPart + ":" + port + "/" + database;
  }
}
