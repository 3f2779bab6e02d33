package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.ThousandDatabasePlan;
import io.tidemark.daemon.cli.CliRun;
import io.tidemark.daemon.metrics.BackfillMeter;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API and CLI over a 1,000-database plan mid-migrate ({@link ThousandDatabasePlan}), one running
 * database's backfill waiting for its server's budget. No target database is ever connected.
 */
@ExtendWith(FreshDatabaseExtension.class)
class FleetSizeApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DATABASES = ThousandDatabasePlan.DATABASES;
  private static final String BIG = ThousandDatabasePlan.ID;

  private final Vertx vertx = Vertx.vertx();
  private final TidemarkMetrics metrics = new TidemarkMetrics();
  private Pool state;
  private ApiServer api;
  private int port;

  @BeforeEach
  void start(TestDatabase db) {
    state = Fixtures.pool(vertx, "state", db);
    Fleet.get(new ControlStore(state).migrate());
    TidemarkConfig config = ThousandDatabasePlan.config(ApiFixture.TOKENS);
    PlanOperations ops = new PlanOperations(new ControlStore(state), id -> { });
    ThousandDatabasePlan.store(ops, db);
    metrics.backfill(BIG, "tenant_0109", "users").waiting(BackfillMeter.WAITING_SERVER_BUDGET);
    api = Fleet.get(ApiServer.start(vertx, config, ops, state, metrics, () -> io.vertx.core.Future.succeededFuture(List.of())));
    port = api.port();
  }

  @AfterEach
  void stop() throws Exception {
    Fleet.get(api.close());
    Fleet.get(state.close());
    metrics.close();
    Fleet.get(vertx.close());
  }

  @Test
  void plansArePagedWithACursorAndTheCliFollowsThePages() throws Exception {
    JsonNode first = get("/plans?limit=2");
    assertThat(first.path("plans")).extracting(p -> p.path("id").asText()).containsExactly("small-a", "small-b");
    JsonNode second = get("/plans?limit=2&after=" + first.path("next").asText());
    assertThat(second.path("plans")).extracting(p -> p.path("id").asText()).containsExactly(BIG);
    assertThat(second.path("next").isNull()).isTrue();
    assertThat(get("/plans").path("plans")).as("the default page holds a small install's plans").hasSize(3);
    assertThat(ApiFixture.send(port, "GET", "/plans?after=not-a-cursor", VIEWER, null, null).status()).isEqualTo(400);

    CliRun.Result plans = cli("plans");
    assertThat(plans.out().lines().filter(l -> l.startsWith("small-") || l.startsWith(BIG))).hasSize(3);
  }

  @Test
  void aPlanAnswersASummaryAndFilteredPagesOfItsDatabases() throws Exception {
    JsonNode plan = get("/plans/" + BIG + "?limit=0");
    JsonNode summary = plan.path("summary");
    assertThat(plan.path("databases")).isEmpty();
    assertThat(summary.path("databases").asInt()).isEqualTo(DATABASES);
    assertThat(summary.path("by-state").path("done").asInt()).isEqualTo(100);
    assertThat(summary.path("by-state").path("running").asInt()).isEqualTo(10);
    assertThat(summary.path("by-state").path("paused").asInt()).isEqualTo(1);
    assertThat(summary.path("by-state").path("failed").asInt()).isEqualTo(5);
    assertThat(summary.path("by-state").path("pending").asInt()).isEqualTo(884);
    assertThat(summary.path("by-phase").path("expand").path("pending").asInt()).isEqualTo(884);
    assertThat(summary.path("waiting").asInt()).isEqualTo(1);
    assertThat(summary.path("failed")).extracting(d -> d.path("last-error").asText())
        .containsExactlyInAnyOrder("boom on tenant_0110", "boom on tenant_0111", "boom on tenant_0112",
            "boom on tenant_0113", "boom on tenant_0114");
    assertThat(summary.path("slowest").get(0).path("database").asText()).as("longest at its step")
        .isEqualTo("tenant_0109");
    assertThat(summary.path("slowest").get(0).path("waiting").asText()).isEqualTo("server-budget");
    assertThat(summary.path("eta-seconds").asDouble()).isPositive();

    List<String> failed = new ArrayList<>();
    String path = "/plans/" + BIG + "?state=failed&limit=2";
    JsonNode page = get(path);
    int pages = 1;
    page.path("databases").forEach(d -> failed.add(d.path("database").asText()));
    while (!page.path("next").isNull()) {
      page = get(path + "&after=" + page.path("next").asText());
      page.path("databases").forEach(d -> failed.add(d.path("database").asText()));
      pages++;
    }
    assertThat(failed).containsExactly("tenant_0110", "tenant_0111", "tenant_0112", "tenant_0113", "tenant_0114");
    assertThat(pages).isEqualTo(3);

    JsonNode one = get("/plans/" + BIG + "?database=tenant_0109");
    assertThat(one.path("databases")).hasSize(1);
    assertThat(one.path("databases").get(0).path("state").asText()).isEqualTo("running");
    assertThat(one.path("databases").get(0).path("waiting").asText()).isEqualTo("server-budget");
    assertThat(one.path("steps")).allMatch(s -> s.path("database").asText().equals("tenant_0109"));
    assertThat(get("/plans/" + BIG).path("databases")).as("no parameters: every database, as before")
        .hasSize(DATABASES);
    assertThat(ApiFixture.send(port, "GET", "/plans/" + BIG + "?state=sleeping", VIEWER, null, null).status())
        .isEqualTo(400);
  }

  @Test
  void eventsArePagedWithANextCursor() throws Exception {
    for (int i = 0; i < 6; i++) {
      Fleet.get(state.query("INSERT INTO tidemark.events (plan_id, actor, kind) VALUES ('" + BIG + "', 't', 'e" + i
          + "')").execute());
    }
    List<String> kinds = new ArrayList<>();
    JsonNode page = get("/plans/" + BIG + "/events?limit=4");
    page.path("events").forEach(e -> kinds.add(e.path("kind").asText()));
    while (!page.path("next").isNull()) {
      page = get("/plans/" + BIG + "/events?limit=4&after=" + page.path("next").asText());
      page.path("events").forEach(e -> kinds.add(e.path("kind").asText()));
    }
    assertThat(kinds).endsWith("e0", "e1", "e2", "e3", "e4", "e5");
    assertThat(kinds).hasSize((int) Fleet.get(state.query("SELECT count(*) AS n FROM tidemark.events WHERE plan_id = '"
        + BIG + "'").execute()).iterator().next().getLong("n").longValue());
  }

  @Test
  void statusPrintsASummaryAndFiltersShowDetail() throws Exception {
    CliRun.Result status = cli("status", BIG);
    assertThat(status.code()).isZero();
    assertThat(status.out()).contains("databases: 1000").contains("done 100").contains("failed 5")
        .contains("running 10 (1 waiting for the server budget)").contains("eta:")
        .contains("failed (5):").contains("boom on tenant_0112").contains("slowest")
        .contains("waiting for server-budget");
    assertThat(status.out().lines().count()).as("a summary, not a line per database").isLessThan(60);

    CliRun.Result failed = cli("status", BIG, "--state", "failed");
    assertThat(failed.out().lines().filter(l -> l.startsWith("tenant_"))).hasSize(5);
    assertThat(cli("status", BIG, "--database", "tenant_0109").out()).contains("waiting (server-budget)");
    JsonNode json = JSON.readTree(cli("status", BIG, "-o", "json").out());
    assertThat(json.path("databases")).as("json still gives everything").hasSize(DATABASES);
  }

  private JsonNode get(String path) throws Exception {
    ApiFixture.Answer a = ApiFixture.send(port, "GET", path, VIEWER, null, null);
    assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(200);
    return JSON.readTree(a.body());
  }

  private CliRun.Result cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", "http://127.0.0.1:" + port, "--token", VIEWER));
    return CliRun.run(all.toArray(String[]::new));
  }
}
