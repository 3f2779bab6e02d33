package io.tidemark.daemon.hooks;

import static io.tidemark.daemon.Fleet.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.HookConfig;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FreshDatabaseExtension.class)
class HooksIT {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    get(vertx.close());
  }

  @Test
  void webhookGetsTheEventAsJsonAndOnlyTheEventsItSubscribedTo(TestDatabase db) {
    ControlStore state = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(state.migrate());
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    HttpServer server = get(vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          received.add(b.toJsonObject());
          req.response().setStatusCode(204).end();
        }))
        .listen(0, "127.0.0.1"));
    Hooks hooks = new Hooks(vertx, state, "d1", List.of(new HookConfig("chat", List.of("awaiting-approval"),
        Optional.empty(), Optional.of("http://127.0.0.1:" + server.actualPort() + "/hook"), Duration.ofSeconds(5))));

    get(hooks.fire("completed", "p1", null, "contract"));
    get(hooks.fire("awaiting-approval", "p1", null, "migrate"));

    assertThat(received).containsExactly(new JsonObject().put("event", "awaiting-approval").put("plan", "p1")
        .put("database", null).put("phase", "migrate"));
    assertThat(db.queryLong("SELECT count(*) FROM tidemark.events WHERE kind = 'hook-failed'")).isZero();
  }

  @Test
  void aHookThatHangsIsKilledAtItsTimeoutAndOnlyLogged(TestDatabase db) {
    ControlStore state = new ControlStore(Fixtures.pool(vertx, "state", db));
    get(state.migrate());
    Hooks hooks = new Hooks(vertx, state, "d1", List.of(
        new HookConfig("slow", List.of("failed"), Optional.of(List.of("sleep", "30")), Optional.empty(),
            Duration.ofMillis(300)),
        new HookConfig("refused", List.of("failed"), Optional.empty(), Optional.of("http://127.0.0.1:1/nothing"),
            Duration.ofSeconds(2))));

    long start = System.nanoTime();
    get(hooks.fire("failed", "p2", "apidb", "migrate"));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(db.queryRows("SELECT plan_id, database, actor FROM tidemark.events WHERE kind = 'hook-failed'"))
        .containsExactly(List.of("p2", "apidb", "d1"), List.of("p2", "apidb", "d1"));
  }
}
