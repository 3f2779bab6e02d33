package io.tidemark.daemon.api;

import io.tidemark.daemon.metrics.TidemarkMetrics;
import io.tidemark.daemon.ops.ActionResult;
import io.tidemark.daemon.ops.PlanOperations;
import io.tidemark.daemon.ops.PlanQueries;
import io.tidemark.daemon.ops.SubmitReceipt;
import io.tidemark.daemon.ops.ThrottleChange;
import io.tidemark.daemon.store.PlanPages;
import io.tidemark.daemon.store.PlanState;
import io.tidemark.planner.CompiledPlan;
import io.tidemark.planner.PlanException;
import io.tidemark.planner.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
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
  /** Plans per page of {@code GET /plans} unless {@code limit} says otherwise: a small install sees them all. */
  private static final int DEFAULT_PLANS = 100;
  private static final int MAX_PLANS = 1000;
  /** Databases per page of {@code GET /plans/{id}} when it is paged (any of state, database, limit, after). */
  private static final int DEFAULT_DATABASES = 50;
  private static final int MAX_DATABASES = 1000;
  private static final List<String> DATABASE_STATES = List.of("pending", "running", "paused", "done", "failed");
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

  /** {@code GET /plans?limit=N&after=CURSOR}: a page of plans, oldest first, and the cursor of the next. */
  void list(RoutingContext ctx) {
    int limit;
    Optional<PlanPages.PlanCursor> after;
    try {
      limit = (int) Math.min(number(ctx, "limit", DEFAULT_PLANS), MAX_PLANS);
      after = Optional.ofNullable(ctx.queryParams().get("after")).map(PlanRoutes::decodeCursor);
    } catch (IllegalArgumentException e) {
      ApiError.badRequest("bad-parameter", e.getMessage()).send(ctx);
      return;
    }
    if (limit == 0) {
      ApiError.badRequest("bad-parameter", "limit must be at least 1").send(ctx);
      return;
    }
    ops.queries().plans(after, limit)
        .onSuccess(page -> json(ctx, 200, PlanJson.plans(page.plans(), page.next().map(PlanRoutes::encodeCursor))))
        .onFailure(e -> failed(ctx, e));
  }

  /**
   * {@code GET /plans/{id}[?state=S&database=TEXT&limit=N&after=POSITION]}: the plan with its summary; every
   * database without parameters, else the page of databases matching the filters, in rollout order.
   */
  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    PlanQueries.DatabaseQuery query;
    try {
      query = databaseQuery(ctx);
    } catch (IllegalArgumentException e) {
      ApiError.badRequest("bad-parameter", e.getMessage()).send(ctx);
      return;
    }
    ops.queries().plan(id, query).onSuccess(v -> {
      if (v.isEmpty()) {
        ApiError.notFound("no plan " + id).send(ctx);
      } else {
        json(ctx, 200, PlanJson.detail(v.get(), metrics.backfills(id), Instant.now()));
      }
    }).onFailure(e -> failed(ctx, e));
  }

  private static PlanQueries.DatabaseQuery databaseQuery(RoutingContext ctx) {
    Optional<String> state = Optional.ofNullable(ctx.queryParams().get("state"));
    if (state.isPresent() && !DATABASE_STATES.contains(state.get())) {
      throw new IllegalArgumentException("state must be one of " + String.join(", ", DATABASE_STATES)
          + ", not '" + state.get() + "'");
    }
    Optional<String> name = Optional.ofNullable(ctx.queryParams().get("database")).filter(n -> !n.isEmpty());
    long after = number(ctx, "after", -1);
    if (after > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("after is not a position of this plan");
    }
    boolean paged = state.isPresent() || name.isPresent() || ctx.queryParams().contains("limit")
        || ctx.queryParams().contains("after");
    OptionalInt limit = paged
        ? OptionalInt.of((int) Math.min(number(ctx, "limit", DEFAULT_DATABASES), MAX_DATABASES))
        : OptionalInt.empty();
    return new PlanQueries.DatabaseQuery(state, name, (int) after, limit);
  }

  /** The opaque cursor of {@code GET /plans}: the last plan's creation time and id, base64url. */
  static String encodeCursor(PlanPages.PlanCursor c) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        (c.createdAt().toString() + "|" + c.id()).getBytes(StandardCharsets.UTF_8));
  }

  static PlanPages.PlanCursor decodeCursor(String text) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int bar = raw.indexOf('|');
      return new PlanPages.PlanCursor(OffsetDateTime.parse(raw.substring(0, bar)), raw.substring(bar + 1));
    } catch (IllegalArgumentException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("after is not a cursor this API gave out (use the answer's next)");
    }
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
            : ops.events(id, after, n).map(events -> PlanJson.events(events, n)))
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
