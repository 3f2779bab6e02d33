package io.tidemark.daemon.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.PlanView;
import io.tidemark.daemon.store.DatabaseRecord;
import io.tidemark.daemon.store.PlanRecord;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.daemon.store.StepRecord;
import io.tidemark.daemon.store.StepState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tidemark_plan_state{plan,state}} and {@code tidemark_step_state{plan,database,phase,step,state}}, read
 * from the control store on a timer rather than pushed by the runner: every daemon sharing the state database
 * exports the same values whoever holds the leases, so a dashboard or alert does not change when a lease
 * moves. Each plan has one series per state, 1 for its current state and 0 for the others; each recorded step
 * one series per step state ({@code pending, running, done, failed, paused}; {@code paused} for the current
 * step of a database paused alone).
 *
 * <p>Bounded: plans that ended (completed, cancelled, rolled back) more than {@link #KEEP_ENDED} ago are no
 * longer exported, so the series count follows the plans in flight, not the history. Runs on the Vert.x
 * context that started it; a failed read keeps the previous values and logs once per failure.
 */
public final class StateGauges {
  /** How long an ended plan stays exported (long enough for a dashboard to show how it ended). */
  static final Duration KEEP_ENDED = Duration.ofHours(1);
  private static final List<String> STEP_STATES = List.of("pending", "running", "done", "failed", "paused");
  private static final Logger LOG = LoggerFactory.getLogger(StateGauges.class);

  private final Vertx vertx;
  private final PlanOperations operations;
  private final MultiGauge plans;
  private final MultiGauge steps;
  private long timer = -1;
  private boolean reading;

  StateGauges(Vertx vertx, PlanOperations operations, MeterRegistry registry) {
    this.vertx = vertx;
    this.operations = operations;
    this.plans = MultiGauge.builder("tidemark.plan.state").description("1 for the plan's current state")
        .register(registry);
    this.steps = MultiGauge.builder("tidemark.step.state").description("1 for the step's current state")
        .register(registry);
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
    return operations.plans()
        .compose(this::views)
        .onSuccess(this::publish)
        .onFailure(e -> LOG.warn("state gauges not refreshed: {}", e.toString()))
        .eventually(() -> {
          reading = false;
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  private Future<List<PlanView>> views(List<PlanRecord> all) {
    OffsetDateTime cutoff = OffsetDateTime.now().minus(KEEP_ENDED);
    List<Future<PlanView>> reads = all.stream().filter(p -> !p.state().isTerminal() || p.updatedAt().isAfter(cutoff))
        .map(p -> operations.plan(p.id()).map(v -> v.orElse(null))).toList();
    return Future.all(reads).map(f -> f.<PlanView>list().stream().filter(v -> v != null).toList());
  }

  private void publish(List<PlanView> views) {
    List<MultiGauge.Row<?>> planRows = new ArrayList<>();
    List<MultiGauge.Row<?>> stepRows = new ArrayList<>();
    for (PlanView v : views) {
      for (PlanState s : PlanState.values()) {
        planRows.add(MultiGauge.Row.of(Tags.of("plan", v.plan().id(), "state", s.wireName()),
            s == v.plan().state() ? 1 : 0));
      }
      for (StepRecord step : v.steps()) {
        String current = stepState(step, v.databases());
        for (String s : STEP_STATES) {
          stepRows.add(MultiGauge.Row.of(Tags.of("plan", step.planId(), "database", step.database(),
              "phase", step.phase().wireName(), "step", step.stepId(), "state", s), s.equals(current) ? 1 : 0));
        }
      }
    }
    plans.register(planRows, true);
    steps.register(stepRows, true);
  }

  private static String stepState(StepRecord step, List<DatabaseRecord> databases) {
    boolean pausedHere = step.state() == StepState.RUNNING && databases.stream().anyMatch(d ->
        d.database().equals(step.database()) && d.paused() && d.currentStep().filter(step.stepId()::equals).isPresent());
    return pausedHere ? "paused" : step.state().name().toLowerCase(Locale.ROOT);
  }
}
