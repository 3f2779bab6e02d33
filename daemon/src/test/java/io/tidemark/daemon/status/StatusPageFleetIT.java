package io.tidemark.daemon.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.config.AuthToken;
import io.tidemark.config.Role;
import io.tidemark.config.Secret;
import io.tidemark.daemon.Fixtures;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.ThousandDatabasePlan;
import io.tidemark.daemon.api.ApiServer;
import io.tidemark.daemon.metrics.BackfillMeter;
import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.testkit.FreshDatabaseExtension;
import io.tidemark.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The status page in headless Chromium on a 1,000-database plan ({@link ThousandDatabasePlan}): it shows
 * the summary (counts, the waiting database, failed ones with errors) and one page of 50 databases, pages
 * forward, filters by state and by name, and shows a database waiting for its server's budget as waiting,
 * not as a running backfill at 0%.
 */
@ExtendWith(FreshDatabaseExtension.class)
class StatusPageFleetIT {
  private static final String TOKEN = "status-page-fleet-viewer";
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void summaryPagingAndFiltersKeepAThousandDatabasePlanReadable(TestDatabase db) throws Exception {
    Vertx vertx = Vertx.vertx();
    TidemarkMetrics metrics = new TidemarkMetrics();
    Pool state = Fixtures.pool(vertx, "state", db);
    ApiServer api = null;
    try {
      Fleet.get(new ControlStore(state).migrate());
      PlanOperations ops = new PlanOperations(new ControlStore(state), id -> { });
      ThousandDatabasePlan.store(ops, db);
      metrics.backfill(ThousandDatabasePlan.ID, "tenant_0109", "users").waiting(BackfillMeter.WAITING_SERVER_BUDGET);
      api = Fleet.get(ApiServer.start(vertx, ThousandDatabasePlan.config(
              List.of(new AuthToken("dash", Role.VIEWER, Secret.of(TOKEN)))), ops, state, metrics,
          () -> Future.succeededFuture(List.of())));
      try (HeadlessChromium browser = HeadlessChromium.launch()) {
        browser.navigate("http://127.0.0.1:" + api.port() + "/");
        browser.evaluate("document.getElementById('token').value = '" + TOKEN + "';"
            + " document.getElementById('login').requestSubmit(); true");
        browser.waitFor("the summary of 1,000 databases", card() + " && " + card()
            + ".querySelector('.summary') && " + card() + ".querySelector('.summary').dataset.databases === '1000'", WAIT);

        String summary = (String) browser.evaluate(card() + ".querySelector('.summary').textContent");
        assertThat(summary).contains("1,000 databases").contains("failed 5").contains("done 100")
            .contains("1 waiting for the server budget").contains("boom on tenant_0112").contains("tenant_0109");
        assertThat(rows(browser)).as("one page of 50, not 1,000 rows").isEqualTo(50);
        assertThat(browser.evaluate(row("tenant_0000") + " !== null")).isEqualTo(true);
        browser.screenshot(Path.of("target", "status-page-fleet.png"));

        browser.evaluate(card() + ".querySelector('button[data-page=\"next\"]').click(); true");
        browser.waitFor("the second page", row("tenant_0050") + " !== null && " + row("tenant_0000") + " === null", WAIT);
        assertThat(rows(browser)).isEqualTo(50);

        browser.evaluate("(() => { const s = " + card() + ".querySelector('select[data-filter=\"state\"]');"
            + " s.value = 'failed'; s.dispatchEvent(new Event('change')); return true; })()");
        browser.waitFor("the failed databases only", "(() => { const r = " + card()
            + ".querySelectorAll('tr[data-database]'); return r.length === 5"
            + " && [...r].every((x) => x.dataset.state === 'failed'); })()", WAIT);
        assertThat((String) browser.evaluate(row("tenant_0113") + ".textContent")).contains("boom on tenant_0113");
        assertThat(browser.evaluate(card() + ".querySelector('button[data-page=\"next\"]').disabled")).isEqualTo(true);

        browser.evaluate("(() => { const s = " + card() + ".querySelector('select[data-filter=\"state\"]');"
            + " s.value = ''; s.dispatchEvent(new Event('change'));"
            + " const i = " + card() + ".querySelector('input[data-filter=\"name\"]');"
            + " i.value = 'tenant_0109'; i.dispatchEvent(new Event('input')); return true; })()");
        browser.waitFor("the one database named", "(() => { const r = " + card()
            + ".querySelectorAll('tr[data-database]'); return r.length === 1"
            + " && r[0].dataset.database === 'tenant_0109'; })()", WAIT);
        assertThat(browser.evaluate(row("tenant_0109") + ".dataset.state")).isEqualTo("waiting");
        assertThat((String) browser.evaluate(row("tenant_0109") + ".textContent"))
            .contains("waiting for the server budget").doesNotContain("0%");
        assertThat(browser.evaluate(row("tenant_0109") + ".querySelector('.bar') === null")).isEqualTo(true);
        browser.screenshot(Path.of("target", "status-page-fleet-waiting.png"));
      }
    } finally {
      if (api != null) {
        Fleet.get(api.close());
      }
      Fleet.get(state.close());
      metrics.close();
      Fleet.get(vertx.close());
    }
  }

  private static long rows(HeadlessChromium browser) throws Exception {
    return ((Number) browser.evaluate(card() + ".querySelectorAll('tr[data-database]').length")).longValue();
  }

  private static String card() {
    return "document.querySelector('section.plan[data-plan=\"" + ThousandDatabasePlan.ID + "\"]')";
  }

  private static String row(String database) {
    return "document.querySelector('section.plan[data-plan=\"" + ThousandDatabasePlan.ID + "\"] tr[data-database=\""
        + database + "\"]')";
  }
}
