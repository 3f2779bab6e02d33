package io.tidemark.daemon.api;

import io.tidemark.backfill.db.PgConnections;
import io.tidemark.backfill.db.SqlStates;
import io.tidemark.config.DatabaseConfig;
import io.tidemark.config.TidemarkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.List;

/**
 * {@code GET /versions}: which plans each configured database has applied, from its own
 * {@code tidemark.applied_plans} (written by the runner when a database finishes a phase), newest first; the
 * first is the plan the database is at. One short-lived connection per database per request, all databases
 * read in parallel; a database that cannot be read is reported with its error rather than failing the answer
 * (a read-only ops query, so nothing is retried). Callbacks on the HTTP event loop.
 */
final class Versions {
  private static final String APP_NAME = "tidemark/api";
  private static final String APPLIED = "SELECT plan_id, content_hash, phase_reached, updated_at"
      + " FROM tidemark.applied_plans ORDER BY updated_at DESC, plan_id";

  private final Vertx vertx;
  private final TidemarkConfig config;

  Versions(Vertx vertx, TidemarkConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  Future<JsonObject> read() {
    List<Future<JsonObject>> reads = config.databases().values().stream().map(this::read).toList();
    return Future.join(reads).transform(x -> Future.succeededFuture(
        new JsonObject().put("databases", new JsonArray(reads.stream().map(Future::result).toList()))));
  }

  private Future<JsonObject> read(DatabaseConfig db) {
    JsonObject entry = new JsonObject().put("database", db.name());
    return PgConnection.connect(vertx, PgConnections.options(db, APP_NAME))
        .compose(conn -> conn.query(APPLIED).execute().eventually(conn::close))
        .map(rs -> applied(entry, rs))
        .recover(e -> Future.succeededFuture(unreadable(entry, e)));
  }

  private static JsonObject applied(JsonObject entry, RowSet<Row> rs) {
    JsonArray plans = new JsonArray();
    rs.forEach(r -> plans.add(new JsonObject()
        .put("plan", r.getString("plan_id"))
        .put("content-hash", r.getString("content_hash"))
        .put("phase-reached", r.getString("phase_reached"))
        .put("updated-at", r.getOffsetDateTime("updated_at").toString())));
    return entry.put("current", plans.isEmpty() ? null : plans.getJsonObject(0).getString("plan"))
        .put("plans", plans).put("error", null);
  }

  /** A database Tidemark never ran a plan on has no {@code tidemark.applied_plans}: that is no plan, not an error. */
  private static JsonObject unreadable(JsonObject entry, Throwable e) {
    if (e instanceof PgException pg && SqlStates.UNDEFINED_TABLE.equals(pg.getSqlState())) {
      return entry.put("current", null).put("plans", new JsonArray()).put("error", null);
    }
    return entry.put("current", null).put("plans", new JsonArray()).put("error", e.getMessage());
  }
}
