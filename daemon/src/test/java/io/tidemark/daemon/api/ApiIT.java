package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.OPERATOR;
import static io.tidemark.daemon.api.ApiFixture.SUBMITTER;
import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static io.tidemark.daemon.api.ApiFixture.plan;
import static io.tidemark.daemon.api.ApiFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.api.ApiFixture.Answer;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API over a real daemon and fresh databases: authorisation of every route, every kind of bad
 * input, and no token in any log line. Plans here are held by the operator throttle right after submission,
 * so they stay in flight while the routes are exercised.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiIT {
  private static final long MAX_BODY = 16 * 1024;
  private static final String JSON = "application/json";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Fleet fleet;
  private Daemon daemon;
  private int port;

  @BeforeAll
  void start() {
    logs.start();
    root().addAppender(logs);
    fleet = new Fleet("api", 300);
    daemon = fleet.start(ApiFixture.withTokens(fleet.config("api1"), ApiFixture.TOKENS, MAX_BODY));
    port = daemon.httpPort();
  }

  @AfterAll
  void stop() {
    root().detachAppender(logs);
    fleet.close();
  }

  @Test
  @Order(1)
  void everyRouteAnswers401WithoutToken403BelowItsRoleAndServesItsRole() {
    String id = "auth-plan";
    String text = plan(id, "status", "authdb", 1000);
    // submitter: POST /plans
    assertThat(send(port, "POST", "/plans", null, "application/hocon", text).status()).isEqualTo(401);
    assertThat(send(port, "POST", "/plans", "not-a-token", "application/hocon", text).status()).isEqualTo(401);
    assertThat(send(port, "POST", "/plans", VIEWER, "application/hocon", text).status()).isEqualTo(403);
    assertThat(send(port, "POST", "/plans", SUBMITTER, "application/hocon", text).status()).isEqualTo(201);
    // operator: hold it so it stays in flight
    authorised("PUT", "/plans/" + id + "/throttle", OPERATOR, "{\"operator-throttle\": true}", 200);

    for (String path : List.of("/plans", "/plans/" + id, "/plans/" + id + "/events", "/versions")) {
      authorised("GET", path, VIEWER, null, 200);
    }
    authorised("POST", "/plans/" + id + "/pause", OPERATOR, null, 200);
    authorised("POST", "/plans/" + id + "/resume", OPERATOR, null, 200);
    authorised("POST", "/plans/" + id + "/pause?database=authdb", OPERATOR, null, 200);
    authorised("POST", "/plans/" + id + "/resume?database=authdb", OPERATOR, null, 200);
    authorised("POST", "/plans/" + id + "/retry", OPERATOR, null, 409);
    authorised("POST", "/plans/" + id + "/approve", OPERATOR, null, 409);
    authorised("PUT", "/plans/" + id + "/throttle", OPERATOR, "{\"max-rows-per-second\": 500}", 200);
    authorised("POST", "/plans/" + id + "/rollback", OPERATOR, null, 200);
    authorised("POST", "/plans/" + id + "/cancel", OPERATOR, null, 200);

    // The status page's files hold no data (the page asks the user for a token), so they need none.
    for (String open : List.of("/metrics", "/health/live", "/health/ready", "/openapi.yaml", "/", "/status/app.js")) {
      assertThat(send(port, "GET", open, null, null, null).status()).as(open).isEqualTo(200);
    }
    List<List<Object>> actions = fleet.events(id).stream().filter(e -> List.of("pause", "resume", "rollback", "cancel",
        "throttle", "submit").contains(e.get(1))).toList();
    assertThat(actions).extracting(e -> e.get(4)).containsOnly("oncall", "ci");
  }

  /** {@code method path} is refused without a token (401) and with a viewer/submitter below its role (403). */
  private void authorised(String method, String path, String token, String body, int expected) {
    String type = body == null ? null : JSON;
    assertThat(send(port, method, path, null, type, body).status()).as("%s %s without token", method, path).isEqualTo(401);
    if (token.equals(OPERATOR)) {
      assertThat(send(port, method, path, SUBMITTER, type, body).status()).as("%s %s as submitter", method, path)
          .isEqualTo(403);
      assertThat(send(port, method, path, VIEWER, type, body).status()).as("%s %s as viewer", method, path)
          .isEqualTo(403);
    }
    Answer ok = send(port, method, path, token, type, body);
    assertThat(ok.status()).as("%s %s: %s", method, path, ok.body()).isEqualTo(expected);
    if (expected == 409) {
      assertThat(new JsonObject(ok.body()).getJsonArray("details").getJsonObject(0).getString("state")).isNotBlank();
    }
  }

  @Test
  @Order(2)
  void withoutConfiguredTokensOnlyMetricsAndHealthAnswer() {
    TidemarkMetrics metrics = new TidemarkMetrics();
    ApiServer open = Fleet.get(ApiServer.start(daemon.vertx(), ApiFixture.withTokens(daemon.config(), List.of(), MAX_BODY),
        daemon.operations(), daemon.statePool(), metrics, daemon::versions));
    try {
      for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
        assertThat(send(open.port(), "GET", path, null, null, null).status()).as(path).isEqualTo(200);
      }
      for (String path : List.of("/plans", "/versions")) {
        Answer a = send(open.port(), "GET", path, VIEWER, null, null);
        assertThat(a.status()).as(path).isEqualTo(401);
        assertThat(new JsonObject(a.body()).getString("error")).isEqualTo("unauthorized");
      }
      assertThat(send(open.port(), "POST", "/plans", OPERATOR, JSON, "{}").status()).isEqualTo(401);
    } finally {
      Fleet.get(open.close());
      metrics.close();
    }
  }

  @Test
  @Order(3)
  void malformedJsonIsRefusedWith400() {
    Answer plan = send(port, "POST", "/plans", SUBMITTER, JSON, "{\"id\": \"x\", ");
    assertThat(plan.status()).isEqualTo(400);
    assertThat(error(plan)).isEqualTo("malformed-json");
    Answer throttle = send(port, "PUT", "/plans/whatever/throttle", OPERATOR, JSON, "{max-rows-per-second: }");
    assertThat(throttle.status()).isEqualTo(400);
    assertThat(error(throttle)).isEqualTo("malformed-json");
    Answer badValue = send(port, "PUT", "/plans/whatever/throttle", OPERATOR, JSON, "{\"max-rows-per-second\": -5}");
    assertThat(badValue.status()).isEqualTo(400);
    assertThat(error(badValue)).isEqualTo("bad-throttle");
  }

  @Test
  @Order(4)
  void bodyOverTheLimitIsRefusedWith413() {
    String huge = plan("huge", "status", "authdb", 1000) + "# " + "x".repeat((int) MAX_BODY) + "\n";
    Answer a = send(port, "POST", "/plans", SUBMITTER, "application/hocon", huge);
    assertThat(a.status()).isEqualTo(413);
    assertThat(error(a)).isEqualTo("body-too-large");
    assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plans WHERE id = 'huge'")).isZero();
  }

  @Test
  @Order(5)
  void invalidPlanIsRefusedWithEveryProblemByPath() {
    String bad = "id = \"bad plan\"\ndatabases = [authdb, nosuchdb]\n"
        + "expand = [ { op = add_column, table = users } ]\n"
        + "migrate = [ { op = frobnicate } ]\n";
    Answer a = send(port, "POST", "/plans", SUBMITTER, "application/hocon", bad);
    assertThat(a.status()).isEqualTo(400);
    JsonObject body = new JsonObject(a.body());
    assertThat(body.getString("error")).isEqualTo("invalid-plan");
    JsonArray details = body.getJsonArray("details");
    List<String> paths = details.stream().map(d -> ((JsonObject) d).getString("path")).collect(Collectors.toList());
    assertThat(paths).contains("id", "expand[0].column", "migrate[0].op");
    assertThat(details).allMatch(d -> !((JsonObject) d).getString("code").isBlank());
    assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plans WHERE id LIKE 'bad%'")).isZero();
  }

  @Test
  @Order(6)
  void unknownPlanIs404() {
    assertThat(send(port, "GET", "/plans/no-such-plan", VIEWER, null, null).status()).isEqualTo(404);
    assertThat(send(port, "GET", "/plans/no-such-plan/events", VIEWER, null, null).status()).isEqualTo(404);
    Answer pause = send(port, "POST", "/plans/no-such-plan/pause", OPERATOR, null, null);
    assertThat(pause.status()).isEqualTo(404);
    assertThat(error(pause)).isEqualTo("not-found");
    Answer noRoute = send(port, "GET", "/no/such/route", VIEWER, null, null);
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(error(noRoute)).isEqualTo("not-found");
    Answer wrongMethod = send(port, "DELETE", "/plans", OPERATOR, null, null);
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(error(wrongMethod)).isEqualTo("method-not-allowed");
  }

  @Test
  @Order(7)
  void resubmissionIsANoOpWithSameContentAnd409WithOther() {
    String id = "resubmit";
    assertThat(send(port, "POST", "/plans", SUBMITTER, "application/hocon", plan(id, "status", "apidb", 1000)).status())
        .isEqualTo(201);
    send(port, "PUT", "/plans/" + id + "/throttle", OPERATOR, JSON, "{\"operator-throttle\": true}");
    Answer same = send(port, "POST", "/plans", SUBMITTER, "application/hocon", plan(id, "status", "apidb", 1000));
    assertThat(same.status()).isEqualTo(200);
    assertThat(new JsonObject(same.body()).getBoolean("created")).isFalse();
    Answer other = send(port, "POST", "/plans", SUBMITTER, "application/hocon", plan(id, "status", "apidb", 2000));
    assertThat(other.status()).isEqualTo(409);
    assertThat(error(other)).isEqualTo("conflict");
    assertThat(new JsonObject(other.body()).getJsonArray("details").getJsonObject(0).getString("state")).isNotBlank();
  }

  @Test
  @Order(8)
  void actionTheStateDoesNotAllowIs409NamingTheState() {
    String id = "resubmit";
    Fleet.await("plan in flight", Duration.ofSeconds(30),
        () -> List.of("expanding", "migrating").contains(fleet.planState(id))); // held: cannot leave migrate
    Answer resume = send(port, "POST", "/plans/" + id + "/resume", OPERATOR, null, null);
    assertThat(resume.status()).isEqualTo(409);
    JsonObject body = new JsonObject(resume.body());
    String state = body.getJsonArray("details").getJsonObject(0).getString("state");
    assertThat(state).isIn("expanding", "migrating");
    assertThat(body.getString("message")).contains(state);

    assertThat(send(port, "POST", "/plans/" + id + "/cancel", OPERATOR, null, null).status()).isEqualTo(200);
    Answer again = send(port, "POST", "/plans/" + id + "/cancel", OPERATOR, null, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(new JsonObject(again.body()).getJsonArray("details").getJsonObject(0).getString("state"))
        .isEqualTo("cancelled");
    assertThat(send(port, "POST", "/plans/" + id + "/cancel?database=apidb", OPERATOR, null, null).status())
        .isEqualTo(400);
  }

  @Test
  @Order(9)
  void readinessNeedsTheCurrentControlSchema() {
    Answer ready = send(port, "GET", "/health/ready", null, null, null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getInteger("schema-version"))
        .isEqualTo(io.tidemark.daemon.store.ControlStore.SCHEMA_VERSION);
    fleet.state.execute("INSERT INTO tidemark.schema_version (version) VALUES (999)");
    try {
      Answer ahead = send(port, "GET", "/health/ready", null, null, null);
      assertThat(ahead.status()).isEqualTo(503);
      assertThat(error(ahead)).isEqualTo("not-ready");
    } finally {
      fleet.state.execute("DELETE FROM tidemark.schema_version WHERE version = 999");
    }
    assertThat(send(port, "GET", "/health/live", null, null, null).status()).isEqualTo(200);
  }

  @Test
  @Order(10)
  void noTokenAppearsInAnyLogLineAndActionsNameTheirActor() {
    List<ILoggingEvent> events = List.copyOf(logs.list);
    assertThat(events).isNotEmpty();
    for (ILoggingEvent e : events) {
      String line = e.getFormattedMessage() + " " + e.getMDCPropertyMap()
          + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage());
      for (String token : List.of(VIEWER, SUBMITTER, OPERATOR)) {
        assertThat(line).as("log line").doesNotContain(token);
      }
    }
    assertThat(events).anySatisfy(e -> {
      assertThat(e.getMDCPropertyMap()).containsEntry("actor", "oncall");
      assertThat(e.getFormattedMessage()).contains("pause");
    });
    assertThat(events).anySatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("actor", "ci"));
  }

  private static String error(Answer a) {
    return new JsonObject(a.body()).getString("error");
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
