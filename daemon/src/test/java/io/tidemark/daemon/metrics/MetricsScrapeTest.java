package io.tidemark.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.backfill.CommittedBatch;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
  private static final Map<String, String> USERS = Map.of("plan", "p1", "database", "authdb", "table", "users");

  @Test
  void scrapeIsStrictPrometheusTextWithTheSpecNames() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      BackfillMeter meter = metrics.backfill("p1", "authdb", "users");
      meter.batch(100, Duration.ofMillis(40));
      meter.batch(150, Duration.ofMillis(300));
      meter.sample(250, 1000, 50, Optional.of("operator"));
      metrics.ddlAttempt("p1", "authdb", "expand[0]/add-column", true);
      metrics.ddlAttempt("p1", "authdb", "expand[0]/add-column", false);
      metrics.indexBuild("p1", "authdb", "expand[1]/create-index", 0.5);

      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.value(MetricNames.BACKFILL_ROWS_TOTAL, USERS)).isEqualTo(250.0);
      assertThat(scrape.value(MetricNames.BACKFILL_ROWS_ESTIMATED, USERS)).isEqualTo(1000.0);
      assertThat(scrape.value(MetricNames.BACKFILL_PROGRESS_RATIO, USERS)).isEqualTo(0.25);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_ROWS, USERS)).isEqualTo(150.0);
      assertThat(scrape.value(MetricNames.BACKFILL_ETA_SECONDS, USERS)).isEqualTo(15.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_count", USERS)).isEqualTo(2.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_bucket", with(USERS, "le", "0.05")))
          .isEqualTo(1.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_bucket", with(USERS, "le", "60.0")))
          .isEqualTo(2.0);
      assertThat(scrape.families().get(MetricNames.BACKFILL_BATCH_DURATION_SECONDS).type()).isEqualTo("histogram");
      assertThat(scrape.value(MetricNames.THROTTLE_ACTIVE, Map.of("plan", "p1", "database", "authdb", "reason", "operator")))
          .isEqualTo(1.0);
      assertThat(scrape.value(MetricNames.THROTTLE_ACTIVE, Map.of("plan", "p1", "database", "authdb",
          "reason", "replication-lag"))).isZero();
      Map<String, String> step = Map.of("plan", "p1", "database", "authdb", "step", "expand[0]/add-column");
      assertThat(scrape.value(MetricNames.DDL_ATTEMPTS_TOTAL, step)).isEqualTo(2.0);
      assertThat(scrape.value(MetricNames.DDL_LOCK_TIMEOUTS_TOTAL, step)).isEqualTo(1.0);
      assertThat(scrape.value(MetricNames.INDEX_BUILD_PROGRESS_RATIO,
          Map.of("plan", "p1", "database", "authdb", "step", "expand[1]/create-index"))).isEqualTo(0.5);

      Set<String> tidemarkSeries = scrape.families().values().stream().flatMap(f -> f.samples().stream())
          .map(PrometheusText.Sample::name).filter(n -> n.startsWith(MetricNames.PREFIX)).collect(Collectors.toSet());
      assertThat(MetricNames.ALL_SERIES).containsAll(tidemarkSeries);
      assertThat(scrape.families()).containsKeys("jvm_memory_used_bytes", "process_cpu_usage", "process_uptime_seconds");
    }
  }

  @Test
  void finishedBackfillShowsRatioOneAndNoThrottle() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      BackfillMeter meter = metrics.backfill("p1", "authdb", "users");
      meter.batch(3000, Duration.ofMillis(100));
      meter.sample(3000, 5000, 100, Optional.of("max-rows-per-second"));
      meter.finished();

      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.value(MetricNames.BACKFILL_PROGRESS_RATIO, USERS)).isEqualTo(1.0);
      assertThat(scrape.value(MetricNames.BACKFILL_ETA_SECONDS, USERS)).isZero();
      assertThat(scrape.samples(MetricNames.THROTTLE_ACTIVE)).allMatch(s -> s.value() == 0.0);
    }
  }

  @Test
  void committedBatchesCountKeysWalkedAndTheirDurations() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      metrics.batchCommitted(new CommittedBatch("p1", "migrate[0]/backfill", "authdb", "public", "users", 500, 200,
          Duration.ofMillis(120)));
      metrics.batchCommitted(new CommittedBatch("p1", "migrate[0]/backfill", "authdb", "public", "users", 400, 400,
          Duration.ofSeconds(3)));

      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.value(MetricNames.BACKFILL_ROWS_TOTAL, USERS)).isEqualTo(900.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_ROWS, USERS)).isEqualTo(400.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_bucket", with(USERS, "le", "0.25")))
          .isEqualTo(1.0);
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_bucket", with(USERS, "le", "5.0")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void aStartedBackfillExportsItsRowsCounterAtZero() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      metrics.backfill("p1", "authdb", "users");

      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.value(MetricNames.BACKFILL_ROWS_TOTAL, USERS)).isZero();
      assertThat(scrape.value(MetricNames.BACKFILL_BATCH_DURATION_SECONDS + "_count", USERS)).isZero();
    }
  }

  @Test
  void aBackfillWaitingForItsServerBudgetHasNoPerDatabaseSeriesButIsCounted() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      metrics.queuedBackfill("p1", "authdb", "users").waiting(BackfillMeter.WAITING_SERVER_BUDGET);
      metrics.queuedBackfill("p1", "apidb", "users").waiting(BackfillMeter.WAITING_SERVER_BUDGET);
      BackfillMeter working = metrics.queuedBackfill("p1", "admindb", "users");
      working.sample(10, 100, 5, Optional.empty());

      PrometheusText scrape = PrometheusText.parse(metrics.scrape());

      assertThat(scrape.value(MetricNames.BACKFILLS_WAITING, Map.of("plan", "p1", "reason", "server-budget")))
          .isEqualTo(2.0);
      assertThat(scrape.samples(MetricNames.BACKFILL_PROGRESS_RATIO)).extracting(s -> s.labels().get("database"))
          .containsExactly("admindb");
      assertThat(metrics.backfills("p1")).filteredOn(b -> b.database().equals("authdb"))
          .extracting(b -> b.waiting().orElse("")).containsExactly("server-budget");
    }
  }

  @Test
  void anEndedBackfillAndAnEndedPlanLeaveNoSeriesBehind() {
    try (TidemarkMetrics metrics = new TidemarkMetrics()) {
      BackfillMeter done = metrics.backfill("p1", "authdb", "users");
      done.batch(100, Duration.ofMillis(20));
      done.finished();
      done.remove();
      metrics.backfill("p1", "apidb", "users").batch(5, Duration.ofMillis(20));
      metrics.ddlAttempt("p1", "apidb", "expand[0]/add", false);
      metrics.indexBuild("p1", "apidb", "expand[1]/idx", 0.5);
      metrics.ddlAttempt("p1", "authdb", "expand[1]/idx", false);
      metrics.indexBuild("p1", "authdb", "expand[1]/idx", 0.9);
      metrics.stepCompleted("p1", "authdb", "expand[1]/idx");

      PrometheusText ended = PrometheusText.parse(metrics.scrape());
      assertThat(ended.samples(MetricNames.BACKFILL_ROWS_TOTAL)).extracting(s -> s.labels().get("database"))
          .containsExactly("apidb");
      assertThat(metrics.backfills("p1")).filteredOn(b -> b.database().equals("authdb"))
          .extracting(BackfillMeter.Snapshot::ratio).containsExactly(1.0);
      assertThat(ended.samples(MetricNames.DDL_ATTEMPTS_TOTAL)).extracting(s -> s.labels().get("database"))
          .as("the completed step's counters are gone").containsExactly("apidb");
      assertThat(ended.samples(MetricNames.INDEX_BUILD_PROGRESS_RATIO)).extracting(s -> s.labels().get("database"))
          .containsExactly("apidb");

      metrics.forgetPlan("p1");

      Set<String> left = PrometheusText.parse(metrics.scrape()).families().keySet().stream()
          .filter(n -> n.startsWith(MetricNames.PREFIX)).collect(Collectors.toSet());
      assertThat(left).isEmpty();
      assertThat(metrics.backfills("p1")).isEmpty();
    }
  }

  @Test
  void parserRefusesWhatTheFormatForbids() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("outside its TYPE'd family");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1")).hasMessageContaining("newline");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n"))
        .hasMessageContaining("duplicate series");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n")).hasMessageContaining("bad escape");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{1a=\"v\"} 1\n")).hasMessageContaining("bad label name");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1,5\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx  1\n")).hasMessageContaining("bad value");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\n# TYPE y gauge\ny 1\nx 2\n"))
        .hasMessageContaining("outside its TYPE'd family");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        + "h_sum 1\nh_count 1\n")).hasMessageContaining("decrease");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"))
        .hasMessageContaining("+Inf");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n"))
        .hasMessageContaining("_count");
    PrometheusText ok = PrometheusText.parse("# HELP x a \\\\ b\n# TYPE x gauge\nx{a=\"q\\\"\\n\"} -1.5e3\nx NaN\n");
    assertThat(ok.value("x", Map.of("a", "q\"\n"))).isEqualTo(-1500.0);
    assertThat(ok.families().get("x").help()).isEqualTo("a \\ b");
  }

  private static Map<String, String> with(Map<String, String> labels, String key, String value) {
    Map<String, String> out = new java.util.HashMap<>(labels);
    out.put(key, value);
    return out;
  }
}
