package io.tidemark.daemon.fleet;

import io.tidemark.pg.Connector;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.ServerConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.spi.ConnectionFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every connection the daemon opens to a configured database comes from here and holds one slot of its
 * server's {@code max-connections} until it is closed: steps, backfill batches and monitoring, preflight,
 * index-progress polling, {@code /versions} reads. Waiters queue first come, first served per server; an idle
 * connection is closed as soon as anyone on its server waits, or after the server's {@code idle-timeout}.
 * Opening a connection (TCP and the PostgreSQL startup) is bounded by {@code connect-timeout}, so a host that
 * accepts TCP and never answers fails its own work with a clear error after that time and frees the slot.
 *
 * <p>Every session carries {@code application_name = tidemark/<instance>/<purpose>} (the purpose the caller
 * gave after {@code tidemark/}: a plan and step, {@code backfill}, {@code preflight}, ...), so a DBA sees
 * whose sessions they are. A connection to a database the configuration does not know (tests) is opened
 * without a budget. Thread-safe; futures complete on the caller's context or the connection's.
 */
public final class ConnectionBudget implements Connector {
  private final Vertx vertx;
  private final String instance;
  private final Map<String, ServerConfig> serverByTarget = new HashMap<>();
  private final Map<String, ServerSlots> slots = new HashMap<>();
  /** Micrometer's names of {@link MetricNames#SERVER_CONNECTIONS} and its siblings (dots for underscores). */
  private static final String CONNECTIONS = MetricNames.SERVER_CONNECTIONS.replace('_', '.');
  private static final String WAITING = MetricNames.SERVER_CONNECTIONS_WAITING.replace('_', '.');
  private static final String MAX = MetricNames.SERVER_CONNECTIONS_MAX.replace('_', '.');
  /** How often shared slots unused since the last look are given back to the other daemons. */
  private static final long TRIM_MS = 1000;
  private final long trimmer;
  /**
   * Opens the budgeted connections. Owned by the budget, not by the verticle that asks: a connection attempt
   * abandoned at the connect timeout (a host that never answers) would otherwise hold up that verticle's
   * undeploy until the socket gave up on its own; closing the factory at shutdown ends such attempts.
   */
  private final ConnectionFactory<PgConnectOptions> factory;

  /**
   * @param claims {@link SlotClaims#NONE} for a daemon alone, or the control store's claims so all daemons
   *               on one state database share each server's budget
   */
  public ConnectionBudget(Vertx vertx, TidemarkConfig config, SlotClaims claims) {
    this.vertx = vertx;
    long connectMs = config.servers().values().stream().mapToLong(s -> s.connectTimeout().toMillis()).max().orElse(10_000);
    this.factory = PgDriver.INSTANCE.createConnectionFactory(vertx,
        new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectMs)));
    this.instance = config.daemon().instanceId();
    for (DatabaseConfig db : config.databases().values()) {
      ServerConfig server = config.servers().get(db.server());
      if (server != null) {
        serverByTarget.put(target(db.host(), db.port(), db.database()), server);
        slots.computeIfAbsent(server.name(), n -> new ServerSlots(vertx, n, server.maxConnections(), claims));
      }
    }
    trimmer = claims == SlotClaims.NONE ? -1 : vertx.setPeriodic(TRIM_MS, id -> slots.values().forEach(ServerSlots::trim));
  }

  /** A budget held by this daemon alone. */
  public static ConnectionBudget local(Vertx vertx, TidemarkConfig config) {
    return new ConnectionBudget(vertx, config, SlotClaims.NONE);
  }

  @Override
  public Future<PgConnection> connect(PgConnectOptions options) {
    Optional<ServerConfig> server = serverOf(options);
    if (server.isEmpty()) {
      return PgConnection.connect(vertx, named(options));
    }
    return open(slots.get(server.get().name()), options, c -> { });
  }

  @Override
  public Pool pool(PgConnectOptions options, int maxSize) {
    Optional<ServerConfig> server = serverOf(options);
    if (server.isEmpty()) {
      return PgBuilder.pool().with(new PoolOptions().setMaxSize(maxSize)).connectingTo(named(options))
          .using(vertx).build();
    }
    return new BudgetedPool(vertx, this, slots.get(server.get().name()), options, maxSize,
        server.get().idleTimeout().toMillis());
  }

  /** Takes {@code size} slots of the state server for the control pool, for as long as the daemon runs. */
  public Future<Void> reserveControl(PgConnectOptions options, int size) {
    Optional<ServerConfig> server = serverOf(options);
    if (server.isEmpty()) {
      return Future.succeededFuture();
    }
    ServerSlots s = slots.get(server.get().name());
    Future<?> reserved = Future.succeededFuture();
    for (int i = 0; i < size; i++) {
      reserved = reserved.compose(x -> s.acquire());
    }
    return reserved.mapEmpty();
  }

  /** Connections held on {@code server} now (0 for an unknown server). */
  public int inUse(String server) {
    ServerSlots s = slots.get(server);
    return s == null ? 0 : s.inUse();
  }

  /** Work waiting for a connection on {@code server} now. */
  public int waiting(String server) {
    ServerSlots s = slots.get(server);
    return s == null ? 0 : s.waiting();
  }

  /** The most connections held on {@code server} at once since start. */
  public int peak(String server) {
    ServerSlots s = slots.get(server);
    return s == null ? 0 : s.peak();
  }

  /**
   * Per server: {@code tidemark_server_connections} held by this daemon, {@code tidemark_server_connections_waiting}
   * (work queued for a connection: databases waiting for the budget) and {@code tidemark_server_connections_max}.
   * One series each per configured server, however many databases.
   */
  public void bindTo(MeterRegistry registry) {
    slots.forEach((name, s) -> {
      Gauge.builder(CONNECTIONS, s, ServerSlots::inUse).description("connections this daemon holds to the server")
          .tag("server", name).register(registry);
      Gauge.builder(WAITING, s, ServerSlots::waiting).description("work waiting for a connection to the server")
          .tag("server", name).register(registry);
      Gauge.builder(MAX, s, x -> x.max()).description("the server's connection budget (servers.<name>.max-connections)")
          .tag("server", name).register(registry);
    });
  }

  /** Stops granting slots: waiters fail at once (shutdown must not wait behind a queue). */
  public void close() {
    vertx.cancelTimer(trimmer);
    slots.values().forEach(ServerSlots::close);
    factory.close(Promise.promise());
  }

  Map<String, ServerSlots> servers() {
    return slots;
  }

  /** Acquires a slot, opens the connection within the connect timeout; the slot is freed when it closes. */
  Future<PgConnection> open(ServerSlots server, PgConnectOptions options, Consumer<PgConnection> onClosed) {
    ServerConfig config = serverOf(options).orElseThrow();
    return server.acquire().compose(slot -> connectWithin(named(options), config.connectTimeout())
        .onFailure(e -> slot.release())
        .onSuccess(conn -> conn.closeHandler(v -> {
          slot.release();
          onClosed.accept(conn);
        })));
  }

  private Future<PgConnection> connectWithin(PgConnectOptions options, Duration timeout) {
    Promise<PgConnection> result = Promise.promise();
    long timer = vertx.setTimer(timeout.toMillis(), id -> result.tryFail(new NoAnswer(options, timeout)));
    Context context = vertx.getOrCreateContext();
    factory.connect(context, options).map(PgConnection::cast).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.failed()) {
        result.tryFail(ar.cause());
      } else if (!result.tryComplete(ar.result())) {
        ar.result().close();
      }
    });
    return result.future();
  }

  /** A copy of {@code options} whose application_name says which daemon holds the session. */
  public PgConnectOptions named(PgConnectOptions options) {
    PgConnectOptions copy = new PgConnectOptions(options);
    copy.setProperties(new HashMap<>(options.getProperties()));
    String name = options.getProperties().getOrDefault("application_name", "tidemark/");
    String purpose = name.startsWith("tidemark/") ? name.substring("tidemark/".length()) : name;
    copy.addProperty("application_name", "tidemark/" + instance + "/" + purpose);
    return copy;
  }

  private Optional<ServerConfig> serverOf(PgConnectOptions options) {
    return Optional.ofNullable(serverByTarget.get(target(options.getHost(), options.getPort(), options.getDatabase())));
  }

  private static String target(String host, int port, String database) {
    return host + ":" + port + "/" + database;
  }

  /** The connection was not established within the connect timeout (e.g. the host accepts TCP, never answers). */
  static final class NoAnswer extends IOException {
    NoAnswer(PgConnectOptions options, Duration timeout) {
      super("no answer from " + options.getHost() + ":" + options.getPort() + " within " + timeout.toMillis()
          + " ms while connecting to database " + options.getDatabase());
    }
  }
}
