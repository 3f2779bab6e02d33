package io.tidemark.daemon.api;

import io.tidemark.config.TidemarkConfig;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.compile.PlanCompiler;
import io.tidemark.planner.plan.PlanParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Parses and compiles submitted plans on a small worker pool of its own, never on the event loop, each within
 * {@code http.plan-intake-timeout}. A plan still being parsed when its time is up is answered with a
 * {@link TimeoutException} failure at once; the parse itself cannot be interrupted, so it finishes on its
 * worker and its result is dropped, and a submission still queued behind it is skipped without being parsed.
 * With two workers, a flood of slow plans delays other submissions (they time out) but never the rest of the
 * API. Futures complete on the caller's context.
 */
final class PlanIntake {
  static final int WORKERS = 2;

  private final TidemarkConfig config;
  private final WorkerExecutor workers;
  private final long timeoutMs;

  PlanIntake(Vertx vertx, TidemarkConfig config) {
    this.config = config;
    this.timeoutMs = config.http().planIntakeTimeout().toMillis();
    this.workers = vertx.createSharedWorkerExecutor("tidemark-plan-intake", WORKERS);
  }

  /**
   * The compiled plan; fails with {@link MalformedJson} (a JSON body that is not a JSON object), PlanException
   * (its problems), TimeoutException, or whatever the planner threw.
   */
  Future<CompiledPlan> compile(String text, boolean json) {
    AtomicBoolean abandoned = new AtomicBoolean();
    String origin = json ? "plan.json" : "plan.conf";
    return workers.<CompiledPlan>executeBlocking(() -> {
      if (abandoned.get()) {
        throw new CancellationException("plan intake timed out before parsing started");
      }
      if (json && !parsesAsJson(text)) {
        throw new MalformedJson();
      }
      return PlanCompiler.compile(PlanParser.parse(text, origin), config);
    }, false).timeout(timeoutMs, TimeUnit.MILLISECONDS).onFailure(e -> abandoned.set(e instanceof TimeoutException));
  }

  /** Checked first, so that a broken JSON document is reported as such rather than as HOCON problems. */
  private static boolean parsesAsJson(String text) {
    try {
      return new JsonObject(text) != null;
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  /** The body was sent as JSON but is not a JSON object. */
  static final class MalformedJson extends RuntimeException {
    MalformedJson() {
      super("the body is not a JSON object", null, false, false);
    }
  }

  long timeoutMs() {
    return timeoutMs;
  }

  Future<Void> close() {
    return workers.close();
  }
}
