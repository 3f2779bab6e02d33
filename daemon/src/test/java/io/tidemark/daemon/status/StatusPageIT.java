package io.tidemark.daemon.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AuthToken;
import io.tidemark.config.Role;
import io.tidemark.config.Secret;
import io.tidemark.config.TidemarkConfig;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status page in headless Chromium against a real daemon (in-process, fresh databases, a throttled
 * backfill so there is something to watch): it loads without a token and asks for one, learns the token's
 * role from {@code GET /whoami}, shows the plan with a progress bar per database that moves, and its Pause
 * button pauses the plan in the control store. A plan named like the role probe older pages sent a pause to
 * changes nothing: the operator still gets buttons, and that plan is not paused by opening the page.
 */
class StatusPageIT {
  private static final String OPERATOR_TOKEN = "status-page-operator-token";
  private static final String PLAN_ID = "status-page-plan";
  private static final String PROBE_ID = "tidemark-status-page-role-probe";
  private static final int ROWS = 6_000;
  /**
   * A backfill slow enough to watch (6000 rows at 200 rows/s: about 30 s per database) on two databases at
   * once; approval required, so the plan never gets past migrate while the test looks. It is submitted only
   * once the page is up, so a slow browser start does not eat the time there is to watch.
   */
  private static final String PLAN = """
      id = "%s"
      databases = [authdb, apidb]
      rollout { canary = 0, parallel = 2 }
      expand = [ { op = add_column, table = users, column = status, type = text } ]
      migrate = [ { op = backfill, table = users, where = "status IS NULL", max-rows-per-second = 200,
                    set = "status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END" } ]
      contract = [ { op = set_not_null, table = users, column = status } ]
      """.formatted(PLAN_ID);

  @Test
  void showsMovingProgressAndItsPauseButtonPausesThePlan() throws Exception {
    try (Fleet fleet = new Fleet("statuspage", ROWS)) {
      TidemarkConfig config = withOperatorToken(fleet.config("status-page"));
      Daemon daemon = fleet.start(config);
      String url = "http://127.0.0.1:" + daemon.httpPort() + "/";

      try (HeadlessChromium browser = HeadlessChromium.launch()) {
        browser.navigate(url);
        assertThat(browser.evaluate("document.title")).isEqualTo("Tidemark");
        assertThat(browser.evaluate("document.getElementById('login').hidden")).isEqualTo(false);

        // Submitted by anyone who may submit: older pages POSTed pause to this id and took 404 for "operator".
        String probe = PLAN.replace(PLAN_ID, PROBE_ID).replace("[authdb, apidb]", "[admindb]");
        Fleet.get(daemon.operations().submit(PlanCompiler.compile(PlanParser.parse(probe, "probe.conf"), config),
            probe, "test"));

        browser.evaluate("document.getElementById('token').value = '" + OPERATOR_TOKEN + "';"
            + " document.getElementById('login').requestSubmit(); true");
        browser.waitFor("the operator role", "document.getElementById('role').textContent === 'operator'",
            Duration.ofSeconds(10));
        browser.waitFor("the probe-named plan with an operator's Pause button", card(PROBE_ID)
            + " !== null && " + card(PROBE_ID) + ".querySelector('button[data-action=\"pause\"]') !== null",
            Duration.ofSeconds(10));
        assertThat(fleet.planState(PROBE_ID)).isNotEqualTo("paused");
        assertThat(fleet.events(PROBE_ID)).noneMatch(e -> "pause".equals(e.get(1)));

        CompiledPlan plan = PlanCompiler.compile(PlanParser.parse(PLAN, "status-page.conf"), config);
        Fleet.get(daemon.operations().submit(plan, PLAN, "test"));
        long first = rowsDone(browser, "apidb", 0);
        long later = rowsDone(browser, "apidb", first);
        assertThat(later).isGreaterThan(first);
        assertThat(browser.evaluate(row("apidb") + ".querySelector('.bar') !== null")).isEqualTo(true);
        browser.screenshot(Path.of("target", "status-page.png"));

        browser.evaluate(planCard() + ".querySelector('button[data-action=\"pause\"]').click(); true");
        fleet.awaitPlanState(PLAN_ID, "paused", Duration.ofSeconds(10));
        browser.waitFor("the page to show the plan paused with a Resume button", planCard()
            + ".dataset.state === 'paused' && " + planCard() + ".querySelector('button[data-action=\"resume\"]') !== null",
            Duration.ofSeconds(10));

        browser.waitFor("the pause among the recent events", planCard()
            + ".querySelector('ol.events').textContent.includes('pause') && " + planCard()
            + ".querySelector('ol.events').textContent.includes('(oncall)')", Duration.ofSeconds(10));

        assertThat((String) browser.evaluate("location.href")).isEqualTo(url).doesNotContain(OPERATOR_TOKEN);
        assertThat(browser.evaluate("sessionStorage.getItem('tidemark.token')")).isEqualTo(OPERATOR_TOKEN);
      }
    }
  }

  /** Waits until the page shows more than {@code above} rows done on {@code database}, and returns that. */
  private static long rowsDone(HeadlessChromium browser, String database, long above) throws Exception {
    Object value = browser.waitFor(database + " rows done above " + above, "(() => { const r = " + row(database)
        + "; const n = r ? Number(r.dataset.rowsDone || 0) : 0; return n > " + above + " && n < " + ROWS
        + " ? n : 0; })()", Duration.ofSeconds(30));
    return ((Number) value).longValue();
  }

  private static String planCard() {
    return card(PLAN_ID);
  }

  private static String card(String id) {
    return "document.querySelector('section.plan[data-plan=\"" + id + "\"]')";
  }

  private static String row(String database) {
    return "document.querySelector('section.plan[data-plan=\"" + PLAN_ID + "\"] tr[data-database=\"" + database + "\"]')";
  }

  private static TidemarkConfig withOperatorToken(TidemarkConfig c) {
    List<AuthToken> tokens = List.of(new AuthToken("oncall", Role.OPERATOR, Secret.of(OPERATOR_TOKEN)));
    return new TidemarkConfig(c.stateDatabase(), c.http(), tokens, c.databases(), c.groups(), c.servers(),
        c.defaults(), c.daemon(), c.hooks(), c.warnings());
  }
}
