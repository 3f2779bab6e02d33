package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.OPERATOR;
import static io.tidemark.daemon.api.ApiFixture.SUBMITTER;
import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tidemark.config.HttpSettings;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.api.RawHttp.Answer;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * Hostile clients on real sockets against the real API server over a real state database, while a daemon
 * runs on the same databases. The API under attack runs on a Vert.x whose blocked-thread checker fires at
 * 100 ms of event-loop work (checked every 20 ms): the last test asserts it never caught Tidemark's work.
 * Timeouts are short (2 s) so the test stays quick; the behaviour is the same with the defaults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientIT {
  private static final long MAX_BODY = 1024 * 1024;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
  /** Longer than the read timeout, as by default: the read deadline, not idleness, cuts the slow ones off. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
  private static final long SLACK_MS = 1500;
  private static final String PROBE_PLAN = "tidemark-status-page-role-probe";

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Queue<String> blocked = new ConcurrentLinkedQueue<>();
  private final Queue<Long> blockedMs = new ConcurrentLinkedQueue<>();
  /**
   * Until when a stop-the-world pause of the test's own {@code System.gc()} may still be taken for a blocked
   * event loop (the checker sees a task that took long, not why).
   */
  private volatile long gcQuietUntil;
  private Fleet fleet;
  private Daemon daemon;
  private Vertx strict;
  private Pool pool;
  private TidemarkMetrics metrics;
  private final List<ApiServer> servers = new ArrayList<>();
  private TidemarkConfig config;
  private int port;

  @BeforeAll
  void start() {
    fleet = new Fleet("hostile", 20);
    config = ApiFixture.withTokens(fleet.config("hostile"), ApiFixture.TOKENS, MAX_BODY);
    config = ApiFixture.withHttp(config, config.http().withLimits(IDLE_TIMEOUT, READ_TIMEOUT, 400, Duration.ofSeconds(5)));
    daemon = fleet.start(config);
    strict = Vertx.vertx(new VertxOptions()
        .setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(100).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    pool = Fixtures.pool(strict, "state", fleet.state);
    metrics = new TidemarkMetrics();
    port = serve(config);
    warmUp();
    ((VertxInternal) strict).blockedThreadChecker().setThreadBlockedHandler(e -> {
      if (e.thread().getName().contains("eventloop") && System.nanoTime() > gcQuietUntil) {
        blocked.add(e + " at " + Arrays.toString(e.thread().getStackTrace()));
        blockedMs.add(e.duration() / 1_000_000);
      }
    });
    logs.start();
    root().addAppender(logs);
  }

  @AfterAll
  void stop() {
    root().detachAppender(logs);
    servers.forEach(s -> Fleet.get(s.close()));
    Fleet.get(pool.close());
    metrics.close();
    Fleet.get(strict.close());
    fleet.close();
  }

  @Test
  @Order(1)
  void twoHundredUnauthenticatedSlowConnectionsAreClosedInTimeAndPinNoHeap() throws Exception {
    long before = usedHeapAfterGc();
    ExecutorService clients = Executors.newFixedThreadPool(200);
    try {
      List<Future<Long>> closedAfterMs = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int kind = i % 4;
        closedAfterMs.add(clients.submit(() -> hostile(kind)));
        Thread.sleep(4); // 200 in 0.8 s: a flood, but the 200 client threads must not starve the server's CPU
      }
      Thread.sleep(400); // all connected, the bodies on their way
      long during = usedHeapAfterGc();
      for (Future<Long> f : closedAfterMs) {
        assertThat(f.get(30, TimeUnit.SECONDS)).as("ms until the server closed the connection")
            .isLessThanOrEqualTo(READ_TIMEOUT.toMillis() + SLACK_MS);
      }
      long after = usedHeapAfterGc();
      // Before the fix the 50 bodies of 1 MiB alone were buffered: 50 MiB and more.
      assertThat(during - before).as("heap growth with 200 hostile connections open").isLessThan(24L << 20);
      assertThat(after - before).as("heap growth after they were closed").isLessThan(24L << 20);
    } finally {
      clients.shutdownNow();
    }
    assertThat(ApiFixture.send(port, "GET", "/health/live", null, null, null).status()).isEqualTo(200);
  }

  /**
   * One hostile connection, and how long the server took to close it: 0 connects and sends nothing; 1 sends
   * half a request line; 2 sends headers announcing 1 MiB of body and stops; 3 announces 1 MiB without a
   * token and sends all but its last byte as fast as the server takes it.
   */
  private long hostile(int kind) {
    long start = System.nanoTime();
    try (RawHttp c = new RawHttp(port)) {
      switch (kind) {
        case 0 -> { }
        case 1 -> c.send("POST /plans HTT");
        case 2 -> c.send(postHeaders(SUBMITTER, MAX_BODY));
        default -> {
          c.send(postHeaders(null, MAX_BODY));
          c.send(new byte[(int) MAX_BODY - 1]); // fails once the server closed: it never reads the body
        }
      }
      Answer a = c.readUntilClosed(READ_TIMEOUT.toMillis() + 5000);
      assertThat(a.closed()).as("closed by the server").isTrue();
      if (kind == 2) {
        assertThat(a.status()).isEqualTo(408);
        assertThat(new JsonObject(a.body()).getString("error")).isEqualTo("request-timeout");
      }
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  @Order(2)
  void unauthenticatedBigBodyIsAnswered401AtOnceWithoutReadingIt() {
    for (String token : new String[] {null, "not-a-token", VIEWER}) {
      try (RawHttp c = new RawHttp(port)) {
        long start = System.nanoTime();
        c.send(postHeaders(token, MAX_BODY)); // the body never comes: the answer must not wait for it
        Answer a = c.readUntilClosed(1000);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        assertThat(a.status()).isEqualTo(token == VIEWER ? 403 : 401);
        assertThat(a.header("Connection")).isEqualTo("close");
        assertThat(a.closed()).isTrue();
        assertThat(new JsonObject(a.body()).getString("error")).isIn("unauthorized", "forbidden");
      }
    }
  }

  /**
   * A client that writes its body after the answer has gone out (an ordinary client POSTing a plan over the
   * size limit does) must still read that answer. Before the server discarded the rest of the body it closed
   * the socket at once; the kernel answered the body still arriving with a reset, the client's next write
   * failed with "broken pipe" and an HTTP client reported no answer at all.
   */
  @Test
  @Order(3)
  void aRefusedBodyIsDiscardedSoAClientStillWritingItReadsTheAnswer() {
    for (String token : new String[] {SUBMITTER, null}) {
      try (RawHttp c = new RawHttp(port)) {
        long length = 4 * MAX_BODY;
        assertThat(c.send(postHeaders(token, length))).isTrue();
        sleep(300); // the answer is out before the first byte of the body
        byte[] chunk = new byte[64 * 1024];
        for (long sent = 0; sent < length; sent += chunk.length) {
          assertThat(c.send(chunk)).as("body write after %d bytes", sent).isTrue();
          sleep(2);
        }
        Answer a = c.readUntilClosed(5000);
        assertThat(a.status()).isEqualTo(token == null ? 401 : 413);
        assertThat(a.header("Connection")).isEqualTo("close");
        assertThat(a.closed()).as("closed once the body was discarded").isTrue();
      }
    }
    assertThat(ApiFixture.send(port, "GET", "/health/live", null, null, null).status()).isEqualTo(200);
  }

  @Test
  @Order(3)
  void trickledHeadersAndBodiesAreCutOffAtTheReadTimeout() {
    // One byte every 200 ms keeps the connection busy, so the idle timeout alone would never close it.
    assertThat(trickle("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100)))
        .isBetween(READ_TIMEOUT.toMillis() - 200, READ_TIMEOUT.toMillis() + SLACK_MS);
    try (RawHttp c = new RawHttp(port)) {
      long start = System.nanoTime();
      c.send(postHeaders(SUBMITTER, 100));
      Answer a = c.readUntilClosed(0);
      for (int i = 0; i < 100 && a.status() == 0 && !a.closed() && c.send("#"); i++) {
        a = c.readUntilClosed(200);
      }
      assertThat(elapsedMs(start)).isBetween(READ_TIMEOUT.toMillis() - 200, READ_TIMEOUT.toMillis() + SLACK_MS);
      assertThat(a.status()).isEqualTo(408);
      assertThat(a.closed() || c.readUntilClosed(1000).closed()).isTrue();
    }
  }

  /** Sends {@code text} a byte every 200 ms; the ms until the server closed the connection. */
  private long trickle(String text) {
    try (RawHttp c = new RawHttp(port)) {
      long start = System.nanoTime();
      for (int i = 0; i < text.length(); i++) {
        if (!c.send(text.substring(i, i + 1))) {
          break;
        }
        if (c.readUntilClosed(200).closed()) {
          break;
        }
      }
      return elapsedMs(start);
    }
  }

  @Test
  @Order(4)
  void malformedPathsAndNulBytesAre400WithOneLogLineAndReachNoRoute() {
    logs.list.clear();
    Answer badEscape = raw("GET /x/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(badEscape.status()).isEqualTo(400);
    assertThat(new JsonObject(badEscape.body()).getString("error")).isEqualTo("malformed-uri");
    List<ILoggingEvent> lines = logs.list.stream().filter(e -> e.getFormattedMessage().contains("%zz")).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).getThrowableProxy()).isNull();
    assertThat(logs.list).filteredOn(e -> e.getLoggerName().startsWith("io.tidemark.daemon.api"))
        .allMatch(e -> e.getThrowableProxy() == null);

    for (String path : List.of("/plans/x%00", "/plans/%00/events", "/plans?x=%00", "/plans/x%c3")) {
      Answer a = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + VIEWER
          + "\r\nConnection: close\r\n\r\n");
      assertThat(a.status()).as(path).isEqualTo(400);
      assertThat(new JsonObject(a.body()).getString("error")).as(path).isEqualTo("malformed-uri");
    }
    Answer pause = raw("POST /plans/x/pause?database=a%00b HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + OPERATOR
        + "\r\nConnection: close\r\n\r\n");
    assertThat(pause.status()).isEqualTo(400);
    assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("state database"));
  }

  @Test
  @Order(5)
  void headAnswersEveryGetRouteAnd405NamesTheAllowedMethods() {
    Answer head = raw("HEAD /plans HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + VIEWER
        + "\r\nConnection: close\r\n\r\n");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Type")).startsWith("application/json");
    assertThat(raw("HEAD /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
    assertThat(raw("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);

    Answer delete = raw("DELETE /plans HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(delete.status()).isEqualTo(405);
    assertThat(delete.header("Allow")).isEqualTo("POST, GET, HEAD");
    assertThat(new JsonObject(delete.body()).getString("error")).isEqualTo("method-not-allowed");
    assertThat(raw("GET /plans/x/pause HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").header("Allow"))
        .isEqualTo("POST");
  }

  @Test
  @Order(6)
  void everyAnswerCarriesTheSecurityHeadersAndErrorsAreJson() {
    Answer page = raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'").contains("script-src 'self'");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache").doesNotContain("immutable");
    String etag = page.header("ETag");
    assertThat(etag).isNotBlank();
    assertThat(raw("GET /status/app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").header("ETag"))
        .isNotBlank().isNotEqualTo(etag);
    Answer again = raw("GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\nConnection: close\r\n\r\n");
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.body()).isEmpty();

    for (String request : List.of("GET /plans HTTP/1.1\r\nAuthorization: Bearer " + VIEWER + "\r\n",
        "GET /plans HTTP/1.1\r\n", "GET /no/such/route HTTP/1.1\r\n", "GET /status/secrets.txt HTTP/1.1\r\n",
        "GET /metrics HTTP/1.1\r\n", "GET /whoami HTTP/1.1\r\nAuthorization: Bearer " + VIEWER + "\r\n")) {
      Answer a = raw(request + "Host: x\r\nConnection: close\r\n\r\n");
      assertThat(a.header("Cache-Control")).as(request).isEqualTo("no-store");
      assertThat(a.header("X-Content-Type-Options")).as(request).isEqualTo("nosniff");
      assertThat(a.header("Content-Security-Policy")).as(request).contains("frame-ancestors 'none'");
      if (a.status() >= 400) {
        assertThat(a.header("Content-Type")).as(request).isEqualTo("application/json");
        assertThat(new JsonObject(a.body()).getString("error")).as(request).isNotBlank();
      }
    }
    Answer longHeader = raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
        + "\r\nConnection: close\r\n\r\n");
    assertThat(longHeader.status()).isEqualTo(431);
    assertThat(new JsonObject(longHeader.body()).getString("error")).isEqualTo("headers-too-large");
    Answer notHttp = raw("HELLO\r\n\r\n");
    assertThat(notHttp.status()).isEqualTo(400);
    assertThat(new JsonObject(notHttp.body()).getString("error")).isNotBlank();
  }

  @Test
  @Order(7)
  void whoamiSaysWhatTheTokenMayDoAndAPlanNamedLikeTheOldRoleProbeChangesNothing() {
    String plan = ApiFixture.plan(PROBE_PLAN, "status", "authdb", 1000);
    assertThat(ApiFixture.send(port, "POST", "/plans", SUBMITTER, "application/hocon", plan).status()).isEqualTo(201);
    String before = fleet.planState(PROBE_PLAN);

    JsonObject operator = whoami(OPERATOR);
    assertThat(operator.getString("name")).isEqualTo("oncall");
    assertThat(operator.getString("role")).isEqualTo("operator");
    assertThat(operator.getJsonArray("may").getList()).contains("view", "submit", "pause", "resume", "approve",
        "rollback", "cancel", "retry", "throttle");
    assertThat(whoami(SUBMITTER).getJsonArray("may").getList()).containsExactly("view", "submit");
    assertThat(whoami(VIEWER).getJsonArray("may").getList()).containsExactly("view");
    assertThat(ApiFixture.send(port, "GET", "/whoami", null, null, null).status()).isEqualTo(401);
    assertThat(ApiFixture.send(port, "GET", "/whoami", "not-a-token", null, null).status()).isEqualTo(401);

    assertThat(fleet.events(PROBE_PLAN)).noneMatch(e -> List.of("pause", "resume").contains(e.get(1)));
    assertThat(fleet.planState(PROBE_PLAN)).isNotEqualTo("paused");
    assertThat(before).isNotEqualTo("paused");
  }

  private JsonObject whoami(String token) {
    ApiFixture.Answer a = ApiFixture.send(port, "GET", "/whoami", token, null, null);
    assertThat(a.status()).isEqualTo(200);
    return new JsonObject(a.body());
  }

  @Test
  @Order(8)
  void connectionsOverTheLimitAreClosedAtOnce() {
    int limited = serve(ApiFixture.withHttp(config, config.http().withLimits(IDLE_TIMEOUT, READ_TIMEOUT, 3,
        Duration.ofSeconds(5))));
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(new RawHttp(limited));
      }
      sleep(200); // accepted and counted
      try (RawHttp over = new RawHttp(limited)) {
        over.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
        Answer a = over.readUntilClosed(1000);
        assertThat(a.closed()).isTrue();
        assertThat(a.status()).isZero();
      }
      held.get(0).send("GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(held.get(0).readUntilClosed(1000).status()).isEqualTo(200);
    } finally {
      held.forEach(RawHttp::close);
    }
  }

  @Test
  @Order(9)
  void allowedHostsRefuseOtherHostsAndMetricsCanRequireAToken() {
    HttpSettings http = config.http().withAccess(List.of("tidemark.example.com", "[::1]"), true);
    int guarded = serve(ApiFixture.withHttp(config, http));
    Answer rebound = rawTo(guarded, "GET /metrics HTTP/1.1\r\nHost: attacker.example:" + guarded
        + "\r\nConnection: close\r\n\r\n");
    assertThat(rebound.status()).isEqualTo(421);
    assertThat(new JsonObject(rebound.body()).getString("error")).isEqualTo("host-not-allowed");
    assertThat(rawTo(guarded, "GET /health/live HTTP/1.0\r\n\r\n").status()).as("no Host at all").isEqualTo(421);
    assertThat(rawTo(guarded, "GET /health/live HTTP/1.1\r\nHost: TIDEMARK.example.com:7654\r\nConnection: close\r\n\r\n")
        .status()).isEqualTo(200);
    assertThat(rawTo(guarded, "GET /health/live HTTP/1.1\r\nHost: [::1]:7654\r\nConnection: close\r\n\r\n")
        .status()).isEqualTo(200);

    assertThat(rawTo(guarded, "GET /metrics HTTP/1.1\r\nHost: tidemark.example.com\r\nConnection: close\r\n\r\n")
        .status()).isEqualTo(401);
    assertThat(rawTo(guarded, "GET /metrics HTTP/1.1\r\nHost: tidemark.example.com\r\nAuthorization: Bearer " + VIEWER
        + "\r\nConnection: close\r\n\r\n").status()).isEqualTo(200);
    assertThat(ApiFixture.send(port, "GET", "/metrics", null, null, null).status()).as("open by default").isEqualTo(200);
  }

  @Test
  @Order(10)
  void aPlanThatTakesTooLongToParseIsRefusedWithoutStoringIt() {
    int hurried = serve(ApiFixture.withHttp(config, config.http().withLimits(IDLE_TIMEOUT, READ_TIMEOUT, 400,
        Duration.ofMillis(1))));
    // A valid plan with 200 KB of comment (under the 256 KiB intake limit): a millisecond is not enough to read it.
    String plan = ApiFixture.plan("too-slow", "status", "apidb", 1000) + ("# " + "x".repeat(98) + "\n").repeat(2000);
    ApiFixture.Answer a = ApiFixture.send(hurried, "POST", "/plans", SUBMITTER, "application/hocon", plan);
    assertThat(a.status()).isEqualTo(503);
    assertThat(new JsonObject(a.body()).getString("error")).isEqualTo("plan-intake-timeout");
    sleep(1000); // the parse finishes on its worker; its result must be dropped
    assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.plans WHERE id = 'too-slow'")).isZero();
    assertThat(ApiFixture.send(port, "POST", "/plans", SUBMITTER, "application/hocon", plan).status())
        .as("the same plan with the configured time").isEqualTo(201);
  }

  /**
   * Vert.x's checker measures wall time, so on a shared machine with a load far above its cores a thread that
   * merely waited for a CPU can pass 100 ms anywhere, e.g. inside Netty or vert.x-web. What must never happen
   * is Tidemark's (or the HOCON parser's) own work holding the loop that long, or anything holding it for a
   * second. The checker samples the loop's stack every 20 ms while it is held: the frames on top say whose
   * work holds it (a parse on the loop would show planner and com.typesafe.config frames there).
   */
  @Test
  @Order(100)
  void theEventLoopWasNeverHeldOver100MsByTidemarksWork() {
    assertThat(blocked).as("event loop held by Tidemark's work").noneMatch(HostileClientIT::tidemarkWorkOnTop);
    assertThat(blockedMs).as("longest time the event loop was held, by anything").allMatch(ms -> ms < 1000);
    // The checker is watching: 300 ms of work on an event loop is reported, with the code that did it.
    strict.runOnContext(v -> sleep(300));
    Fleet.await("the blocked-thread checker to report", Duration.ofSeconds(5),
        () -> blocked.stream().anyMatch(b -> b.contains("HostileClientIT")));
  }

  /** Whether the top frames of a sampled stack are Tidemark's code or the HOCON parser (not this test's). */
  private static boolean tidemarkWorkOnTop(String stack) {
    String top = String.join(",", Arrays.asList(stack.split(", ")).subList(0, Math.min(6, stack.split(", ").length)));
    return top.contains("com.typesafe.config") || top.replace("io.tidemark.daemon.api.HostileClientIT", "")
        .contains("io.tidemark.");
  }

  /** Starts an API server on the strict Vert.x over the state database; its port. */
  private int serve(TidemarkConfig c) {
    PlanOperations ops = new PlanOperations(new ControlStore(pool), id -> { });
    ApiServer server = Fleet.get(ApiServer.start(strict, c, ops, pool, metrics, daemon::versions));
    servers.add(server);
    return server.port();
  }

  /** Loads every class the attacks touch, so class loading is not mistaken for a blocked event loop. */
  private void warmUp() {
    for (int i = 0; i < 3; i++) {
      ApiFixture.send(port, "GET", "/plans", VIEWER, null, null);
      ApiFixture.send(port, "GET", "/", null, null, null);
      ApiFixture.send(port, "GET", "/metrics", null, null, null);
      ApiFixture.send(port, "GET", "/whoami", VIEWER, null, null);
      ApiFixture.send(port, "POST", "/plans", SUBMITTER, "application/hocon", "id = \"warm-up\"\n");
      ApiFixture.send(port, "DELETE", "/plans", null, null, null);
      raw("GET /x/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      raw("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
      raw("HELLO\r\n\r\n");
    }
  }

  private static String postHeaders(String token, long length) {
    return "POST /plans HTTP/1.1\r\nHost: x\r\nContent-Type: application/hocon\r\nContent-Length: " + length + "\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n";
  }

  private Answer raw(String request) {
    return rawTo(port, request);
  }

  private static Answer rawTo(int port, String request) {
    try (RawHttp c = new RawHttp(port)) {
      c.send(request);
      return c.readUntilClosed(5000);
    }
  }

  private long usedHeapAfterGc() {
    gcQuietUntil = Long.MAX_VALUE;
    try {
      for (int i = 0; i < 3; i++) {
        System.gc();
        sleep(100);
      }
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    } finally {
      gcQuietUntil = System.nanoTime() + 300_000_000L;
    }
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
