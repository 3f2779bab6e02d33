package io.tidemark.daemon.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tidemark.daemon.ops.PlanQueries;
import io.tidemark.daemon.store.PlanPages;
import io.tidemark.daemon.store.PlanState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark_plan_state{plan,state}}, {@code tidemark_step_databases{plan,phase,step,state}} and
 * {@code tidemark_step_state{plan,database,phase,step,state}}, read from the control store on a timer rather
 * than pushed by the runner: every daemon sharing the state database exports the same values whoever holds
 * the leases, so a dashboard or alert does not change when a lease moves. Each plan has one series per state,
 * 1 for its current state and 0 for the others; each step of a plan one series per step state present,
 * counting the databases at that step in that state; and each step running, failed or paused on one
 * database one per-database series, 1 for that state. A database's step that is done (or not started) has no
 * per-database series, so the series follow the work in flight, not the size of the fleet.
 *
 * <p>Bounded: each refresh is three queries whatever the number of plans stored (the plans not ended, and
 * aggregate counts over their steps); plans that ended (completed, cancelled, rolled back) more than
 * {@link #KEEP_ENDED} ago are no longer exported, and when a plan ends this daemon's work series for it are
 * dropped ({@code ended}). Runs on the Vert.x context that started it; a failed read keeps the previous
 * values and logs once per failure.
 */
public final class StateGauges {
  /** How long an ended plan stays exported (long enough for a dashboard to show how it ended). */
  static final Duration KEEP_ENDED = Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(StateGauges.class);

  private final Vertx vertx;
  private final PlanQueries queries;
  private final Consumer<String> ended;
  private final MultiGauge plans;
  private final MultiGauge stepDatabases;
  private final MultiGauge steps;
  private final Set<String> endedSeen = new HashSet<>();
  private long timer = -1;
  private boolean reading;

  /** {@code ended} is told, once, each plan seen ended (to drop its work series). */
  StateGauges(Vertx vertx, PlanQueries queries, MeterRegistry registry, Consumer<String> ended) {
    this.vertx = vertx;
    this.queries = queries;
    this.ended = ended;
    this.plans = MultiGauge.builder("tidemark.plan.state").description("1 for the plan's current state")
        .register(registry);
    this.stepDatabases = MultiGauge.builder("tidemark.step.databases")
        .description("Databases at this step of the plan in this step state").register(registry);
    this.steps = MultiGauge.builder("tidemark.step.state")
        .description("1 for a step running, failed or paused on this database").register(registry);
  }

  /** Reads now and then every {@code interval}. */
  void start(Duration interval) {
    timer = vertx.setPeriodic(0, interval.toMillis(), id -> refresh());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Reads the store once and replaces every state series; completes when the gauges show the result. */
  Future<Void> refresh() {
    if (reading) {
      return Future.succeededFuture();
    }
    reading = true;
    return queries.exported(OffsetDateTime.now().minus(KEEP_ENDED))
        .compose(this::read)
        .onSuccess(this::publish)
        .onFailure(e -> LOG.warn("state gauges not refreshed: {}", e.toString()))
        .eventually(() -> {
          reading = false;
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private record Reading(List<PlanPages.ExportedPlan> plans, List<PlanPages.StepCount> counts,
      List<PlanPages.ActiveStep> active) {}

  private Future<Reading> read(List<PlanPages.ExportedPlan> exported) {
    List<String> ids = exported.stream().map(PlanPages.ExportedPlan::id).toList();
    return queries.stepCounts(ids).compose(counts -> queries.activeSteps(ids)
        .map(active -> new Reading(exported, counts, active)));
  }

  private void publish(Reading r) {
    List<MultiGauge.Row<?>> planRows = new ArrayList<>();
    for (PlanPages.ExportedPlan p : r.plans()) {
      for (PlanState s : PlanState.values()) {
        planRows.add(MultiGauge.Row.of(Tags.of("plan", p.id(), "state", s.wireName()), s == p.state() ? 1 : 0));
      }
      if (p.state().isTerminal() && endedSeen.add(p.id())) {
        ended.accept(p.id());
      }
    }
    endedSeen.retainAll(r.plans().stream().map(PlanPages.ExportedPlan::id).toList());
    List<MultiGauge.Row<?>> countRows = r.counts().stream().<MultiGauge.Row<?>>map(c -> MultiGauge.Row.of(
        Tags.of("plan", c.planId(), "phase", c.phase().wireName(), "step", c.stepId(),
            "state", c.state().name().toLowerCase(Locale.ROOT)), c.count())).toList();
    List<MultiGauge.Row<?>> stepRows = r.active().stream().<MultiGauge.Row<?>>map(a -> MultiGauge.Row.of(
        Tags.of("plan", a.planId(), "database", a.database(), "phase", a.phase().wireName(), "step", a.stepId(),
            "state", a.state()), 1)).toList();
    plans.register(planRows, true);
    stepDatabases.register(countRows, true);
    steps.register(stepRows, true);
  }
}
