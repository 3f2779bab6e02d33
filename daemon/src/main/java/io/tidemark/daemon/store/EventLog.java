package io.tidemark.daemon.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Appends to and reads {@code tidemark.events}. Work done under a lease is appended fenced: the insert only
 * happens while the lease is still held, so a daemon that lost its lease cannot add a line claiming work
 * it may no longer do. Runs on the caller's context.
 */
public final class EventLog {
  private static final String COLUMNS = "plan_id, database, step_id, actor, kind, statement, duration_ms, outcome,"
      + " sqlstate, message";
  private static final String APPEND = "INSERT INTO tidemark.events (" + COLUMNS
      + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  private static final String APPEND_FENCED = "INSERT INTO tidemark.events (" + COLUMNS + ", fencing_token)"
      + " SELECT $1, $2, $5, $3, $6, $7, $8, $9, $10, $11, $4 WHERE " + Fence.HOLDS;
  private static final String READ = "SELECT * FROM tidemark.events WHERE plan_id = $1 AND id > $2"
      + " ORDER BY id LIMIT $3";

  private EventLog() {}

  public static Future<Void> append(SqlClient client, NewEvent e) {
    return client.preparedQuery(APPEND).execute(Tuple.from(new Object[] {e.planId(), e.database(), e.stepId(),
        e.actor(), e.kind(), e.statement(), e.durationMillis(), e.outcome(), e.sqlState(), e.message()})).mapEmpty();
  }

  /** Appends under {@code fence}; fails with {@link LeaseLostException} when the lease is gone. */
  public static Future<Void> appendFenced(SqlClient client, Fence fence, NewEvent e) {
    return client.preparedQuery(APPEND_FENCED).execute(Tuple.from(new Object[] {fence.planId(), fence.database(),
        fence.owner(), fence.token(), e.stepId(), e.kind(), e.statement(), e.durationMillis(), e.outcome(),
        e.sqlState(), e.message()}))
        .compose(rs -> rs.rowCount() == 1
            ? Future.succeededFuture()
            : Future.failedFuture(new LeaseLostException(fence)));
  }

  /** Events of a plan after {@code afterId}, oldest first, at most {@code limit}. */
  public static Future<List<EventRecord>> read(SqlClient client, String planId, long afterId, int limit) {
    return client.preparedQuery(READ).execute(Tuple.of(planId, afterId, limit)).map(rs -> {
      List<EventRecord> out = new ArrayList<>();
      rs.forEach(r -> out.add(map(r)));
      return out;
    });
  }

  private static EventRecord map(Row r) {
    return new EventRecord(
        r.getLong("id"),
        r.getOffsetDateTime("at"),
        r.getString("plan_id"),
        Optional.ofNullable(r.getString("database")),
        Optional.ofNullable(r.getString("step_id")),
        r.getString("actor"),
        r.getString("kind"),
        Optional.ofNullable(r.getString("statement")),
        optionalLong(r.getLong("duration_ms")),
        Optional.ofNullable(r.getString("outcome")),
        Optional.ofNullable(r.getString("sqlstate")),
        Optional.ofNullable(r.getString("message")),
        optionalLong(r.getLong("fencing_token")));
  }

  private static OptionalLong optionalLong(Long v) {
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
