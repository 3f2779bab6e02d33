package io.tidemark.daemon.api;

import io.tidemark.config.AuthToken;
import io.tidemark.config.Role;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer-token authorisation: {@code Authorization: Bearer <token>} is compared with every configured token
 * in constant time ({@link io.tidemark.config.Secret#matches}, and always against all of them, so the answer
 * time tells nothing about which token came close). The matching token's name (never the token) is kept on
 * the request as the actor. 401 without a valid token (always, when no token is configured), 403 when its
 * role is below the route's. Either answer is sent without reading the request's body (it is still paused,
 * see {@link RequestGate}). Runs on the HTTP event loop; pure CPU.
 */
final class Auth {
  private static final String ACTOR = "tidemark.actor";
  private static final String ROLE = "tidemark.role";
  /** What each role may do, as {@code GET /whoami} lists it: a role may also do all of the roles below it. */
  private static final Map<Role, List<String>> MAY = Map.of(
      Role.VIEWER, List.of("view"),
      Role.SUBMITTER, List.of("submit"),
      Role.OPERATOR, List.of("pause", "resume", "retry", "cancel", "approve", "rollback", "throttle"));
  private static final String BEARER = "bearer ";

  private final List<AuthToken> tokens;

  Auth(List<AuthToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  /** A handler letting the request through when its token has at least {@code role}. */
  Handler<RoutingContext> require(Role role) {
    return ctx -> {
      Optional<AuthToken> caller = caller(ctx.request().getHeader("Authorization"));
      if (caller.isEmpty()) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tidemark\"");
        new ApiError(401, "unauthorized", tokens.isEmpty()
            ? "no API tokens are configured (tidemark.auth.tokens): only /metrics and /health are open"
            : "a valid bearer token is required", List.of()).send(ctx);
      } else if (!caller.get().role().includes(role)) {
        new ApiError(403, "forbidden", "token " + caller.get().name() + " has role " + caller.get().role().configName()
            + "; this needs " + role.configName(), List.of()).send(ctx);
      } else {
        ctx.put(ACTOR, caller.get().name());
        ctx.put(ROLE, caller.get().role());
        ctx.next();
      }
    };
  }

  /** The name of the token that authorised this request. */
  static String actor(RoutingContext ctx) {
    return ctx.get(ACTOR);
  }

  /**
   * {@code GET /whoami} (behind {@code require(VIEWER)}): the token's name, its role and the actions it may
   * take, e.g. {@code {"name": "oncall", "role": "operator", "may": ["view", "submit", "pause", ...]}}. The
   * status page shows operator buttons from this, and never by trying an action.
   */
  static void whoami(RoutingContext ctx) {
    Role role = ctx.get(ROLE);
    List<String> may = new ArrayList<>();
    for (Role r : Role.values()) {
      if (role.includes(r)) {
        may.addAll(MAY.get(r));
      }
    }
    PlanRoutes.json(ctx, 200, new JsonObject().put("name", actor(ctx)).put("role", role.configName())
        .put("may", new JsonArray(may)));
  }

  private Optional<AuthToken> caller(String header) {
    if (header == null || header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Optional.empty();
    }
    String presented = header.substring(BEARER.length()).trim();
    AuthToken found = null;
    for (AuthToken t : tokens) {
      if (t.token().matches(presented) && found == null) {
        found = t;
      }
    }
    return Optional.ofNullable(found);
  }
}
