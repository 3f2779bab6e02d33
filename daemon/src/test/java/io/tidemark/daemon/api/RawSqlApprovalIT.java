package io.tidemark.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Under the default policy ({@code tidemark.policy.raw-sql-approval = required}) a submitter's plan with a
 * raw {@code sql} step waits for an operator before its first step, not only before contract.
 */
class RawSqlApprovalIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String PLAN = """
      id = "dropper"
      description = "drop a table in expand"
      databases = [authdb]
      contract.approval = auto
      expand = [
        { op = sql, statements = "DROP TABLE public.victim", unsafe = "scratch table, nobody reads it" }
      ]
      """;

  @Test
  void aSubmittersDropTableInExpandWaitsForAnOperatorBeforeItsFirstStep() throws InterruptedException {
    try (Fleet fleet = new Fleet("rawsqlapproval", 10)) {
      fleet.target("authdb").execute("CREATE TABLE public.victim (id int)");
      Daemon d = fleet.start(ApiFixture.withTokens(fleet.config("d1"), ApiFixture.TOKENS, 1 << 20));

      ApiFixture.Answer submitted = ApiFixture.send(d.httpPort(), "POST", "/plans", ApiFixture.SUBMITTER,
          "application/hocon", PLAN);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
      fleet.awaitPlanState("dropper", "awaiting-approval", WAIT);
      Thread.sleep(1500); // several polls of the runner (200 ms in tests): none may start the step

      assertThat(victimExists(fleet)).as("nothing ran before the operator approved").isTrue();
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.step_states WHERE plan_id = 'dropper'")).isZero();
      JsonObject plan = new JsonObject(ApiFixture.send(d.httpPort(), "GET", "/plans/dropper", ApiFixture.VIEWER,
          null, null).body());
      assertThat(plan.getString("state")).isEqualTo("awaiting-approval");
      assertThat(plan.getString("phase")).isEqualTo("expand");
      assertThat(plan.getString("awaiting")).contains("expand[0]/sql").contains("unsafe").contains("authdb");
      assertThat(fleet.state.queryLong("SELECT count(*) FROM tidemark.events WHERE plan_id = 'dropper'"
          + " AND kind = 'state-changed' AND message LIKE 'submitted -> awaiting-approval: %expand[0]/sql%'"))
          .isEqualTo(1);
      assertThat(ApiFixture.send(d.httpPort(), "POST", "/plans/dropper/approve", ApiFixture.SUBMITTER, null, null)
          .status()).as("a submitter cannot approve").isEqualTo(403);

      assertThat(ApiFixture.send(d.httpPort(), "POST", "/plans/dropper/approve", ApiFixture.OPERATOR, null, null)
          .status()).isEqualTo(200);
      fleet.awaitPlanState("dropper", "completed", WAIT);
      assertThat(victimExists(fleet)).as("the approved plan ran").isFalse();
      assertThat(fleet.state.queryValue("SELECT approved_by FROM tidemark.plans WHERE id = 'dropper'"))
          .isEqualTo("oncall");
    }
  }

  private static boolean victimExists(Fleet fleet) {
    return fleet.target("authdb").queryValue("SELECT to_regclass('public.victim')") != null;
  }
}
