package io.tidemark.backfill;

import io.tidemark.backfill.throttle.ThrottleControls;
import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.Secret;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.planner.BackfillSpec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs one backfill from the command line, outside the daemon: for the benchmark ({@code bench/}) and the
 * crash tests, which kill this process and start it again. Prints one JSON line on stdout when the run ends
 * and exits 0 (done or stopped), 1 (failed) or 2 (bad arguments). SIGTERM stops at the next batch boundary.
 *
 * <pre>
 * java -cp ... io.tidemark.backfill.BackfillMain --url postgresql://postgres@127.0.0.1:5432/db \
 *     --table public.users --set "n = n + 1" [--where "..."] [--plan-id P] [--step-id S] \
 *     [--target-batch-duration-ms 250] [--min-batch-rows 100] [--max-batch-rows 50000] \
 *     [--max-rows-per-second 0] [--synchronous-commit on|off] [--flag-file F] [--http-check URL] \
 *     [--max-replication-lag-ms 10000] [--max-lock-waiters 0] [--max-active-sessions 0] [--check-interval-ms 1000] \
 *     [--progress-ms 1000]   (a progress JSON line on stderr every N ms)
 * {"state":"done","rows":5000000,"rowsUpdated":5000000,"batches":212,"durationMs":41234,"batchingMs":40512,"rowsPerSecond":123420.2}
 * </pre>
 *
 * The password, if any, comes from {@code PGPASSWORD}, never from the command line.
 *
 * <p>Logs INFO to stderr ({@value #LOGGING} on the class path), so stdout carries only the result line;
 * {@code -Dlogback.configurationFile=...} replaces it. Not named {@code logback.xml}: this module is shaded
 * into the daemon's jar, whose own {@code logback.xml} must stay the one Logback finds by default.
 */
public final class BackfillMain {
  private static final Set<String> OPTIONS = Set.of("url", "table", "set", "where", "plan-id", "step-id",
      "target-batch-duration-ms", "min-batch-rows", "max-batch-rows", "max-rows-per-second", "synchronous-commit",
      "flag-file", "http-check", "max-replication-lag-ms", "max-lock-waiters", "max-active-sessions",
      "check-interval-ms", "progress-ms");

  private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";
  /** reference.conf's {@code database-defaults.idle-in-transaction-timeout}: this tool reads no config file. */
  private static final Duration IDLE_IN_TRANSACTION = Duration.ofMinutes(1);
  static final String LOGGING = "io/tidemark/backfill/backfill-main-logback.xml";

  private BackfillMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
      System.setProperty(LOGBACK_CONFIGURATION, LOGGING);
    }
    Map<String, String> options;
    BackfillJob job;
    try {
      options = parse(args);
      job = job(options);
    } catch (IllegalArgumentException e) {
      System.err.println("bad arguments: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    BackfillEngine engine = new BackfillEngine(vertx, ServerBudget.unlimited());
    BackfillRun run = engine.start(job);
    Thread hook = new Thread(() -> awaitQuietly(run.stop()), "backfill-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long progressMs = number(options, "progress-ms", 0);
    if (progressMs > 0) {
      startProgressPrinter(run, progressMs);
    }
    JsonObject out;
    int exit;
    try {
      BackfillResult result = run.completion().toCompletionStage().toCompletableFuture().get();
      out = success(result);
      exit = 0;
    } catch (ExecutionException e) {
      out = failure(e.getCause());
      exit = 1;
    }
    System.out.println(out.encode());
    System.out.flush();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is what stopped the run
    }
    engine.close().compose(v -> vertx.close()).toCompletionStage().toCompletableFuture().join();
    System.exit(exit);
  }

  /** A plain daemon thread, so printing never runs on (or blocks) an event loop. */
  private static void startProgressPrinter(BackfillRun run, long everyMs) {
    Thread printer = new Thread(() -> {
      while (!run.completion().isComplete()) {
        System.err.println(progressJson(run.progress()).encode());
        try {
          Thread.sleep(everyMs);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "backfill-progress");
    printer.setDaemon(true);
    printer.start();
  }

  private static JsonObject progressJson(BackfillProgress p) {
    return new JsonObject()
        .put("state", p.state().name().toLowerCase(Locale.ROOT))
        .put("rows", p.rowsDone())
        .put("estimated", p.rowsEstimated())
        .put("ratio", Math.round(p.ratio() * 1000) / 1000.0)
        .put("rowsPerSecond", Math.round(p.rowsPerSecond()))
        .put("etaSeconds", p.eta().map(Duration::toSeconds).orElse(null))
        .put("batchRows", p.batchRows())
        .put("lastBatchMs", p.lastBatchDuration().toMillis())
        .put("throttle", p.throttle().map(Object::toString).orElse(null));
  }

  private static void awaitQuietly(io.vertx.core.Future<Void> stopped) {
    try {
      stopped.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  /** {@code rowsPerSecond} is over {@code batchingMs}: from the first batch to the end, startup excluded. */
  private static JsonObject success(BackfillResult r) {
    double seconds = Math.max(1e-9, r.batching().toNanos() / 1e9);
    return new JsonObject()
        .put("state", r.state().name().toLowerCase(Locale.ROOT))
        .put("rows", r.rowsDone())
        .put("rowsUpdated", r.rowsUpdated())
        .put("batches", r.batches())
        .put("durationMs", r.elapsed().toMillis())
        .put("batchingMs", r.batching().toMillis())
        .put("rowsPerSecond", Math.round(r.rowsDone() / seconds * 10) / 10.0);
  }

  private static JsonObject failure(Throwable e) {
    JsonObject out = new JsonObject().put("state", "failed").put("message", String.valueOf(e.getMessage()));
    if (e instanceof BackfillException b) {
      b.sqlState().ifPresent(s -> out.put("sqlState", s));
      b.range().ifPresent(r -> out.put("after", r.after().map(JsonArray::new).orElse(null))
          .put("upTo", new JsonArray(r.upTo())));
    }
    return out;
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (name == null || !OPTIONS.contains(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
      }
      options.put(name, args[++i]);
    }
    for (String required : List.of("url", "table", "set")) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    return options;
  }

  static BackfillJob job(Map<String, String> o) {
    DatabaseConfig db = database(o.get("url"));
    String table = o.get("table");
    int dot = table.indexOf('.');
    BackfillSpec spec = new BackfillSpec(dot < 0 ? "public" : table.substring(0, dot),
        dot < 0 ? table : table.substring(dot + 1), o.get("set"), Optional.ofNullable(o.get("where")),
        OptionalLong.empty(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    BackfillSettings backfill = new BackfillSettings(
        Duration.ofMillis(number(o, "target-batch-duration-ms", 250)),
        (int) number(o, "min-batch-rows", 100),
        (int) number(o, "max-batch-rows", 50_000),
        number(o, "max-rows-per-second", 0),
        !"off".equals(o.getOrDefault("synchronous-commit", "on")));
    ThrottleSettings throttle = new ThrottleSettings(
        Duration.ofMillis(number(o, "max-replication-lag-ms", 0)),
        (int) number(o, "max-lock-waiters", 0),
        (int) number(o, "max-active-sessions", 0),
        o.getOrDefault("http-check", ""),
        o.getOrDefault("flag-file", ""),
        Duration.ofMillis(number(o, "check-interval-ms", 1000)));
    return new BackfillJob(o.getOrDefault("plan-id", "cli"), o.getOrDefault("step-id", "migrate[0]/backfill"),
        db, spec, new ThrottleControls(backfill, throttle));
  }

  /** {@code postgresql://user@host:port/db?sslmode=...}; the password from {@code PGPASSWORD}. */
  static DatabaseConfig database(String url) {
    URI uri = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
    if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath() == null
        || uri.getPath().length() < 2) {
      throw new IllegalArgumentException("--url must look like postgresql://user@host:5432/database: " + url);
    }
    String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().replaceFirst(":.*$", "");
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    String sslMode = Optional.ofNullable(uri.getQuery()).filter(q -> q.startsWith("sslmode="))
        .map(q -> q.substring("sslmode=".length())).orElse("prefer");
    return new DatabaseConfig(uri.getPath().substring(1), url, uri.getHost(), port, uri.getPath().substring(1),
        user, Secret.of(System.getenv("PGPASSWORD")), uri.getHost() + ":" + port, 2, sslMode, IDLE_IN_TRANSACTION);
  }

  private static long number(Map<String, String> o, String name, long fallback) {
    String v = o.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got " + v);
    }
  }
}
