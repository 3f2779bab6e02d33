package io.tidemark.daemon.hooks;

import io.tidemark.config.HookConfig;
import io.tidemark.daemon.store.ControlStore;
import io.tidemark.daemon.store.NewEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the configured hooks on plan events ({@code started, phase-done, awaiting-approval, failed,
 * completed, rolled-back}). An executable runs on a worker thread (never the event loop) with
 * {@code TIDEMARK_PLAN}, {@code TIDEMARK_DATABASE}, {@code TIDEMARK_PHASE} and {@code TIDEMARK_EVENT} in its
 * environment and is killed at its timeout; a webhook gets the same as a JSON POST. A hook that fails, exits
 * non-zero or times out is written to the event log as {@code hook-failed}; the returned future always
 * succeeds, so a hook can never stop a plan. Not retried.
 */
public final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  private final Vertx vertx;
  private final ControlStore store;
  private final String actor;
  private final List<HookConfig> hooks;
  private final WebClient web;

  public Hooks(Vertx vertx, ControlStore store, String actor, List<HookConfig> hooks) {
    this.vertx = vertx;
    this.store = store;
    this.actor = actor;
    this.hooks = List.copyOf(hooks);
    this.web = hooks.stream().anyMatch(h -> h.url().isPresent()) ? WebClient.create(vertx) : null;
  }

  /** Runs every hook subscribed to {@code event}; {@code database} and {@code phase} may be null. */
  public Future<Void> fire(String event, String planId, String database, String phase) {
    List<Future<Void>> runs = new ArrayList<>();
    for (HookConfig h : hooks) {
      if (h.events().contains(event)) {
        runs.add(call(h, new HookCall(event, planId, database, phase)));
      }
    }
    return Future.join(runs).mapEmpty();
  }

  private Future<Void> call(HookConfig hook, HookCall call) {
    Future<Void> run = hook.command().isPresent() ? execute(hook, hook.command().get(), call) : post(hook, call);
    return run.recover(e -> failed(hook, call, e));
  }

  private Future<Void> execute(HookConfig hook, List<String> argv, HookCall call) {
    return vertx.executeBlocking(() -> runProcess(hook, argv, call), false);
  }

  private static Void runProcess(HookConfig hook, List<String> argv, HookCall call) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = pb.environment();
    env.put("TIDEMARK_PLAN", call.plan());
    env.put("TIDEMARK_EVENT", call.event());
    env.put("TIDEMARK_DATABASE", call.database() == null ? "" : call.database());
    env.put("TIDEMARK_PHASE", call.phase() == null ? "" : call.phase());
    Process p = pb.start();
    if (!p.waitFor(hook.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out after " + hook.timeout().toMillis() + " ms");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exited with " + p.exitValue());
    }
    return null;
  }

  private Future<Void> post(HookConfig hook, HookCall call) {
    return web.postAbs(hook.url().orElseThrow())
        .timeout(hook.timeout().toMillis())
        .sendJsonObject(call.json())
        .compose(r -> r.statusCode() / 100 == 2 ? Future.succeededFuture()
            : Future.failedFuture("answered HTTP " + r.statusCode()));
  }

  private Future<Void> failed(HookConfig hook, HookCall call, Throwable e) {
    String message = "hook " + hook.name() + " on " + call.event() + ": " + e.getMessage();
    LOG.warn("plan {}: {}", call.plan(), message);
    return store.append(new NewEvent(call.plan(), call.database(), null, actor, "hook-failed", null, null,
            "error", null, message))
        .recover(x -> notRecorded(call, x));
  }

  /** The audit line of a failed hook could not be written: the log is then the only trace, so say so. */
  private static Future<Void> notRecorded(HookCall call, Throwable e) {
    LOG.error("plan {}: hook-failed event not written to the event log: {}", call.plan(), e.toString());
    return Future.succeededFuture();
  }

  /** One hook invocation's facts. */
  private record HookCall(String event, String plan, String database, String phase) {
    JsonObject json() {
      return new JsonObject().put("event", event).put("plan", plan).put("database", database).put("phase", phase);
    }
  }
}
