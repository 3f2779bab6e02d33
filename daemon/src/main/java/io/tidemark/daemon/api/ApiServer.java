package io.tidemark.daemon.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.Role;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.DatabaseVersions;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP interface (docs/operator-guide.md): the plan API behind bearer tokens, {@code /whoami}, {@code /metrics},
 * {@code /health/live}, {@code /health/ready}, {@code /openapi.yaml} and the status page. Every answer is JSON
 * except metrics, the OpenAPI document and the page; every 4xx and 5xx is {@link ApiError}-shaped, including
 * 400 for a malformed URI or request line, 404 for unknown paths, 405 (with {@code Allow}), 408, 413, 414,
 * 421 and 431. Every GET route answers HEAD too.
 *
 * <p>Hostile clients (docs/security.md): {@link ConnectionGuard} limits connections and cuts off requests that
 * do not arrive in time, {@link RequestGate} refuses malformed URIs and unknown hosts before routing and keeps
 * request bodies paused, and each route authenticates before its body handler reads a body. All handlers run
 * on the server's event loop and only compose futures; plans are parsed on {@link PlanIntake}'s workers.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<String> ACTIONS = List.of("pause", "resume", "cancel", "approve", "rollback", "retry");

  private final HttpServer server;
  private final ConnectionGuard guard;
  private final PlanIntake intake;

  private ApiServer(HttpServer server, ConnectionGuard guard, PlanIntake intake) {
    this.server = server;
    this.guard = guard;
    this.intake = intake;
  }

  /** Listens on {@code config.http()} (port 0 picks a free port, see {@link #port()}). */
  public static Future<ApiServer> start(Vertx vertx, TidemarkConfig config, PlanOperations ops, Pool state,
      TidemarkMetrics metrics, Supplier<Future<List<DatabaseVersions>>> versions) {
    HttpSettings http = config.http();
    ConnectionGuard guard = new ConnectionGuard(vertx, http);
    PlanIntake intake = new PlanIntake(vertx, config);
    Router router = router(vertx, config, ops, state, metrics, versions, intake, guard);
    // HTTP/1.1 only: no h2c upgrade, so each connection carries one request at a time and closing it after
    // a refused body (ConnectionGuard) ends that request alone.
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) http.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    return vertx.createHttpServer(options)
        .connectionHandler(guard::connected)
        .requestHandler(new RequestGate(router, guard, http.allowedHosts()))
        .invalidRequestHandler(ApiServer::invalid)
        .listen(http.port(), http.host())
        .onSuccess(s -> LOG.info("API listening on {}:{}", http.host(), s.actualPort()))
        .onFailure(e -> guard.close())
        .onFailure(e -> intake.close())
        .map(s -> new ApiServer(s, guard, intake));
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    guard.close();
    return server.close().eventually(intake::close);
  }

  /** The routes, for tests of the routing table (no connection guard: nothing is served). */
  static Router router(Vertx vertx, TidemarkConfig config, PlanOperations ops, Pool state, TidemarkMetrics metrics,
      Supplier<Future<List<DatabaseVersions>>> versionsSource) {
    return router(vertx, config, ops, state, metrics, versionsSource, null, null);
  }

  private static Router router(Vertx vertx, TidemarkConfig config, PlanOperations ops, Pool state,
      TidemarkMetrics metrics, Supplier<Future<List<DatabaseVersions>>> versionsSource, PlanIntake intake,
      ConnectionGuard guard) {
    Auth auth = new Auth(config.tokens());
    PlanRoutes plans = new PlanRoutes(ops, metrics, intake);
    Versions versions = new Versions(versionsSource);
    StatusAssets page = new StatusAssets();
    Buffer openapi = resource("openapi.yaml");
    // A body is read only after the route's auth handler accepted the token (RequestGate paused it). The
    // lambda hides the BodyHandler's type from vert.x-web, which would otherwise insist on running it first.
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes());
    Handler<RoutingContext> body = bodies::handle;
    Routes routes = new Routes(Router.router(vertx));
    routes.router.route().handler(ctx -> answerHooks(ctx, guard));

    Route metricsRoute = routes.get("/metrics");
    if (config.http().metricsRequireToken()) {
      metricsRoute.handler(auth.require(Role.VIEWER));
    }
    metricsRoute.handler(ctx -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(metrics.scrape()));
    routes.get("/health/live").handler(ctx -> PlanRoutes.json(ctx, 200, new JsonObject().put("status", "up")));
    routes.get("/health/ready").handler(ctx -> ready(ctx, state));
    routes.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openapi));

    // The status page (daemon/src/main/resources/status/) holds no data: it reads the API with the token the
    // user types into it, so its files need none.
    routes.get("/").handler(page::page);
    routes.get("/status/:file").handler(page::file);
    routes.get("/whoami").handler(auth.require(Role.VIEWER)).handler(Auth::whoami);
    routes.post("/plans").handler(auth.require(Role.SUBMITTER)).handler(body).handler(plans::submit);
    routes.get("/plans").handler(auth.require(Role.VIEWER)).handler(plans::list);
    routes.get("/plans/:id").handler(auth.require(Role.VIEWER)).handler(plans::get);
    routes.get("/plans/:id/events").handler(auth.require(Role.VIEWER)).handler(plans::events);
    for (String action : ACTIONS) {
      routes.post("/plans/:id/" + action).handler(auth.require(Role.OPERATOR)).handler(ctx -> plans.action(ctx, action));
    }
    routes.put("/plans/:id/throttle").handler(auth.require(Role.OPERATOR)).handler(body).handler(plans::throttle);
    routes.get("/versions").handler(auth.require(Role.VIEWER))
        .handler(ctx -> versions.read().onSuccess(v -> PlanRoutes.json(ctx, 200, v))
            .onFailure(e -> PlanRoutes.failed(ctx, e)));

    Router router = routes.router;
    router.route().failureHandler(ApiServer::failure);
    router.errorHandler(404, ctx -> ApiError.notFound("no route " + ctx.request().method() + " "
        + ctx.request().path()).send(ctx));
    router.errorHandler(405, ctx -> {
      ctx.response().putHeader("Allow", routes.allowed(ctx.normalizedPath()));
      new ApiError(405, "method-not-allowed", ctx.request().method() + " is not allowed on " + ctx.request().path(),
          List.of()).send(ctx);
    });
    return router;
  }

  /**
   * The first handler of every request: the shared headers go on whatever answer it gets, and once the
   * answer is sent the connection guard either starts the next request's deadline or, when a body was
   * announced and never read, closes the connection (and says so in the answer).
   */
  private static void answerHooks(RoutingContext ctx, ConnectionGuard guard) {
    HttpServerRequest request = ctx.request();
    ctx.addHeadersEndHandler(v -> {
      ResponseHeaders.apply(ctx.response());
      if (ConnectionGuard.announcesBody(request) && !request.isEnded()) {
        ctx.response().putHeader("Connection", "close");
      }
    });
    if (guard != null) {
      ctx.addEndHandler(ar -> guard.answered(request));
    }
    ctx.next();
  }

  /** Requests Netty could not decode: a request line or headers too long, or no HTTP at all. */
  private static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiError error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiError(414, "uri-too-long", "the request line is too long", List.of());
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiError(431, "headers-too-large", "the request headers are too large", List.of());
    } else {
      error = ApiError.badRequest("malformed-request", "the request could not be read as HTTP");
    }
    LOG.info("refused an undecodable HTTP request with {}: {}", error.status(), String.valueOf(cause));
    error.sendAndClose(request.response(), () -> request.connection().close());
  }

  /** Ready when the state database answers and its control schema is at the version this build needs. */
  private static void ready(RoutingContext ctx, Pool state) {
    new ControlStore(state).schemaVersion().onComplete(ar -> {
      if (ar.failed()) {
        new ApiError(503, "not-ready", "state database unreachable", List.of()).send(ctx);
      } else if (ar.result() != ControlStore.SCHEMA_VERSION) {
        new ApiError(503, "not-ready", "control schema at version " + ar.result() + ", this build needs "
            + ControlStore.SCHEMA_VERSION, List.of()).send(ctx);
      } else {
        PlanRoutes.json(ctx, 200, new JsonObject().put("status", "ready").put("schema-version", ar.result()));
      }
    });
  }

  /** Failures vert.x-web raises itself: 413 from the body limit, 400 from a bad request line, 500 for bugs. */
  private static void failure(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 413) {
      new ApiError(413, "body-too-large", "the request body is larger than tidemark.http.max-body-size",
          List.of()).send(ctx);
    } else if (status >= 500) {
      ErrorAnswers.internal(ctx, ctx.failure() != null ? ctx.failure() : new IllegalStateException("status " + status));
    } else {
      new ApiError(status, "bad-request", "the request could not be read", List.of()).send(ctx);
    }
  }

  private static Buffer resource(String name) {
    try (InputStream in = ApiServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Registers routes and remembers which methods each path takes, for the {@code Allow} header of a 405
   * (vert.x-web knows a path matched with another method, but not which methods it would have taken).
   * Every GET route takes HEAD too (Vert.x sends no body for HEAD).
   */
  private static final class Routes {
    private final Router router;
    private final Map<String, Set<HttpMethod>> methods = new LinkedHashMap<>();

    Routes(Router router) {
      this.router = router;
    }

    Route get(String path) {
      return add(path, HttpMethod.GET, HttpMethod.HEAD);
    }

    Route post(String path) {
      return add(path, HttpMethod.POST);
    }

    Route put(String path) {
      return add(path, HttpMethod.PUT);
    }

    private Route add(String path, HttpMethod... taken) {
      Route route = router.route(path);
      for (HttpMethod m : taken) {
        route.method(m);
        methods.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(m);
      }
      return route;
    }

    /** E.g. {@code GET, HEAD} for {@code /plans/x/events}. */
    String allowed(String path) {
      List<String> allowed = new ArrayList<>();
      methods.forEach((p, ms) -> {
        if (pattern(p).matcher(path).matches()) {
          ms.forEach(m -> allowed.add(m.name()));
        }
      });
      return allowed.stream().distinct().collect(Collectors.joining(", "));
    }

    /** {@code /plans/:id/pause} as a pattern matching {@code /plans/<one segment>/pause}. */
    private static Pattern pattern(String path) {
      return Pattern.compile(Arrays.stream(path.split("/", -1))
          .map(segment -> segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment))
          .collect(Collectors.joining("/")));
    }
  }
}
