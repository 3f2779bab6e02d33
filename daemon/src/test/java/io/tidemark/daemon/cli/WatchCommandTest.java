package io.tidemark.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aLargePlanIsWatchedAsItsSummaryAndOnePageOfRunningDatabasesWithWaitingOnesSaidSo() throws Exception {
    JsonNode plan = JSON.readTree("""
        {"id": "big", "state": "migrating", "phase": "migrate",
         "summary": {"databases": 1000, "by-state": {"pending": 900, "running": 25, "paused": 0, "done": 75, "failed": 0},
                     "waiting": 1, "by-phase": {"migrate": {"done": 75, "running": 25}, "expand": {"pending": 900}},
                     "eta-seconds": 750}}""");
    JsonNode running = JSON.readTree("""
        {"databases": [
          {"database": "t1", "phase": "migrate", "state": "running", "waiting": "server-budget",
           "current-step": "migrate[0]/backfill", "backfills": [{"ratio": 0, "rows-done": 0, "rows-estimated": 0,
           "rows-per-second": 0, "eta-seconds": null, "throttle-reason": null}]},
          {"database": "t2", "phase": "migrate", "state": "running", "waiting": null, "current-step": "migrate[0]/backfill",
           "backfills": [{"ratio": 0.5, "rows-done": 50, "rows-estimated": 100, "rows-per-second": 10,
           "eta-seconds": 5, "throttle-reason": null}]}]}""");

    List<String> lines = WatchCommand.renderLarge(plan, running);

    assertThat(lines.get(0)).isEqualTo("plan big: migrating (phase migrate)");
    assertThat(lines.get(1)).contains("databases: 1000").contains("running 25 (1 waiting for the server budget)");
    assertThat(lines).anyMatch(l -> l.equals("eta:       12m30s"));
    assertThat(lines).filteredOn(l -> l.startsWith("t1")).singleElement().asString()
        .contains("waiting (server-budget)").doesNotContain("0%");
    assertThat(lines).filteredOn(l -> l.startsWith("t2")).singleElement().asString().contains(" 50%").contains("50/100");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("... 23 more running");
  }
}
