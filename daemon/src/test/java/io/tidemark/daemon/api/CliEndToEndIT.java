package io.tidemark.daemon.api;

import static io.tidemark.daemon.api.ApiFixture.OPERATOR;
import static io.tidemark.daemon.api.ApiFixture.SUBMITTER;
import static io.tidemark.daemon.api.ApiFixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tidemark.daemon.Daemon;
import io.tidemark.daemon.Fleet;
import io.tidemark.daemon.cli.CliRun;
import io.tidemark.daemon.cli.RemoteCommands;
import io.tidemark.daemon.metrics.MetricNames;
import io.tidemark.daemon.metrics.PrometheusText;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * The end-to-end run: a daemon on fresh databases, a plan submitted, held, paused, resumed, throttled,
 * watched to the approval gate and approved, all through the {@code tidemark} command line in-process, with
 * {@code /metrics}
 * scraped (and strictly parsed) on the way.
 */
class CliEndToEndIT {
  private static final int ROWS = 3000;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ID = "e2e-users-status";
  private static final List<String> DATABASES = List.of("authdb", "apidb", "admindb");
  private static final ObjectMapper JSON = new ObjectMapper();

  private int port;

  @Test
  void submitHoldPauseResumeThrottleWatchApproveThroughTheCli(@TempDir Path dir) throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root().addAppender(logs);
    try (Fleet fleet = new Fleet("cli", ROWS)) {
      Daemon daemon = fleet.start(ApiFixture.withTokens(fleet.config("cli1"), ApiFixture.TOKENS, 1 << 20));
      port = daemon.httpPort();
      Path file = dir.resolve("users-status.conf");
      Files.writeString(file, ApiFixture.plan(ID, "status", String.join(", ", DATABASES), 1000));

      assertThat(cli(SUBMITTER, "submit", file.toString()).out()).contains("plan " + ID + " submitted");
      assertThat(cli(OPERATOR, "throttle", ID, "--hold").code()).isZero();
      Map<String, String> authdb = Map.of("plan", ID, "database", "authdb");
      Map<String, String> operatorReason = Map.of("plan", ID, "database", "authdb", "reason", "operator");
      await("operator throttle shown", () -> gauge(MetricNames.THROTTLE_ACTIVE, operatorReason) == 1.0);
      assertThat(gauge(MetricNames.BACKFILL_ROWS_TOTAL, authdb)).as("rows counter registered at 0").isZero();
      Run held = cli(VIEWER, "status", ID);
      assertThat(held.out()).contains("held by operator").contains("migrate");

      assertThat(cli(OPERATOR, "throttle", ID, "--release", "--max-rows-per-second", "1500").code()).isZero();
      await("rows flowing", () -> gauge(MetricNames.BACKFILL_ROWS_TOTAL, authdb) > 0);
      assertThat(gauge(MetricNames.THROTTLE_ACTIVE, operatorReason)).isZero();
      assertThat(cli(OPERATOR, "pause", ID).out()).contains("plan is paused");
      Run again = cli(OPERATOR, "pause", ID);
      assertThat(again.code()).as("pausing a paused plan is refused").isEqualTo(2);
      assertThat(again.err()).contains("paused");
      double rowsWhenPaused = gauge(MetricNames.BACKFILL_ROWS_TOTAL, authdb);
      assertThat(cli(OPERATOR, "resume", ID).code()).isZero();
      await("rows counter rises after resume", () -> gauge(MetricNames.BACKFILL_ROWS_TOTAL, authdb) > rowsWhenPaused);

      Run watch = cli(VIEWER, "watch", ID, "--interval", "200ms");
      assertThat(watch.code()).isZero();
      assertThat(watch.out()).contains("awaiting-approval").contains("100%").contains("[########################]");
      assertThat(fleet.planState(ID)).isEqualTo("awaiting-approval");
      JsonNode status = JSON.readTree(cli(VIEWER, "status", ID, "-o", "json").out());
      for (JsonNode d : status.path("databases")) {
        JsonNode users = d.path("backfills").path(0);
        assertThat(users.path("ratio").asDouble()).as(d.path("database").asText()).isEqualTo(1.0);
        assertThat(users.path("rows-done").asLong()).as(d.path("database").asText()).isEqualTo(ROWS);
      }
      assertThat(status.path("databases")).hasSize(DATABASES.size());
      assertThat(status.path("summary").path("by-state").path("done").asInt()).isEqualTo(DATABASES.size());
      assertThat(scrape().samples(MetricNames.BACKFILL_PROGRESS_RATIO))
          .as("a finished backfill leaves no per-database series").noneMatch(s -> s.labels().get("plan").equals(ID));
      await("plan state gauge", () -> gauge(MetricNames.PLAN_STATE, Map.of("plan", ID, "state", "awaiting-approval")) == 1.0);
      assertThat(gauge(MetricNames.PLAN_STATE, Map.of("plan", ID, "state", "migrating"))).isZero();

      assertThat(scrape().samples(MetricNames.DDL_ATTEMPTS_TOTAL))
          .as("completed DDL steps leave no per-database series").noneMatch(s -> s.labels().get("plan").equals(ID));
      assertThat(scrape().families().keySet()).as("JVM, process and Vert.x pool metrics")
          .contains("jvm_memory_used_bytes", "process_cpu_usage")
          .anyMatch(name -> name.startsWith("vertx_pool_"));

      assertThat(cli(OPERATOR, "approve", ID).code()).isZero();
      fleet.awaitPlanState(ID, "completed", WAIT);
      await("state gauges: plan completed, every step done on every database, no per-database step series", () -> {
        List<PrometheusText.Sample> counts = scrape().samples(MetricNames.STEP_DATABASES).stream()
            .filter(s -> s.labels().get("plan").equals(ID)).toList();
        boolean perDatabaseLeft = scrape().samples(MetricNames.STEP_STATE).stream()
            .anyMatch(s -> s.labels().get("plan").equals(ID));
        return counts.size() >= 4 && counts.stream().allMatch(s -> s.labels().get("state").equals("done")
                && s.value() == DATABASES.size())
            && !perDatabaseLeft && gauge(MetricNames.PLAN_STATE, Map.of("plan", ID, "state", "completed")) == 1.0;
      });
      fleet.assertUsersExact(ROWS);

      Run plans = cli(VIEWER, "plans");
      assertThat(plans.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("STATE");
      assertThat(plans.out()).containsPattern(ID + " +completed +contract");
      JsonNode json = JSON.readTree(cli(VIEWER, "plans", "-o", "json").out());
      assertThat(json.path("plans").get(0).path("state").asText()).isEqualTo("completed");
      Run versions = cli(VIEWER, "versions");
      assertThat(versions.code()).isZero();
      for (String db : DATABASES) {
        assertThat(versions.out()).containsPattern(db + " +" + ID + " +contract");
      }
    } finally {
      root().detachAppender(logs);
    }
    assertWorkLinesCarryPlanAndDatabase(logs);
  }

  /**
   * Every log line of the plan's work — the runner driving a database, each step, the backfill engine —
   * carries MDC plan and database (and step where there is one), so JSON logs can be filtered by them.
   */
  private static void assertWorkLinesCarryPlanAndDatabase(ListAppender<ILoggingEvent> logs) {
    root().detachAppender(logs);
    List<ILoggingEvent> work = logs.list.stream()
        .filter(e -> e.getLoggerName().startsWith("io.tidemark.daemon.runner")
            || e.getLoggerName().startsWith("io.tidemark.backfill")
            || e.getLoggerName().startsWith("io.tidemark.daemon.metrics"))
        .filter(e -> e.getFormattedMessage().contains(ID))
        .toList();
    assertThat(work).as("log lines of the plan's work").hasSizeGreaterThan(5);
    assertThat(work).allSatisfy(e -> {
      assertThat(e.getMDCPropertyMap()).as(e.getFormattedMessage()).containsEntry("plan", ID);
      assertThat(DATABASES).as(e.getFormattedMessage()).contains(e.getMDCPropertyMap().get("database"));
    });
    assertThat(work).anySatisfy(e -> assertThat(e.getMDCPropertyMap()).containsKey("step"));
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void exitCodesSayWhoseFaultItWas() {
    port = 1; // nothing listens there
    Run unreachable = cli(VIEWER, "plans");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach the daemon");
    assertThat(cli(VIEWER, "throttle", "p").code()).as("no change given").isEqualTo(2);
    assertThat(cli(VIEWER, "watch", "p", "--interval", "soon").code()).as("bad duration").isEqualTo(2);
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    for (Class<?> command : RemoteCommands.ALL) {
      String name = command.getAnnotation(Command.class).name();
      Run help = cli(null, name, "--help");
      assertThat(help.code()).as(name).isZero();
      assertThat(help.out()).as(name).contains("Usage: tidemark " + name).contains("Examples:").contains("--url");
    }
  }

  private record Run(int code, String out, String err) {}

  /** The real {@code tidemark} command line, in-process, against this test's daemon. */
  private Run cli(String token, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!List.of(args).contains("--help")) {
      all.addAll(List.of("--url", "http://127.0.0.1:" + port));
      if (token != null) {
        all.addAll(List.of("--token", token));
      }
    }
    CliRun.Result r = CliRun.run(all.toArray(String[]::new));
    return new Run(r.code(), r.out(), r.err());
  }

  private double gauge(String series, Map<String, String> labels) {
    PrometheusText parsed = scrape();
    return parsed.samples(series).stream().anyMatch(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        ? parsed.value(series, labels) : Double.NaN;
  }

  /** {@code /metrics}, through the strict parser (which fails the test on any format violation). */
  private PrometheusText scrape() {
    ApiFixture.Answer scrape = ApiFixture.send(port, "GET", "/metrics", null, null, null);
    assertThat(scrape.status()).isEqualTo(200);
    return PrometheusText.parse(scrape.body());
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    Fleet.await(what, WAIT, condition);
  }
}
