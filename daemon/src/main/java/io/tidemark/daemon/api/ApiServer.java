package io.tidemark.daemon.api;

import io.tidemark.config.Role;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon.DatabaseVersions;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP interface (SPEC §9): the plan API behind bearer tokens, {@code /metrics},
 * {@code /health/live}, {@code /health/ready}, {@code /openapi.yaml} and the status page. Every answer is JSON
 * except metrics, the OpenAPI document and the page; every error is {@link ApiError}-shaped, including 404 for
 * unknown paths, 405 and 413 for a body over {@code http.max-body-bytes}. All handlers run on the server's
 * event loop and only compose futures.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<String> ACTIONS = List.of("pause", "resume", "cancel", "approve", "rollback", "retry");

  private final HttpServer server;

  private ApiServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on {@code config.http()} (port 0 picks a free port, see {@link #port()}). */
  public static Future<ApiServer> start(Vertx vertx, TidemarkConfig config, PlanOperations ops, Pool state,
      TidemarkMetrics metrics, Supplier<Future<List<DatabaseVersions>>> versions) {
    Router router = router(vertx, config, ops, state, metrics, versions);
    return vertx.createHttpServer().requestHandler(router).listen(config.http().port(), config.http().host())
        .onSuccess(s -> LOG.info("API listening on {}:{}", config.http().host(), s.actualPort()))
        .map(ApiServer::new);
  }

  public int port() {
    return server.actualPort();
  }

  public Future<Void> close() {
    return server.close();
  }

  static Router router(Vertx vertx, TidemarkConfig config, PlanOperations ops, Pool state, TidemarkMetrics metrics,
      Supplier<Future<List<DatabaseVersions>>> versionsSource) {
    Auth auth = new Auth(config.tokens());
    PlanRoutes plans = new PlanRoutes(config, ops, metrics);
    Versions versions = new Versions(versionsSource);
    Buffer openapi = resource("openapi.yaml");
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));

    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(metrics.scrape()));
    router.get("/health/live").handler(ctx -> PlanRoutes.json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(ctx -> ready(ctx, state));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openapi));

    // The status page (daemon/src/main/resources/status/) holds no data: it reads the API with the token the
    // user types into it, so its files need none.
    router.get("/").handler(ctx -> ctx.reroute("/status/index.html"));
    router.route("/status/*").handler(StaticHandler.create("status"));
    router.post("/plans").handler(auth.require(Role.SUBMITTER)).handler(plans::submit);
    router.get("/plans").handler(auth.require(Role.VIEWER)).handler(plans::list);
    router.get("/plans/:id").handler(auth.require(Role.VIEWER)).handler(plans::get);
    router.get("/plans/:id/events").handler(auth.require(Role.VIEWER)).handler(plans::events);
    for (String action : ACTIONS) {
      router.post("/plans/:id/" + action).handler(auth.require(Role.OPERATOR)).handler(ctx -> plans.action(ctx, action));
    }
    router.put("/plans/:id/throttle").handler(auth.require(Role.OPERATOR)).handler(plans::throttle);
    router.get("/versions").handler(auth.require(Role.VIEWER))
        .handler(ctx -> versions.read().onSuccess(body -> PlanRoutes.json(ctx, 200, body))
            .onFailure(e -> PlanRoutes.failed(ctx, e)));

    router.route().failureHandler(ApiServer::failure);
    router.errorHandler(404, ctx -> ApiError.notFound("no route " + ctx.request().method() + " "
        + ctx.request().path()).send(ctx));
    router.errorHandler(405, ctx -> new ApiError(405, "method-not-allowed", ctx.request().method()
        + " is not allowed on " + ctx.request().path(), List.of()).send(ctx));
    return router;
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
      new ApiError(413, "body-too-large", "the request body is larger than tidemark.http.max-body-bytes",
          List.of()).send(ctx);
    } else if (status >= 500) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      new ApiError(500, "internal", "internal error (logged)", List.of()).send(ctx);
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
}
