package io.tidemark.daemon.lease;

import io.tidemark.daemon.store.Fence;
import io.tidemark.daemon.store.PlanState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Leases on (plan, database) in {@code tidemark.leases}, timed by the state database's clock only (daemons'
 * clocks may disagree). Claiming a lease that expired, or that this daemon's previous incarnation left behind,
 * bumps its fencing token, so every write of the previous holder is refused from then on (see {@link Fence}).
 * Runs on the caller's context.
 */
public final class Leases {
  private static final String CLAIM = "INSERT INTO tidemark.leases"
      + " (plan_id, database, owner, fencing_token, expires_at) VALUES ($1, $2, $3, 1, now() + make_interval(secs => $4::double precision / 1000))"
      + " ON CONFLICT (plan_id, database) DO UPDATE SET owner = EXCLUDED.owner,"
      + " fencing_token = tidemark.leases.fencing_token + 1, expires_at = EXCLUDED.expires_at"
      + " WHERE tidemark.leases.expires_at < now() OR tidemark.leases.owner = EXCLUDED.owner"
      + " RETURNING fencing_token";
  private static final String RENEW = "WITH renewed AS (UPDATE tidemark.leases"
      + "   SET expires_at = now() + make_interval(secs => $5::double precision / 1000)"
      + "   WHERE plan_id = $1 AND database = $2 AND owner = $3 AND fencing_token = $4 RETURNING plan_id, database)"
      + " SELECT p.state, p.max_rows_per_second, p.operator_throttle, d.paused, d.phase"
      + " FROM renewed r JOIN tidemark.plans p ON p.id = r.plan_id"
      + " JOIN tidemark.plan_databases d ON d.plan_id = r.plan_id AND d.database = r.database";
  private static final String RELEASE = "UPDATE tidemark.leases SET expires_at = '-infinity'"
      + " WHERE plan_id = $1 AND database = $2 AND owner = $3 AND fencing_token = $4";

  private Leases() {}

  /**
   * Takes (plan, database) for {@code owner} when nobody holds it, its lease expired, or {@code owner} holds
   * it already (a restart of the same instance). Empty when another live daemon holds it.
   */
  public static Future<Optional<Fence>> claim(SqlClient c, String planId, String database, String owner,
      Duration duration) {
    return c.preparedQuery(CLAIM).execute(Tuple.of(planId, database, owner, duration.toMillis()))
        .map(rs -> rs.size() == 0 ? Optional.empty()
            : Optional.of(new Fence(planId, database, owner, rs.iterator().next().getLong("fencing_token"))));
  }

  /**
   * Extends the lease and reads what the driver must react to (pause, cancel, rollback, throttle); empty
   * when the lease was lost.
   */
  public static Future<Optional<LeaseStatus>> renew(SqlClient c, Fence f, Duration duration) {
    return c.preparedQuery(RENEW).execute(Tuple.of(f.planId(), f.database(), f.owner(), f.token(), duration.toMillis()))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(status(rs.iterator().next())));
  }

  /** Gives the lease up at once so another daemon (or this one, later) can claim it without waiting. */
  public static Future<Void> release(SqlClient c, Fence f) {
    return c.preparedQuery(RELEASE).execute(Tuple.of(f.planId(), f.database(), f.owner(), f.token())).mapEmpty();
  }

  private static LeaseStatus status(Row r) {
    Long rate = r.getLong("max_rows_per_second");
    return new LeaseStatus(
        PlanState.fromWire(r.getString("state")),
        r.getString("phase"),
        r.getBoolean("paused"),
        rate == null ? OptionalLong.empty() : OptionalLong.of(rate),
        r.getBoolean("operator_throttle"));
  }
}
