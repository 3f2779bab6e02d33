package io.tidemark.daemon.api;

import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.SubmitReceipt;
import io.tidemark.daemon.ops.ThrottleChange;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The {@code /plans} routes: submission (parsed and compiled by the planner on {@link PlanIntake}'s worker
 * threads, within {@code http.plan-intake-timeout}), reads, and the operator actions of {@link PlanOperations}.
 * Every change is logged with MDC {@code actor} = the token's name and {@code plan}; the action itself is also
 * in the plan's event log. Handlers run on the HTTP event loop and never block.
 */
final class PlanRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(PlanRoutes.class);
  private static final int DEFAULT_EVENTS = 500;
  private static final int MAX_EVENTS = 5000;
  /** Actions without {@code ?database=}: they change the plan's state, which all its databases share. */
  private static final Set<String> WHOLE_PLAN_ACTIONS = Set.of("cancel", "approve", "rollback");
  private static final Set<String> THROTTLE_FIELDS = Set.of("max-rows-per-second", "operator-throttle");

  private final PlanOperations ops;
  private final TidemarkMetrics metrics;
  private final PlanIntake intake;

  PlanRoutes(PlanOperations ops, TidemarkMetrics metrics, PlanIntake intake) {
    this.ops = ops;
    this.metrics = metrics;
    this.intake = intake;
  }

  /**
   * {@code POST /plans}. The body is the plan file: JSON when the content type says so (checked as JSON
   * first, so a broken document is {@code malformed-json}), HOCON otherwise. It is checked, parsed and
   * compiled on {@link PlanIntake}'s workers: 400 with the problems, or 503 {@code plan-intake-timeout}.
   */
  void submit(RoutingContext ctx) {
    String text = ctx.body().asString("UTF-8");
    boolean json = isJson(ctx);
    if (text == null || text.isBlank()) {
      ApiError.badRequest("empty-body", "the request body must be a plan (HOCON or JSON)").send(ctx);
      return;
    }
    intake.compile(text, json)
        .onSuccess(plan -> store(ctx, plan, text))
        .onFailure(e -> intakeFailed(ctx, e));
  }

  private void store(RoutingContext ctx, CompiledPlan plan, String text) {
    String actor = Auth.actor(ctx);
    ops.submit(plan, text, actor)
        .onSuccess(r -> submitted(ctx, actor, r))
        .onFailure(e -> failed(ctx, e));
  }

  /** The plan's problems are the client's (400); a planner that threw anything else has a bug (500, logged once). */
  private void intakeFailed(RoutingContext ctx, Throwable e) {
    if (e instanceof PlanIntake.MalformedJson) {
      ApiError.badRequest("malformed-json", e.getMessage()).send(ctx);
    } else if (e instanceof PlanException invalid) {
      invalidPlan(invalid.problems()).send(ctx);
    } else if (e instanceof TimeoutException) {
      LOG.warn("POST /plans by {}: parsing and compiling the plan took over {} ms; refused",
          Auth.actor(ctx), intake.timeoutMs());
      new ApiError(503, "plan-intake-timeout", "parsing and checking the plan took longer than"
          + " tidemark.http.plan-intake-timeout (" + intake.timeoutMs() + " ms); nothing was stored", List.of())
          .send(ctx);
    } else {
      if (e instanceof StackOverflowError) {
        LOG.error("POST /plans by {}: the planner overflowed its stack on the plan: {}", Auth.actor(ctx), e.toString());
      } else {
        LOG.error("POST /plans by {}: the planner failed on the plan", Auth.actor(ctx), e);
      }
      new ApiError(500, "internal", "internal error (logged)", List.of()).send(ctx);
    }
  }

  void list(RoutingContext ctx) {
    ops.plans().onSuccess(plans -> json(ctx, 200, new JsonObject().put("plans",
            new JsonArray(plans.stream().map(PlanJson::summary).toList()))))
        .onFailure(e -> failed(ctx, e));
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    ops.plan(id).onSuccess(v -> {
      if (v.isEmpty()) {
        ApiError.notFound("no plan " + id).send(ctx);
      } else {
        json(ctx, 200, PlanJson.detail(v.get(), metrics.backfills(id)));
      }
    }).onFailure(e -> failed(ctx, e));
  }

  /** {@code GET /plans/{id}/events?after=ID&limit=N}: events after {@code after}, oldest first. */
  void events(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    long after;
    long limit;
    try {
      after = number(ctx, "after", 0);
      limit = number(ctx, "limit", DEFAULT_EVENTS);
    } catch (IllegalArgumentException e) {
      ApiError.badRequest("bad-parameter", e.getMessage()).send(ctx);
      return;
    }
    int n = (int) Math.min(limit, MAX_EVENTS);
    ops.plan(id).compose(v -> v.isEmpty()
            ? Future.succeededFuture((JsonObject) null)
            : ops.events(id, after, n).map(PlanJson::events))
        .onSuccess(body -> {
          if (body == null) {
            ApiError.notFound("no plan " + id).send(ctx);
          } else {
            json(ctx, 200, body);
          }
        }).onFailure(e -> failed(ctx, e));
  }

  /** {@code POST /plans/{id}/<action>[?database=D]}. */
  void action(RoutingContext ctx, String action) {
    String id = ctx.pathParam("id");
    Optional<String> database = Optional.ofNullable(ctx.queryParams().get("database"));
    if (database.isPresent() && WHOLE_PLAN_ACTIONS.contains(action)) {
      ApiError.badRequest("bad-parameter", action + " applies to the whole plan: drop ?database=").send(ctx);
      return;
    }
    String actor = Auth.actor(ctx);
    Future<ActionResult<PlanState>> result = switch (action) {
      case "pause" -> ops.pause(id, database, actor);
      case "resume" -> ops.resume(id, database, actor);
      case "retry" -> ops.retry(id, database, actor);
      case "cancel" -> ops.cancel(id, actor);
      case "approve" -> ops.approve(id, actor);
      case "rollback" -> ops.rollback(id, actor);
      default -> throw new IllegalArgumentException(action);
    };
    result.onSuccess(r -> answered(ctx, actor, action, id, database, r)).onFailure(e -> failed(ctx, e));
  }

  /** {@code PUT /plans/{id}/throttle} with {@code {"max-rows-per-second": 500}} and/or {@code {"operator-throttle": true}}. */
  void throttle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      ApiError.badRequest("malformed-json", "the body is not a JSON object").send(ctx);
      return;
    }
    Optional<ThrottleChange> change = body == null ? Optional.empty() : throttleChange(body);
    if (change.isEmpty()) {
      ApiError.badRequest("bad-throttle", "expected {\"max-rows-per-second\": N (integer >= 0, 0 = no cap)}"
          + " and/or {\"operator-throttle\": true|false}, nothing else").send(ctx);
      return;
    }
    String actor = Auth.actor(ctx);
    ops.throttle(id, change.get(), actor)
        .onSuccess(r -> answered(ctx, actor, "throttle " + describe(change.get()), id, Optional.empty(), r))
        .onFailure(e -> failed(ctx, e));
  }

  private static Optional<ThrottleChange> throttleChange(JsonObject body) {
    if (body.isEmpty() || !THROTTLE_FIELDS.containsAll(body.fieldNames())) {
      return Optional.empty();
    }
    Object rate = body.getValue("max-rows-per-second");
    Object flag = body.getValue("operator-throttle");
    boolean rateOk = rate == null || (rate instanceof Integer || rate instanceof Long) && ((Number) rate).longValue() >= 0;
    boolean flagOk = flag == null || flag instanceof Boolean;
    if (!rateOk || !flagOk) {
      return Optional.empty();
    }
    return Optional.of(new ThrottleChange(
        rate == null ? OptionalLong.empty() : OptionalLong.of(((Number) rate).longValue()),
        Optional.ofNullable((Boolean) flag)));
  }

  private static String describe(ThrottleChange c) {
    return (c.maxRowsPerSecond().isPresent() ? "max-rows-per-second=" + c.maxRowsPerSecond().getAsLong() : "")
        + (c.maxRowsPerSecond().isPresent() && c.operatorThrottle().isPresent() ? " " : "")
        + c.operatorThrottle().map(f -> "operator-throttle=" + f).orElse("");
  }

  private void submitted(RoutingContext ctx, String actor, ActionResult<SubmitReceipt> r) {
    if (r instanceof ActionResult.Done<SubmitReceipt> done) {
      SubmitReceipt receipt = done.value();
      logAction(actor, receipt.planId(), receipt.created() ? "submitted" : "resubmitted (same content: no-op)");
      json(ctx, receipt.created() ? 201 : 200, new JsonObject().put("id", receipt.planId())
          .put("content-hash", receipt.contentHash()).put("created", receipt.created()));
    } else {
      rejected(ctx, r);
    }
  }

  private void answered(RoutingContext ctx, String actor, String action, String id, Optional<String> database,
      ActionResult<PlanState> r) {
    if (r instanceof ActionResult.Done<PlanState> done) {
      logAction(actor, id, action + database.map(d -> " on database " + d).orElse("") + " -> " + done.value().wireName());
      json(ctx, 200, new JsonObject().put("id", id).put("state", done.value().wireName()));
    } else {
      rejected(ctx, r);
    }
  }

  private static void rejected(RoutingContext ctx, ActionResult<?> r) {
    if (r instanceof ActionResult.NotFound<?> nf) {
      ApiError.notFound(nf.message()).send(ctx);
    } else if (r instanceof ActionResult.Conflict<?> c) {
      ApiError.conflict(c.message(), c.state()).send(ctx);
    }
  }

  private static void logAction(String actor, String plan, String what) {
    MDC.put("actor", actor);
    MDC.put("plan", plan);
    try {
      LOG.info("plan {}: {} by {}", plan, what, actor);
    } finally {
      MDC.remove("actor");
      MDC.remove("plan");
    }
  }

  static ApiError invalidPlan(List<Problem> problems) {
    List<JsonObject> details = problems.stream().map(p -> new JsonObject().put("path", p.path())
        .put("code", p.code()).put("message", p.message())).toList();
    return new ApiError(400, "invalid-plan", "the plan has " + problems.size()
        + (problems.size() == 1 ? " problem" : " problems"), details);
  }

  /** 503 only when the state database is unreachable, 400 for a value it refuses, 500 with an error id for bugs. */
  static void failed(RoutingContext ctx, Throwable e) {
    ErrorAnswers.failed(ctx, e);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
  }


  /** The query parameter as a non-negative integer, {@code absent} when not given. */
  private static long number(RoutingContext ctx, String name, long absent) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return absent;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a non-negative integer, not '" + v + "'");
  }
}
