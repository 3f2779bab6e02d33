package io.tidemark.daemon.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * An API error answer: HTTP status and {@code {"error": code, "message": text, "details": [...]}}. Codes are
 * stable kebab-case words clients may branch on ({@code invalid-plan}, {@code conflict}, ...); messages are
 * for people and never contain a secret. Every 4xx and 5xx the daemon sends has this shape, including those
 * sent before routing (malformed URI, unknown Host, a request line or headers too long, a read timeout).
 */
record ApiError(int status, String code, String message, List<JsonObject> details) {
  static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message, List.of());
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "not-found", message, List.of());
  }

  /** 409 naming the plan's state in the message and as {@code details[0].state}. */
  static ApiError conflict(String message, String state) {
    return new ApiError(409, "conflict", message, List.of(new JsonObject().put("state", state)));
  }

  JsonObject toJson() {
    return new JsonObject().put("error", code).put("message", message).put("details", new JsonArray(List.copyOf(details)));
  }

  void send(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(toJson().encode());
  }

  /**
   * Answers outside the router and closes the connection once the answer is written: used where the rest of
   * the request (its body, or the request itself) will not be read.
   */
  void sendAndClose(HttpServerResponse response, Runnable close) {
    if (response.ended() || response.headWritten()) {
      close.run();
      return;
    }
    ResponseHeaders.apply(response);
    response.setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(toJson().encode()).onComplete(x -> close.run());
  }
}
