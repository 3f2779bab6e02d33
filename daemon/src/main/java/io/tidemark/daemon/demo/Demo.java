package io.tidemark.daemon.demo;

import io.tidemark.config.ConfigLoader;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tidemark demo}: a whole Tidemark installation on one PostgreSQL server, for a first look. It creates
 * the three example databases under a prefix ({@code tidemark_demo_authdb}, ...; the config calls them
 * {@code authdb}, {@code apidb}, {@code admindb}), loads {@code examples/schema.sql} scaled to the requested
 * rows, starts a daemon in this process (state database {@code authdb}, HTTP on 127.0.0.1, one operator token
 * made up for the run), runs a light application load, submits an example plan through the API and follows
 * it until it completes, approving contract itself or telling the user how.
 *
 * <p>{@link #close()} undoes everything it did, in reverse: load stopped, daemon stopped, every database it
 * created dropped, its Vert.x closed. It is idempotent and safe from a shutdown hook while {@link #run()} is
 * still going (Ctrl-C). Blocking: {@link #run()} and {@link #close()} run on the caller's thread and wait for
 * the futures they start; never call them on an event loop.
 */
public final class Demo implements AutoCloseable {
  /** How the plan ended, as far as the demo followed it. */
  public enum Outcome { COMPLETED, FAILED, ENDED, TIMED_OUT }

  private static final List<String> NAMES = List.of("authdb", "apidb", "admindb");
  private static final String TOKEN_VARIABLE = "TIDEMARK_DEMO_TOKEN";
  private static final String PASSWORD_VARIABLE = "TIDEMARK_DEMO_PG_PASSWORD";
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final long POLL_MS = 1000;

  /**
   * The generated configuration. The replication-lag signal is off (a laptop has no replicas to wait for,
   * and a role without pg_monitor could not read it, which would hold the backfill forever: fail closed).
   */
  private static final String CONFIG = """
      tidemark {
        state-database = authdb
        http { host = "127.0.0.1", port = %d }
        auth.tokens = [ { name = demo, role = operator, token = ${?%s} } ]
        databases {
          authdb  { url = %s, password = ${?%s}, server = local }
          apidb   { url = %s, password = ${?%s}, server = local }
          admindb { url = %s, password = ${?%s}, server = local }
        }
        groups { tenants = [authdb, apidb] }
        servers { local { max-concurrent-backfills = 2 } }
        defaults.throttle.max-replication-lag = 0
        daemon { instance-id = demo, shutdown-timeout = 5s }
      }
      """;

  private final DemoSettings settings;
  private final PrintStream out;
  private final Vertx vertx = Vertx.vertx();
  private final String token = newToken();
  private final List<String> created = new ArrayList<>();
  private volatile AppLoad load;
  private volatile Daemon daemon;
  private volatile DemoClient api;
  private volatile String statusUrl;
  private boolean closed;

  public Demo(DemoSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** The physical name of the demo database the config calls {@code name}. */
  public String databaseName(String name) {
    return settings.prefix() + name;
  }

  /** The status page, once the daemon runs. */
  public String statusUrl() {
    return statusUrl;
  }

  /** The operator token of this run (the user needs it for the status page and the CLI). */
  public String token() {
    return token;
  }

  /** Whether {@link #close()} has begun (Ctrl-C): what {@link #run()} throws then is only the stop itself. */
  public synchronized boolean closing() {
    return closed;
  }

  /** Sets everything up, submits the plan and follows it until it ends (or waits for approval forever). */
  public Outcome run() throws IOException, InterruptedException {
    String planText = Files.readString(settings.plan());
    String schemaSql = Files.readString(settings.schema());
    DatabaseConfig server = serverDatabase(settings.serverUrl());
    int port = port(settings.httpPort());
    TidemarkConfig config = config(server, port);
    createAndFill(server, config, schemaSql);
    startDaemon(config, port);
    startLoad(config);
    banner();
    String id = api.submit(planText).getString("id");
    out.println("Submitted plan " + id + " (" + settings.plan().getFileName() + ").");
    out.println();
    Outcome outcome = follow(id);
    stopLoad();
    return outcome;
  }

  /** Stops the load and the daemon and drops every database this demo created. Idempotent; any thread. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!created.isEmpty()) {
      out.println();
      out.println("Stopping the application load and the daemon, then dropping the demo databases...");
    }
    stopLoad();
    Daemon d = daemon;
    if (d != null) {
      quietly("stop the daemon", d.stop());
    }
    DatabaseConfig server = serverDatabase(settings.serverUrl());
    DemoDatabases databases = new DemoDatabases(vertx, server);
    for (String name : created) {
      quietly("drop " + name, databases.drop(name));
    }
    if (!created.isEmpty()) {
      out.println("Dropped " + String.join(", ", created) + ".");
    }
    quietly("close Vert.x", vertx.close());
  }

  private void createAndFill(DatabaseConfig server, TidemarkConfig config, String schemaSql) {
    DemoDatabases databases = new DemoDatabases(vertx, server);
    long perDatabase = settings.rows() / NAMES.size();
    long users = perDatabase * 3 / 5;
    long orders = perDatabase - users;
    out.printf(Locale.ROOT, "Creating %s on %s and loading %,d users and %,d orders into each...%n",
        String.join(", ", NAMES.stream().map(this::databaseName).toList()), server.describe(), users, orders);
    long started = System.nanoTime();
    List<Future<Void>> fills = new ArrayList<>();
    for (String name : NAMES) {
      synchronized (this) {
        created.add(databaseName(name));
      }
      fills.add(databases.create(databaseName(name))
          .compose(v -> databases.fill(config.database(name), schemaSql, users, orders)));
    }
    await(Future.all(fills), SETUP_TIMEOUT);
    out.printf(Locale.ROOT, "Loaded in %.1f s.%n", (System.nanoTime() - started) / 1e9);
  }

  private void startDaemon(TidemarkConfig config, int port) {
    daemon = await(Daemon.start(config), SETUP_TIMEOUT);
    String base = "http://127.0.0.1:" + port;
    statusUrl = base + "/";
    api = new DemoClient(base, token);
  }

  private void startLoad(TidemarkConfig config) {
    long users = Math.max(1000, settings.rows() / NAMES.size() * 3 / 5);
    List<DatabaseConfig> targets = NAMES.stream().map(config::database).toList();
    load = AppLoad.start(vertx, targets, settings.appSessions(), users);
  }

  private void banner() {
    out.println();
    out.println("Tidemark is running.");
    out.println("  status page:    " + statusUrl + "   (paste the token below into it)");
    out.println("  operator token: " + token);
    out.println("  CLI:            export TIDEMARK_URL=" + statusUrl.substring(0, statusUrl.length() - 1)
        + " TIDEMARK_TOKEN=" + token);
    out.println("                  ./tidemark plans; ./tidemark status ID; ./tidemark pause ID; ./tidemark resume ID");
    out.println("  Ctrl-C stops the daemon and the load and drops the demo databases.");
    out.println();
  }

  private Outcome follow(String id) throws IOException, InterruptedException {
    ProgressView view = new ProgressView(out, System.console() != null);
    long deadline = settings.maxDuration().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
    boolean toldAboutApproval = false;
    while (System.nanoTime() < deadline) {
      JsonObject plan = api.plan(id);
      view.show(plan, load);
      String state = plan.getString("state");
      switch (state) {
        case "completed" -> {
          return ended(Outcome.COMPLETED, "Plan " + id + " completed on every database.");
        }
        case "failed" -> {
          return ended(Outcome.FAILED, "Plan " + id + " failed: " + plan.getString("last-error")
              + "\n  (see the status page; `./tidemark retry " + id + "` after fixing the cause)");
        }
        case "cancelled", "rolled-back" -> {
          return ended(Outcome.ENDED, "Plan " + id + " ended: " + state + ".");
        }
        case "awaiting-approval" -> {
          if (settings.autoApprove()) {
            api.approve(id);
          } else if (!toldAboutApproval) {
            toldAboutApproval = true;
            view.release();
            out.println();
            out.println("Expand and migrate are done on every database. In real life you would now deploy the");
            out.println("application release that no longer reads users.is_active, then approve the contract");
            out.println("phase: press Approve on the status page, or run");
            out.println("  TIDEMARK_URL=" + statusUrl.substring(0, statusUrl.length() - 1) + " TIDEMARK_TOKEN=" + token
                + " ./tidemark approve " + id);
            out.println();
          }
        }
        default -> { }
      }
      Thread.sleep(POLL_MS);
    }
    return ended(Outcome.TIMED_OUT, "Gave up following plan " + id + " after " + settings.maxDuration().orElseThrow());
  }

  private Outcome ended(Outcome outcome, String message) {
    out.println();
    out.println(message);
    AppLoad l = load;
    if (l != null) {
      out.printf(Locale.ROOT, "The application ran %,d statements meanwhile: %d errors, slowest %.0f ms.%n",
          l.statements(), l.errors(), l.slowestMillis());
      if (l.errors() > 0) {
        out.println("  last error: " + l.lastError());
      }
    }
    return outcome;
  }

  private void stopLoad() {
    AppLoad l = load;
    if (l != null) {
      quietly("stop the application load", l.stop());
    }
  }

  /**
   * The server URL as a database entry, read by the daemon's own config loader (so it takes the same URL
   * forms, and a password in the URL is taken out of it). {@code PGPASSWORD} supplies a password the URL
   * does not carry.
   */
  private static DatabaseConfig serverDatabase(String url) {
    String hocon = "tidemark.databases.server { url = " + Json.encode(url) + ", password = ${?PGPASSWORD} }";
    Map<String, String> env = new HashMap<>();
    String pgPassword = System.getenv("PGPASSWORD");
    if (pgPassword != null) {
      env.put("PGPASSWORD", pgPassword);
    }
    return ConfigLoader.parse(hocon, env).database("server");
  }

  private TidemarkConfig config(DatabaseConfig server, int port) {
    List<Object> args = new ArrayList<>(List.of(port, TOKEN_VARIABLE));
    for (String name : NAMES) {
      args.add(Json.encode(url(server, databaseName(name))));
      args.add(PASSWORD_VARIABLE);
    }
    Map<String, String> env = new HashMap<>();
    env.put(TOKEN_VARIABLE, token);
    if (!server.password().isEmpty()) {
      env.put(PASSWORD_VARIABLE, server.password().reveal());
    }
    return ConfigLoader.parse(CONFIG.formatted(args.toArray()), env);
  }

  private static String url(DatabaseConfig server, String database) {
    String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
    String ssl = server.sslMode() == null || server.sslMode().isEmpty() ? "" : "?sslmode=" + server.sslMode();
    return "postgresql://" + URLEncoder.encode(server.user(), StandardCharsets.UTF_8) + "@" + host + ":"
        + server.port() + "/" + database + ssl;
  }

  /**
   * The wanted port when it is free, else (or for 0) a free one the OS hands out. The daemon binds it a
   * moment later; another process taking it in between makes the daemon fail to start, with a clear error.
   */
  private static int port(int wanted) throws IOException {
    if (wanted != 0) {
      try (ServerSocket probe = new ServerSocket(wanted, 1, InetAddress.getLoopbackAddress())) {
        return wanted;
      } catch (IOException inUse) {
        // taken: any free port will do
      }
    }
    try (ServerSocket any = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return any.getLocalPort();
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private void quietly(String what, Future<?> f) {
    try {
      await(f, STOP_TIMEOUT);
    } catch (RuntimeException e) {
      out.println("demo: could not " + what + ": " + e.getMessage());
    }
  }

  private static <T> T await(Future<T> f, Duration timeout) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }
}
