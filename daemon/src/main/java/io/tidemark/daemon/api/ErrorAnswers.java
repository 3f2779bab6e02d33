package io.tidemark.daemon.api;

import io.tidemark.pg.FailureKind;
import io.tidemark.pg.Failures;
import io.tidemark.pg.SqlStates;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API answers when a route's work failed, decided by the one classifier ({@link Failures}):
 * <ul>
 *   <li>{@code 503 unavailable}: the state database could not be reached (a connection-class failure) —
 *       the only case that says so; logged once at WARN without a stack trace (it is not a bug);
 *   <li>{@code 400 bad-request}: the state database refused a value the caller sent (a NUL byte, a character
 *       its encoding cannot hold) — the caller's mistake; logged at INFO;
 *   <li>{@code 500 internal}: anything else is a bug. The answer carries a fresh error id
 *       ({@code details[0]["error-id"]}), and the one ERROR line with the stack trace carries the same id, so
 *       an operator can find the trace from what a user quotes.
 * </ul>
 * Runs on the HTTP event loop; never blocks.
 */
final class ErrorAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);
  /** The state database could not store a value of the request as given: it came from the caller. */
  private static final Set<String> CALLERS_VALUE = Set.of(
      SqlStates.CHARACTER_NOT_IN_REPERTOIRE, SqlStates.UNTRANSLATABLE_CHARACTER);

  private ErrorAnswers() {}

  static void failed(RoutingContext ctx, Throwable e) {
    FailureKind kind = Failures.kind(e);
    if (kind.unreachable()) {
      LOG.warn("{} {}: state database unreachable: {}", ctx.request().method(), ctx.request().path(),
          Failures.message(e).orElse(""));
      new ApiError(503, "unavailable", "the state database could not be reached", List.of()).send(ctx);
    } else if (Failures.sqlState(e).filter(CALLERS_VALUE::contains).isPresent()) {
      LOG.info("{} {}: refused a value the state database cannot store ({})", ctx.request().method(),
          ctx.request().path(), Failures.sqlState(e).orElse(""));
      ApiError.badRequest("bad-request", "the request holds a character that cannot be stored (e.g. a NUL byte)")
          .send(ctx);
    } else {
      internal(ctx, e);
    }
  }

  /** A bug: 500 with an error id that the single ERROR log line (with the stack trace) carries too. */
  static void internal(RoutingContext ctx, Throwable e) {
    String id = UUID.randomUUID().toString();
    LOG.error("{} {} failed with a bug [error-id {}]", ctx.request().method(), ctx.request().path(), id, e);
    new ApiError(500, "internal", "internal error; the log has it under error id " + id,
        List.of(new JsonObject().put("error-id", id))).send(ctx);
  }
}
