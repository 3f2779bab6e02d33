package io.tidemark.config;

import java.time.Duration;

/**
 * {@code tidemark.servers.<name>}: budgets shared by every database on one physical server, and by every
 * daemon on one state database.
 *
 * @param maxConcurrentBackfills backfills running at once on the server
 * @param maxConnections         connections Tidemark holds open to the server at once, over all its databases
 *                               and purposes (steps, backfill batches, preflight, probes, the control store)
 * @param connectTimeout         how long opening one connection (TCP and PostgreSQL startup) may take
 * @param idleTimeout            how long an unused connection is kept open before it is closed
 */
public record ServerConfig(String name, int maxConcurrentBackfills, int maxConnections, Duration connectTimeout,
    Duration idleTimeout) {

  /** The default of {@code server-defaults.max-connections}; see reference.conf for why it is small. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);

  /** A server with the default connection budget and timeouts. */
  public ServerConfig(String name, int maxConcurrentBackfills) {
    this(name, maxConcurrentBackfills, DEFAULT_MAX_CONNECTIONS, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
  }
}
