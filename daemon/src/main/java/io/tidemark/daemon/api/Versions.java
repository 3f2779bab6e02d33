package io.tidemark.daemon.api;

import io.tidemark.daemon.ops.DatabaseVersions;
import io.tidemark.daemon.store.AppliedPlan;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /versions}: which plans each configured database has applied, read by the daemon from each
 * database's own {@code tidemark.applied_plans}, newest first; {@code current} is the plan the database is at.
 * A database that could not be read carries its error (the daemon never fails the whole answer for one).
 */
final class Versions {
  private final Supplier<Future<List<DatabaseVersions>>> source;

  Versions(Supplier<Future<List<DatabaseVersions>>> source) {
    this.source = source;
  }

  Future<JsonObject> read() {
    return source.get().map(all -> new JsonObject().put("databases",
        new JsonArray(all.stream().map(Versions::database).toList())));
  }

  private static JsonObject database(DatabaseVersions v) {
    List<AppliedPlan> newestFirst = new ArrayList<>(v.applied());
    newestFirst.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
    JsonArray plans = new JsonArray();
    newestFirst.forEach(p -> plans.add(new JsonObject()
        .put("plan", p.planId())
        .put("content-hash", p.contentHash())
        .put("phase-reached", p.phaseReached())
        .put("updated-at", p.updatedAt().toString())));
    return new JsonObject()
        .put("database", v.database())
        .put("current", newestFirst.isEmpty() ? null : newestFirst.get(0).planId())
        .put("plans", plans)
        .put("error", v.error().orElse(null));
  }
}
