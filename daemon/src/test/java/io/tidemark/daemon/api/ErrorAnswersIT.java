package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static io.tidemark.daemon.api.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.config.BackfillSettings;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.DdlSettings;
import io.tidemark.config.Defaults;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.Secret;
import io.tidemark.config.ThrottleSettings;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.api.ApiFixture.Answer;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.DatabaseVersions;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.pg.PgConnections;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the API answers when a route fails: 503 only for an unreachable state database, 400 for a value the
 * caller sent that the state database cannot store, and 500 with an error id for a bug — the id also in the
 * one ERROR line that carries the stack trace. Real HTTP over the real router; the state database is real
 * (or really unreachable: a closed port); the bug is injected into the /versions route's source.
 */
class ErrorAnswersIT {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Vertx vertx;
  private TidemarkMetrics metrics;
  private HttpServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    metrics = new TidemarkMetrics();
    logs.start();
    apiLogger().addAppender(logs);
  }

  @AfterEach
  void stop() {
    apiLogger().detachAppender(logs);
    if (server != null) {
      await(server.close());
    }
    metrics.close();
    await(vertx.close());
  }

  private static Logger apiLogger() {
    return (Logger) LoggerFactory.getLogger("io.tidemark.daemon.api");
  }

  @Test
  void aBugInARouteAnswers500WithAnErrorIdThatTheLogCarriesOnce() {
    int port = serve(null, null, () -> Future.failedFuture(new NullPointerException("injected bug")));

    Answer answer = send(port, "GET", "/versions", VIEWER, null, null);

    assertThat(answer.status()).isEqualTo(500);
    JsonObject body = new JsonObject(answer.body());
    assertThat(body.getString("error")).isEqualTo("internal");
    String id = body.getJsonArray("details").getJsonObject(0).getString("error-id");
    assertThat(id).isNotBlank();
    assertThat(body.getString("message")).contains(id).doesNotContain("injected bug");
    assertLoggedOnceWithStackTrace(id, "injected bug");
  }

  @Test
  void aBugThrownInsideAHandlerAnswers500WithAnErrorIdToo() {
    int port = serve(null, null, () -> {
      throw new IllegalStateException("thrown bug");
    });

    Answer answer = send(port, "GET", "/versions", VIEWER, null, null);

    assertThat(answer.status()).isEqualTo(500);
    String id = new JsonObject(answer.body()).getJsonArray("details").getJsonObject(0).getString("error-id");
    assertThat(id).isNotBlank();
    assertLoggedOnceWithStackTrace(id, "thrown bug");
  }

  @Test
  void anUnreachableStateDatabaseAnswers503AndIsNotLoggedAsABug() throws IOException {
    Pool unreachable = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgConnections.options(closedPortDatabase(), "tidemark/it")).using(vertx).build();
    int port = serve(new PlanOperations(new ControlStore(unreachable), id -> { }), unreachable, () -> Future.succeededFuture(List.of()));

    Answer answer = send(port, "GET", "/plans", VIEWER, null, null);

    assertThat(answer.status()).isEqualTo(503);
    assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("unavailable");
    assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.ERROR);
    assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("unreachable"));
  }

  @Test
  void aNulByteTheStateDatabaseCannotStoreIsTheCallersMistake() {
    try (TestDatabase db = TestDatabase.create("erroranswersit")) {
      Pool state = Fixtures.pool(vertx, "state", db);
      await(new ControlStore(state).migrate());
      int port = serve(new PlanOperations(new ControlStore(state), id -> { }), state, () -> Future.succeededFuture(List.of()));

      Answer answer = send(port, "GET", "/plans/x%00y", VIEWER, null, null);

      assertThat(answer.status()).isEqualTo(400);
      assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.ERROR);
      await(state.close());
    }
  }

  private void assertLoggedOnceWithStackTrace(String id, String cause) {
    List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getFormattedMessage()).contains(id);
    assertThat(errors.get(0).getThrowableProxy()).isNotNull();
    assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo(cause);
  }

  private int serve(PlanOperations ops, Pool state, Supplier<Future<List<DatabaseVersions>>> versions) {
    TidemarkConfig config = new TidemarkConfig("state", new HttpSettings("127.0.0.1", 0, 16 * 1024),
        ApiFixture.TOKENS, Map.of(), Map.of(), Map.of(), new Defaults(
            new DdlSettings(Duration.ofMillis(500), Duration.ZERO, 30, Duration.ofMillis(50), Duration.ofSeconds(1)),
            new BackfillSettings(Duration.ofMillis(100), 10, 1000, 0, true),
            new ThrottleSettings(Duration.ZERO, 0, 0, "", "", Duration.ofMillis(200))),
        Fixtures.daemon("errors"), List.of(), List.of());
    server = await(vertx.createHttpServer()
        .requestHandler(ApiServer.router(vertx, config, ops, state, metrics, versions)).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  /** A database entry on a port nothing listens on: every connect is refused. */
  private static DatabaseConfig closedPortDatabase() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return new DatabaseConfig("state", "postgresql://tidemark@127.0.0.1:" + port + "/state", "127.0.0.1", port,
        "state", "tidemark", Secret.empty(), "closed", 1, "disable", Duration.ofMinutes(1));
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
